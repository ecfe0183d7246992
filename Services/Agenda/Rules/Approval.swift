/// 两委会审议议题 — "村党支部……初步确定协商的议题提交村'两委'会议审议，得到半数以上与会人员同意
/// 的列为协商议题" (004, 确定议题): a topic is adopted when half or more of those present agree.
///
/// 半数以上 includes the half (Civil Code art. 1259; DOMAIN.md "Reading thresholds"): 4 of 8
/// adopts. The threshold, its base (``ApprovalBase``: those present, or all members of the two
/// committees) and whether it is inclusive are data (``ApprovalThreshold``), set together per
/// unit and inherited down the tree; a unit that reads its rule as 过半数 stores the strict
/// reading, under which 4 of 8 fails, and a unit whose rule is 两委全体成员过半数 stores the
/// base "all members", under which 4 of the 7 members must agree however few attend.
public enum Vote: Int, Sendable, Hashable, CaseIterable, Codable {
    case inFavour = 1
    case against
    case abstain
}

public struct Ballot: Sendable, Hashable {
    public var voter: String
    public var vote: Vote

    public init(voter: String, vote: Vote) {
        self.voter = voter
        self.vote = vote
    }
}

/// 表决基数 — what an approval threshold is counted against.
public enum ApprovalBase: Int, Sendable, Hashable, CaseIterable, Codable {
    /// 与会人员 — those recorded present (004: 半数以上与会人员同意); the seed's base.
    case present = 1
    /// 两委全体成员 — every member of the two committees recorded as entitled to vote, present
    /// or not: an absent member counts in the base and not in favour.
    case allMembers = 2

    public var nameZH: String {
        switch self {
        case .present: "与会人员"
        case .allMembers: "两委全体成员"
        }
    }

    public var nameEN: String {
        switch self {
        case .present: "those present"
        case .allMembers: "all members of the two committees"
        }
    }
}

/// The rule a unit applies to topic approval: the threshold and its base, set together.
/// Absent at every unit on the way up: ``Threshold/halfOrMore`` of those present (004).
public struct ApprovalThreshold: Sendable, Hashable {
    public var unitPath: UnitPath?
    public var threshold: Threshold
    public var base: ApprovalBase

    public init(unitPath: UnitPath?, threshold: Threshold, base: ApprovalBase = .present) {
        self.unitPath = unitPath
        self.threshold = threshold
        self.base = base
    }

    /// 半数以上与会人员同意 (004).
    public static let seedDefault = Threshold.halfOrMore
    public static let seedBase = ApprovalBase.present

    /// The rule in force at `unit`: the deepest rule on the way up (threshold and base
    /// together), else the seed's.
    public static func effective(_ rules: [ApprovalThreshold], at unit: UnitPath) -> ApprovalThreshold {
        rules.filter { $0.unitPath.map(unit.isWithin) ?? false }
            .max { ($0.unitPath?.depth ?? 0) < ($1.unitPath?.depth ?? 0) }
            ?? ApprovalThreshold(unitPath: nil, threshold: seedDefault, base: seedBase)
    }

    /// A threshold a unit may set for approvals: a lower bound (以上/不少于 or 过半数/超过)
    /// of a proper fraction; upper bounds make no sense for adoption.
    public static func validated(numerator: Int, denominator: Int, inclusive: Bool) throws(DomainViolation) -> Threshold {
        guard Threshold.isValid(numerator, denominator), denominator <= 1000, numerator > 0 else {
            throw DomainViolation(
                rule: "approval.threshold", field: "threshold",
                zh: "门槛应为 0 < 分子 ≤ 分母 ≤ 1000 的分数", en: "the threshold must be a fraction 0 < n ≤ d ≤ 1000")
        }
        return inclusive ? .atLeast(numerator, denominator) : .moreThan(numerator, denominator)
    }
}

/// The result of one vote, with every figure (DOMAIN.md: show the figures with the result).
public struct ApprovalResult: Sendable, Hashable {
    public var inFavour: Int
    public var against: Int
    public var abstaining: Int
    public var present: Int
    /// Those recorded as entitled to vote; 0 when none were given.
    public var members: Int
    public var base: ApprovalBase
    /// The threshold's outcome; `outcome.base` is the count it was applied to.
    public var outcome: ThresholdOutcome

