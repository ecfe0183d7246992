/// 法定人数的基数.
public enum QuorumBase: String, Sendable, Hashable, CaseIterable, Codable {
    /// 固定成员 — a consultation's fixed members.
    case fixedMembers = "fixed_members"
    /// 全体成员 — every voting invitee (the assembly's villagers aged 18+, the
    /// representatives' meeting's members).
    case members
    /// 户 — households, represented by one member each (the assembly's second base).
    case households

    public var nameZH: String {
        switch self {
        case .fixedMembers: "固定成员"
        case .members: "应到成员"
        case .households: "户代表"
        }
    }

    public var nameEN: String {
        switch self {
        case .fixedMembers: "fixed members"
        case .members: "members"
        case .households: "households"
        }
    }
}

/// Who is present against whom, counted at check-in.
public struct QuorumCounts: Sendable, Hashable, Codable {
    public var fixedMembers: Int
    public var fixedMembersPresent: Int
    public var members: Int
    public var membersPresent: Int
    public var households: Int
    public var householdsPresent: Int

    public init(fixedMembers: Int = 0, fixedMembersPresent: Int = 0, members: Int = 0, membersPresent: Int = 0,
                households: Int = 0, householdsPresent: Int = 0) {
        self.fixedMembers = fixedMembers
        self.fixedMembersPresent = fixedMembersPresent
        self.members = members
        self.membersPresent = membersPresent
        self.households = households
        self.householdsPresent = householdsPresent
    }

    func count(_ base: QuorumBase) -> (present: Int, of: Int) {
        switch base {
        case .fixedMembers: (fixedMembersPresent, fixedMembers)
        case .members: (membersPresent, members)
        case .households: (householdsPresent, households)
        }
    }
}

/// One way to be quorate: `threshold` of `base` present.
public struct QuorumClause: Sendable, Hashable, Codable {
    public var threshold: Threshold
    public var base: QuorumBase

    public init(_ threshold: Threshold, of base: QuorumBase) {
        self.threshold = threshold
        self.base = base
    }
}

/// 法定人数 — a meeting is quorate when any of its clauses is met (the assembly's
/// "过半数村民 **或者** 三分之二以上的户代表", Organic Law art. 22). Rules are data, per
/// meeting form or body.
public struct QuorumRule: Sendable, Hashable, Codable {
    public var clauses: [QuorumClause]

    public init(_ clauses: [QuorumClause]) {
        precondition(!clauses.isEmpty, "a quorum rule has at least one clause")
        self.clauses = clauses
    }

    /// Default for a consultation: 过半数 of the fixed members (issue 10 §3).
    public static let majorityOfFixedMembers = QuorumRule([QuorumClause(.majority, of: .fixedMembers)])
    /// 村民会议: 过半数 of villagers aged 18+, or 三分之二以上 of households' representatives (art. 22).
    public static let villagersAssembly = QuorumRule([
        QuorumClause(.majority, of: .members), QuorumClause(.twoThirdsOrMore, of: .households),
    ])
    /// 村民代表会议: 三分之二以上 of its members (art. 26).
    public static let representativesMeeting = QuorumRule([QuorumClause(.twoThirdsOrMore, of: .members)])

    public func evaluate(_ counts: QuorumCounts) -> QuorumOutcome {
        let figures = clauses.map { clause in
            let (present, of) = counts.count(clause.base)
            return QuorumOutcome.Figure(clause: clause, outcome: clause.threshold.evaluate(count: present, of: of))
        }
        return QuorumOutcome(figures: figures)
    }
}

public struct QuorumOutcome: Sendable, Hashable, Codable {
    public struct Figure: Sendable, Hashable, Codable {
        public let clause: QuorumClause
        public let outcome: ThresholdOutcome

        public var met: Bool { outcome.passed }
        public var required: Int { outcome.requiredMinimum ?? 0 }

        /// `固定成员 4/9，超过二分之一（至少 5）`.
        public var descriptionZH: String {
            "\(clause.base.nameZH) \(outcome.count)/\(outcome.base)，\(clause.threshold.descriptionZH)（至少 \(required)）"
        }

        public var descriptionEN: String {
            "\(clause.base.nameEN) \(outcome.count) of \(outcome.base), \(clause.threshold.descriptionEN) (at least \(required))"
        }
    }

    public let figures: [Figure]

    public var met: Bool { figures.contains(where: \.met) }

    public var descriptionZH: String {
        figures.map(\.descriptionZH).joined(separator: "；") + (met ? "：达到法定人数" : "：未达到法定人数")
    }

    public var descriptionEN: String {
        figures.map(\.descriptionEN).joined(separator: "; ") + (met ? ": quorate" : ": not quorate")
    }
}

/// The quorum rules of a deployment: per consultation form (default 过半数 of the fixed
/// members), and the statutory ones of the bodies.
public struct QuorumRules: Sendable, Hashable, Codable {
    public var byForm: [MeetingForm: QuorumRule]
    public var consultationDefault: QuorumRule

    public init(byForm: [MeetingForm: QuorumRule] = [:], consultationDefault: QuorumRule = .majorityOfFixedMembers) {
        self.byForm = byForm
        self.consultationDefault = consultationDefault
    }

    public func rule(body: Body, form: MeetingForm) -> QuorumRule {
        switch body {
        case .consultation: byForm[form] ?? consultationDefault
        case .villagersAssembly: .villagersAssembly
        case .representativesMeeting: .representativesMeeting
        }
    }
}
