/// 落实状态 — where an implementation case (落实事项) stands (DOMAIN.md §4, seed 004 组织实施).
///
/// OPEN: opened from a filed result, nobody named yet. IN_PROGRESS: the two committees named
/// a responsible person (责任人) and organised implementation. COMPLETED: the responsible
/// person reported it done; residents are invited to rate it (邀群众评事). CLOSED: 办结 and
/// archived (一事一档), the dossier frozen. Raw values are the schema's numbers.
public enum CaseState: Int, Sendable, Hashable, CaseIterable, Codable {
    case open = 1
    case inProgress = 2
    case completed = 3
    case closed = 4

    public var nameZH: String {
        switch self {
        case .open: "待落实"
        case .inProgress: "落实中"
        case .completed: "已完成"
        case .closed: "已办结"
        }
    }

    public var nameEN: String {
        switch self {
        case .open: "open"
        case .inProgress: "in progress"
        case .completed: "completed"
        case .closed: "closed"
        }
    }

    /// Not yet done: deadlines, milestones and silence count against it.
    public var isUnfinished: Bool { self == .open || self == .inProgress }
}

/// What can be done to a case; each is allowed in some states only.
public enum CaseAction: String, Sendable, Hashable, CaseIterable {
    /// 两委会确定责任人 (again, to change the assignment while it runs).
    case assign
    case reportProgress
    case check
    case publishReport
    case inviteFeedback
    case submitFeedback
    case close
}

/// 落实流程 — the only state machine of cases: the core asks it and stores its answer.
public enum CaseLifecycle {
    /// The states each action is allowed in.
    public static let allowed: [CaseAction: Set<CaseState>] = [
        .assign: [.open, .inProgress],
        .reportProgress: [.inProgress],
        .check: [.inProgress, .completed],
        .publishReport: [.inProgress, .completed, .closed],
        .inviteFeedback: [.completed],
        .submitFeedback: [.completed],
        .close: [.completed],
    ]

    /// The edges between states (a reassignment keeps a running case in progress).
    public static let edges: Set<Edge> = [
        Edge(.open, .inProgress), Edge(.inProgress, .inProgress), Edge(.inProgress, .completed), Edge(.completed, .closed),
    ]

    public struct Edge: Sendable, Hashable {
        public let from: CaseState
        public let to: CaseState
        public init(_ from: CaseState, _ to: CaseState) {
            self.from = from
            self.to = to
        }
    }

    /// Refuses `action` in `state` (`case.state`, naming both).
    public static func check(_ action: CaseAction, in state: CaseState) throws(DomainViolation) {
        guard allowed[action, default: []].contains(state) else {
            throw DomainViolation(
                rule: "case.state", field: nil,
                zh: "事项处于「\(state.nameZH)」状态，不能\(zh(action))",
                en: "the case is \(state.nameEN): it cannot \(en(action))")
        }
    }

    /// `to` if the lifecycle has the edge, else `case.transition`.
    public static func transition(from: CaseState, to: CaseState) throws(DomainViolation) -> CaseState {
        guard edges.contains(Edge(from, to)) else {
            throw DomainViolation(
                rule: "case.transition", field: nil,
                zh: "事项不能从「\(from.nameZH)」转为「\(to.nameZH)」", en: "a case cannot go from \(from.nameEN) to \(to.nameEN)")
        }
        return to
    }

    private static func zh(_ action: CaseAction) -> String {
        switch action {
        case .assign: "确定责任人"
        case .reportProgress: "报告进展"
        case .check: "监督检查"
        case .publishReport: "向群众晒事"
        case .inviteFeedback: "邀请群众评议"
        case .submitFeedback: "评议"
        case .close: "办结"
        }
    }

    private static func en(_ action: CaseAction) -> String {
        switch action {
        case .assign: "be assigned"
        case .reportProgress: "take a progress report"
        case .check: "be checked"
        case .publishReport: "be reported to residents"
        case .inviteFeedback: "invite feedback"
        case .submitFeedback: "be rated"
        case .close: "be closed"
        }
    }
}

/// 监督检查结论.
public enum CheckOutcome: Int, Sendable, Hashable, CaseIterable, Codable {
    case onTrack = 1
    case delayed = 2
    case problem = 3
}

/// 满意度 — a resident's rating.
public enum Rating: Int, Sendable, Hashable, CaseIterable, Codable {
    case satisfied = 1
    case basicallySatisfied = 2
    case dissatisfied = 3
}

/// 成果转化 — how far the result was applied when the case closed.
public enum Application: Int, Sendable, Hashable, CaseIterable, Codable {
    case full = 1
    case partial = 2
    case none = 3
}

/// Field checks of the supervision schema that are rules, not form.
public enum CaseInput {
    /// 进度 — a percentage is 0–100 inclusive (`progress.percent`).
    public static func percent(_ value: Int) throws(DomainViolation) -> Int {
        guard (0...100).contains(value) else {
            throw DomainViolation(
                rule: "progress.percent", field: "percent", zh: "进度须在 0 至 100 之间（收到 \(value)）",
                en: "a percentage lies between 0 and 100 (got \(value))")
        }
        return value
    }
}
