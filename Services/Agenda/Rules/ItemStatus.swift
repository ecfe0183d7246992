/// 问题台账 的状态 (issue 9 §1): new → under study → became topic / answered directly /
/// not consultable / merged; an item raising several problems is split into parts.
public enum ItemStatus: Int, Sendable, Hashable, CaseIterable, Codable {
    case new = 1
    case underStudy
    case becameTopic
    case answered
    case notConsultable
    case merged
    case split

    public var nameZH: String {
        switch self {
        case .new: "新收集"
        case .underStudy: "研究中"
        case .becameTopic: "已列为议题"
        case .answered: "已答复"
        case .notConsultable: "不属于协商范围"
        case .merged: "已合并"
        case .split: "已拆分"
        }
    }

    public var nameEN: String {
        switch self {
        case .new: "new"
        case .underStudy: "under study"
        case .becameTopic: "became a topic"
        case .answered: "answered"
        case .notConsultable: "not consultable"
        case .merged: "merged"
        case .split: "split"
        }
    }

    /// Still open: it may be studied, answered, merged, split or taken up by a topic.
    public var isOpen: Bool { self == .new || self == .underStudy }
}

public enum ItemLifecycle {
    /// Every legal edge: only open items move, and only forward.
    public static let edges: [ItemStatus: Set<ItemStatus>] = [
        .new: [.underStudy, .becameTopic, .answered, .notConsultable, .merged, .split],
        .underStudy: [.becameTopic, .answered, .notConsultable, .merged, .split],
        .becameTopic: [], .answered: [], .notConsultable: [], .merged: [], .split: [],
    ]

    /// The status after `from` → `to`, or `item.transition` naming both. Staying put is not
    /// a move: an item already merged, split or taken up by a topic is refused, so it can
    /// never be merged into a second target or become a second topic (a caller that repeats
    /// itself, like `AnswerItem` with the same answer, checks for the repeat first).
    public static func transition(from: ItemStatus, to: ItemStatus) throws(DomainViolation) -> ItemStatus {
        guard edges[from, default: []].contains(to) else {
            throw DomainViolation(
                rule: "item.transition", field: "status",
                zh: "问题不能从「\(from.nameZH)」变为「\(to.nameZH)」",
                en: "an item cannot move from \(from.nameEN) to \(to.nameEN)")
        }
        return to
    }

    /// The statuses `AnswerItem` sets (the others come from topics, merges and splits).
    public static let answerable: Set<ItemStatus> = [.underStudy, .answered, .notConsultable]
}
