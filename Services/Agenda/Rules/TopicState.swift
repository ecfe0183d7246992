/// 议题状态 — a topic's lifecycle (issue 9 §8; DOMAIN.md "The whole flow"):
///
///     draft ─┬→ approved ─┬→ researching → planned → in meeting ─┬→ resolved ──┬→ published → filed → implementing → closed
///            │            └→ planned (urgent only: 急事快议)       └→ escalated ─┘
///            └→ rejected → draft (revised and proposed again)
///
/// A draft goes to the two-committee meeting (两委会); half or more of those present adopt
/// it (004). Research comes before the meeting plan unless the topic is urgent (004 议前调研).
/// Unresolved or strongly disputed topics go to the villagers' assembly (escalated, 004) and
/// come back with its decision to publication. The session service moves a topic from
/// planned to published/filed, the supervision service on to implementing and closed.
///
/// This enum and ``TopicLifecycle`` are the only state machine of topics: the core asks
/// ``TopicLifecycle/transition(from:to:scale:)`` and stores what it answers.
public enum TopicState: Int, Sendable, Hashable, CaseIterable, Codable {
    case draft = 1
    case approved
    case researching
    case planned
    case inMeeting
    case resolved
    case escalated
    case published
    case filed
    case implementing
    case closed
    case rejected

    public var nameZH: String {
        switch self {
        case .draft: "草拟"
        case .approved: "已确定"
        case .researching: "调研中"
        case .planned: "已公布议事方案"
        case .inMeeting: "协商中"
        case .resolved: "已形成协商意见"
        case .escalated: "已提交村民(代表)会议"
        case .published: "已公开结果"
        case .filed: "已备案"
        case .implementing: "落实中"
        case .closed: "已办结"
        case .rejected: "未通过"
        }
    }

    public var nameEN: String {
        switch self {
        case .draft: "draft"
        case .approved: "approved"
        case .researching: "researching"
        case .planned: "planned"
        case .inMeeting: "in meeting"
        case .resolved: "resolved"
        case .escalated: "escalated"
        case .published: "published"
        case .filed: "filed"
        case .implementing: "implementing"
        case .closed: "closed"
        case .rejected: "rejected"
        }
    }

    /// A meeting outcome was reached (resolved or escalated, and everything after).
    public var hasOutcome: Bool {
        switch self {
        case .resolved, .escalated, .published, .filed, .implementing, .closed: true
        default: false
        }
    }
}

/// The edges of the topic lifecycle and the one function that walks them.
public enum TopicLifecycle {
    /// Every legal edge, from → to (the urgent shortcut approved → planned included; it is
    /// refused for other scales by ``transition(from:to:scale:)``).
    public static let edges: [TopicState: Set<TopicState>] = [
        .draft: [.approved, .rejected],
        .rejected: [.draft],
        .approved: [.researching, .planned],
        .researching: [.planned],
        .planned: [.inMeeting],
        .inMeeting: [.resolved, .escalated],
        .resolved: [.published],
        .escalated: [.published],
        .published: [.filed],
        .filed: [.implementing],
        .implementing: [.closed],
        .closed: [],
    ]

    /// The states other services move a topic into through `AdvanceTopic`: the session
    /// service (the meeting and its result), the supervision service (implementation).
    /// Approval, research and the meeting plan have RPCs of their own here.
    public static let advanceable: Set<TopicState> = [.inMeeting, .resolved, .escalated, .published, .filed, .implementing, .closed]

    /// The state after moving `from` → `to`, or a violation naming both.
    ///
    /// - `topic.transition`: not an edge of the lifecycle (FAILED_PRECONDITION naming from/to);
    /// - `topic.research_required`: approved → planned for a topic that is not urgent
    ///   (议前调研 comes first unless 急事快议).
    public static func transition(from: TopicState, to: TopicState, scale: Scale) throws(DomainViolation) -> TopicState {
        guard edges[from, default: []].contains(to) else {
            throw DomainViolation(
                rule: "topic.transition", field: nil,
                zh: "议题不能从「\(from.nameZH)」变为「\(to.nameZH)」",
                en: "a topic cannot move from \(from.nameEN) to \(to.nameEN)")
        }
        if from == .approved, to == .planned, !scale.researchOptional {
            throw DomainViolation(
                rule: "topic.research_required", field: nil,
                zh: "非紧急议题须先开展议前调研，方可公布议事方案",
                en: "a topic that is not urgent needs at least one research record before its meeting plan")
        }
        return to
    }

    /// Whether `to` is reachable from `from` along the lifecycle (for callers that need to
    /// know whether a state lies ahead).
    public static func reaches(_ from: TopicState, _ to: TopicState) -> Bool {
        var seen: Set<TopicState> = [from]
        var frontier = [from]
        while let state = frontier.popLast() {
            for next in edges[state, default: []] where seen.insert(next).inserted {
                if next == to { return true }
                frontier.append(next)
            }
        }
        return false
    }
}
