/// 多轮协商 — rounds per topic (issue 10 §5): a round ends with consensus, without, or with
/// the chair's decision to escalate. Without consensus a further round follows (the same or
/// a later meeting) until `maxRounds` rounds have failed; then the topic escalates.
public struct RoundPolicy: Sendable, Hashable, Codable {
    /// Rounds without consensus after which the topic escalates (default 3).
    public var maxRounds: Int
    /// Where an escalated topic goes unless the chair names the body.
    public var defaultBody: Body

    public init(maxRounds: Int = 3, defaultBody: Body = .villagersAssembly) {
        precondition(maxRounds >= 1, "at least one round")
        self.maxRounds = maxRounds
        self.defaultBody = defaultBody
    }
}

/// What follows a round.
public enum RoundConsequence: Sendable, Hashable {
    /// Consensus: a consultation opinion (协商意见) is formed.
    case resolved
    /// Another round, numbered so.
    case nextRound(Int)
    /// To the assembly or the representatives' meeting.
    case escalate(Body)
}

public enum Rounds {
    /// What follows round `number` ending with `outcome`; `body` is the chair's choice when
    /// escalating (the policy's default otherwise).
    ///
    /// - `round.escalation_body`: escalation names a consultation as its body.
    public static func after(
        round number: Int, outcome: RoundOutcome, body: Body?, policy: RoundPolicy
    ) throws(DomainViolation) -> RoundConsequence {
        let target = body ?? policy.defaultBody
        guard target.isEscalationBody else {
            throw DomainViolation(
                rule: "round.escalation_body", field: "escalate_to",
                zh: "升级只能提交村民会议或村民代表会议", en: "a topic escalates to the villagers' assembly or the representatives' meeting")
        }
        switch outcome {
        case .consensus: return .resolved
        case .escalate: return .escalate(target)
        case .notReached: return number >= policy.maxRounds ? .escalate(target) : .nextRound(number + 1)
        }
    }
}

/// 升级后的法定程序 — the statutory rules of the bodies a topic escalates to (Organic Law of
/// Villagers' Committees; DOMAIN.md "The law behind escalation").
public struct BodyRules: Sendable, Hashable {
    public let body: Body
    /// Days of notice before the meeting (村民会议: 10, art. 21), counted as the Civil Code
    /// counts periods: the day of notice not counted, so a notice on day D allows a meeting
    /// on D + 10 at the earliest.
    public let noticeDays: Int
    public let quorum: QuorumRule
    public let decision: VoteRule

    public static func of(_ body: Body, consultation quorum: QuorumRule = .majorityOfFixedMembers,
                          consultationDecision: VoteRule = .majorityOfPresent) -> BodyRules {
        switch body {
        case .consultation: BodyRules(body: body, noticeDays: 0, quorum: quorum, decision: consultationDecision)
        case .villagersAssembly: BodyRules(body: body, noticeDays: 10, quorum: .villagersAssembly, decision: .majorityOfPresent)
        case .representativesMeeting: BodyRules(body: body, noticeDays: 0, quorum: .representativesMeeting, decision: .majorityOfPresent)
        }
    }

    /// The earliest day the meeting may sit when called on `calledOn`, or nil without a
    /// notice rule.
    public func earliestMeetingDay(calledOn: LocalDate) -> LocalDate? {
        noticeDays > 0 ? calledOn.adding(days: noticeDays) : nil
    }

    /// - `body.notice`: the meeting is called with less notice than the law requires.
    public func checkNotice(calledOn: LocalDate, meetingOn: LocalDate) throws(DomainViolation) {
        guard let earliest = earliestMeetingDay(calledOn: calledOn), meetingOn < earliest else { return }
        throw DomainViolation(
            rule: "body.notice", field: "meeting_at",
            zh: "\(body.nameZH)应当提前\(ChineseNumerals.text(noticeDays))日通知，最早于 \(earliest) 召开",
            en: "a \(body.nameEN) needs \(noticeDays) days' notice: \(earliest) at the earliest")
    }
}
