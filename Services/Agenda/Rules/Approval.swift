/// 两委会审议议题 — "村党支部……初步确定协商的议题提交村'两委'会议审议，得到半数以上与会人员同意
/// 的列为协商议题" (004, 确定议题): a topic is adopted when half or more of those present agree.
///
/// 半数以上 includes the half (Civil Code art. 1259; DOMAIN.md "Reading thresholds"): 4 of 8
/// adopts. The threshold, its base and whether it is inclusive are data
/// (``ApprovalThreshold``), set per unit and inherited down the tree; a unit that reads its
/// rule as 过半数 stores the strict reading, under which 4 of 8 fails.
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

/// The threshold a unit applies to topic approval; the base is always those present
/// (与会人员, 004). Absent at every unit on the way up: ``Threshold/halfOrMore``.
public struct ApprovalThreshold: Sendable, Hashable {
    public var unitPath: UnitPath?
    public var threshold: Threshold

    public init(unitPath: UnitPath?, threshold: Threshold) {
        self.unitPath = unitPath
        self.threshold = threshold
    }

    /// 半数以上与会人员同意 (004).
    public static let seedDefault = Threshold.halfOrMore

    /// The threshold in force at `unit`: the deepest rule on the way up, else the seed's.
    public static func effective(_ rules: [ApprovalThreshold], at unit: UnitPath) -> ApprovalThreshold {
        rules.filter { $0.unitPath.map(unit.isWithin) ?? false }
            .max { ($0.unitPath?.depth ?? 0) < ($1.unitPath?.depth ?? 0) }
            ?? ApprovalThreshold(unitPath: nil, threshold: seedDefault)
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
    public var outcome: ThresholdOutcome

    public var adopted: Bool { outcome.passed }
}

public enum TopicApproval {
    /// Counts `ballots` against those `present` under `threshold`.
    ///
    /// - `approval.present` (field `present`): nobody present, or a name given twice;
    /// - `approval.not_present` (field `ballots`): a ballot by someone not recorded present;
    /// - `approval.double_vote` (field `ballots`): a second ballot by the same person;
    /// - `approval.vote` (field `ballots`): a ballot without a vote.
    /// Those present who cast no ballot count in the base and not in favour.
    public static func count(present: [String], ballots: [Ballot], threshold: Threshold) throws(DomainViolation) -> ApprovalResult {
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
        return ApprovalResult(
            inFavour: inFavour, against: tally[.against, default: 0], abstaining: tally[.abstain, default: 0],
            present: attendees.count, outcome: threshold.evaluate(count: inFavour, of: attendees.count))
    }

    /// 议题编号 — numbers are unique per unit and year: `2025-007`.
    public static func number(year: Int, sequence: Int) -> String {
        let digits = String(sequence)
        return "\(year)-" + String(repeating: "0", count: max(0, 3 - digits.count)) + digits
    }
}
