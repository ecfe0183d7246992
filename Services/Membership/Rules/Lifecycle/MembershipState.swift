/// 成员状态 — the lifecycle of one person's seat on one council.
///
/// 004: members are nominated (村民代表以村民小组为单位推荐…其他成员由村党组织推荐), published for
/// 5 days (公示5天), and then confirmed by the party organisation (经村党组织研究并最终确定).
/// A confirmed seat ends when the term expires (届满, after which the same procedure runs
/// again for a new seat) or earlier — resignation, removal, or an ad-hoc member's topic
/// closing.
///
/// ```
/// nominated ─publish→ inNotice ─confirm→ confirmed ─expire→ expired
///     │                   │                  └─────end→ ended
///     └──reject→ rejected ←reject┘
/// ```
/// `rejected`, `expired` and `ended` are final. `confirm` is structurally allowed from
/// `inNotice`; whether it may happen *now* is ``ConfirmationGate``'s question.
public enum MembershipState: String, Sendable, Hashable, Codable, CaseIterable {
    /// 提名.
    case nominated
    /// 公示中.
    case inNotice
    /// 已确认.
    case confirmed
    /// 未通过 / 撤回.
    case rejected
    /// 任期届满.
    case expired
    /// 已终止 (辞去、罢免、议题结束).
    case ended

    /// Something that happens to a seat.
    public enum Event: String, Sendable, Hashable, Codable, CaseIterable {
        /// 公示 — the list is published.
        case publish
        /// 确认 — the party organisation confirms after the notice period.
        case confirm
        /// 不予确认 / 撤回 — dropped before or after the notice.
        case reject
        /// 届满 — the term has ended.
        case expire
        /// 终止 — resignation, removal, or the ad-hoc member's topic is closed.
        case end

        public var nameZH: String {
            switch self {
            case .publish: "公示"
            case .confirm: "确认"
            case .reject: "不予确认"
            case .expire: "任期届满"
            case .end: "终止"
            }
        }
    }

    /// The state after `event`, or a `membership.transition` violation if the seat cannot
    /// take that event in this state.
    public func transition(_ event: Event) throws(DomainViolation) -> MembershipState {
        switch (self, event) {
        case (.nominated, .publish): return .inNotice
        case (.nominated, .reject), (.inNotice, .reject): return .rejected
        case (.inNotice, .confirm): return .confirmed
        case (.confirmed, .expire): return .expired
        case (.confirmed, .end): return .ended
        default:
            throw DomainViolation(
                rule: "membership.transition", field: "state",
                zh: "成员状态「\(nameZH)」不能执行「\(event.nameZH)」",
                en: "a membership that is \(rawValue) cannot take the event \(event.rawValue)"
            )
        }
    }

    /// Whether no event can change the state any more.
    public var isFinal: Bool { self == .rejected || self == .expired || self == .ended }

    /// Whether the person currently holds the seat.
    public var holdsSeat: Bool { self == .confirmed }

    public var nameZH: String {
        switch self {
        case .nominated: "提名"
        case .inNotice: "公示中"
        case .confirmed: "已确认"
        case .rejected: "未通过"
        case .expired: "任期届满"
        case .ended: "已终止"
        }
    }
}