    public var adopted: Bool { outcome.passed }

    /// `4/8，不少于二分之一（至少 4）：通过`; against all members it says so first:
    /// `以两委全体成员为基数：4/7，超过二分之一（至少 4）：通过`.
    public var descriptionZH: String {
        base == .present ? outcome.descriptionZH : "以\(base.nameZH)为基数：\(outcome.descriptionZH)"
    }

    public var descriptionEN: String {
        base == .present ? outcome.descriptionEN : "against \(base.nameEN): \(outcome.descriptionEN)"
    }
}

public enum TopicApproval {
    /// Counts `ballots` under `threshold` against `base`: those `present`, or all `members`
    /// (everyone recorded as entitled to vote). Exact integer fractions throughout
    /// (``Threshold/evaluate(count:of:)``).
    ///
    /// - `approval.present` (field `present`): nobody present, or a name given twice;
    /// - `approval.members` (field `members`): the base is all members and none are recorded,
    ///   or a member is listed twice;
    /// - `approval.not_member` (field `present`): members are recorded and someone present is
    ///   not among them;
    /// - `approval.not_present` (field `ballots`): a ballot by someone not recorded present;
    /// - `approval.double_vote` (field `ballots`): a second ballot by the same person.
    /// Those in the base who cast no ballot (absent members, silent attendees) count in the
    /// base and not in favour.
    public static func count(
        present: [String], ballots: [Ballot], threshold: Threshold, base: ApprovalBase = .present, members: [String] = []
    ) throws(DomainViolation) -> ApprovalResult {
        let attendees = Set(present)
        guard !present.isEmpty, !present.contains(where: \.isEmpty) else {
            throw DomainViolation(
                rule: "approval.present", field: "present",
                zh: "须记录与会人员", en: "those present must be recorded")
        }
        guard attendees.count == present.count else {
            throw DomainViolation(
                rule: "approval.present", field: "present",
                zh: "与会人员名单有重复", en: "someone is listed as present twice")
        }
        let entitled = Set(members)
        if base == .allMembers && members.isEmpty {
            throw DomainViolation(
                rule: "approval.members", field: "members",
                zh: "本单位以两委全体成员为表决基数，须记录全体成员名单",
                en: "this unit counts against all members of the two committees, so every member must be recorded")
        }
        guard !members.contains(where: \.isEmpty), entitled.count == members.count else {
            throw DomainViolation(
                rule: "approval.members", field: "members",
                zh: "成员名单有空项或重复", en: "the member list has an empty or repeated entry")
        }
        if !members.isEmpty, let outsider = present.first(where: { !entitled.contains($0) }) {
            throw DomainViolation(
                rule: "approval.not_member", field: "present",
                zh: "\(outsider) 不在两委成员名单中", en: "\(outsider) is not among the members of the two committees")
        }
        var voted: Set<String> = []
        var tally: [Vote: Int] = [:]
        for ballot in ballots {
            guard attendees.contains(ballot.voter) else {
                throw DomainViolation(
                    rule: "approval.not_present", field: "ballots",
                    zh: "\(ballot.voter) 未出席会议，不能表决", en: "\(ballot.voter) was not present and cannot vote")
            }
            guard voted.insert(ballot.voter).inserted else {
                throw DomainViolation(
                    rule: "approval.double_vote", field: "ballots",
                    zh: "\(ballot.voter) 重复表决", en: "\(ballot.voter) voted twice")
            }
            tally[ballot.vote, default: 0] += 1
        }
        let inFavour = tally[.inFavour, default: 0]
        let counted = base == .present ? attendees.count : entitled.count
        return ApprovalResult(
            inFavour: inFavour, against: tally[.against, default: 0], abstaining: tally[.abstain, default: 0],
            present: attendees.count, members: entitled.count, base: base,
            outcome: threshold.evaluate(count: inFavour, of: counted))
    }

    /// 议题编号 — numbers are unique per unit and year: `2025-007`.
    public static func number(year: Int, sequence: Int) -> String {
        let digits = String(sequence)
        return "\(year)-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
