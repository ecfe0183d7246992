/// 成员状态 — the lifecycle of one person's seat on one council; the one machine the
/// service stores (`membership.seats.status`, the codes below) and shows on the wire.
///
/// 004: standing members are nominated (村民代表以村民小组为单位推荐…其他成员由村党组织推荐),
/// published for 5 days (公示5天) and then confirmed by the party organisation
/// (经村党组织研究并最终确定). Ad-hoc members and observers join for a topic or a sitting and
/// are seated at once (``initial(needsNotice:)``). If the list is re-published, those in
/// notice go back to nominated and are published again. A seat ends early or late —
/// resignation, removal, the term's end (届满), an ad-hoc member's topic closing, an upheld
/// objection — and what ending means depends on how far it got: a seated member leaves
/// office (`ended`), a nominee never took the seat (`withdrawn`).
///
/// ```
/// nominated ─publish→ inNotice ─confirm→ seated ─end→ ended
///     ↑   └──end→ withdrawn ←end──┘
///     └─────republish─────┘
/// ```
/// `ended` and `withdrawn` are final. `confirm` is structurally allowed from `inNotice`;
/// whether it may happen *now* is ``ConfirmationGate``'s question.
public enum MembershipState: Int, Sendable, Hashable, Codable, CaseIterable {
    /// 提名.
    case nominated = 1
    /// 公示中.
    case inNotice = 2
    /// 在任 — confirmed after the notice, or seated at once (ad-hoc members, observers).
    case seated = 3
    /// 已离任 — left office: removed, resigned, term ended, topic ended.
    case ended = 4
    /// 未通过 / 撤回 — dropped before taking the seat (e.g. an objection upheld).
    case withdrawn = 5

    /// Something that happens to a seat.
    public enum Event: String, Sendable, Hashable, Codable, CaseIterable {
        /// 公示 — the list is published.
        case publish
        /// 重新公示 — the list is published again; those in notice wait for the new notice.
        case republish
        /// 确认 — the party organisation confirms after the notice period.
        case confirm
        /// 终止 — removal, resignation, the term's or topic's end, an upheld objection.
        case end

        public var nameZH: String {
            switch self {
            case .publish: "公示"
            case .republish: "重新公示"
            case .confirm: "确认"
            case .end: "终止"
            }
        }
    }

    /// Where a new seat starts: nominated when its role is published for 公示 first,
    /// seated at once otherwise.
    public static func initial(needsNotice: Bool) -> MembershipState { needsNotice ? .nominated : .seated }

    /// The state after `event`, or a `membership.transition` violation if the seat cannot
    /// take that event in this state.
    public func transition(_ event: Event) throws(DomainViolation) -> MembershipState {
        switch (self, event) {
        case (.nominated, .publish): return .inNotice
        case (.inNotice, .republish): return .nominated
        case (.inNotice, .confirm): return .seated
        case (.nominated, .end), (.inNotice, .end): return .withdrawn
        case (.seated, .end): return .ended
        default:
            throw DomainViolation(
                rule: "membership.transition", field: "state",
                zh: "成员状态「\(nameZH)」不能执行「\(event.nameZH)」",
                en: "a membership that is \(nameEN) cannot take the event \(event.rawValue)"
            )
        }
    }

    /// Whether no event can change the state any more.
    public var isFinal: Bool { self == .ended || self == .withdrawn }

    /// Whether the seat is still open: nominated, in notice or seated.
    public var isOpen: Bool { !isFinal }

    /// Whether the person currently holds the seat.
    public var holdsSeat: Bool { self == .seated }

    /// The states that take `event`, with where each goes: what a bulk change applies.
    public static func edges(of event: Event) -> [(from: MembershipState, to: MembershipState)] {
        allCases.compactMap { state in (try? state.transition(event)).map { (state, $0) } }
    }

    public var nameZH: String {
        switch self {
        case .nominated: "提名"
        case .inNotice: "公示中"
        case .seated: "在任"
        case .ended: "已离任"
        case .withdrawn: "未通过"
        }
    }

    public var nameEN: String {
        switch self {
        case .nominated: "nominated"
        case .inNotice: "in notice"
        case .seated: "seated"
        case .ended: "ended"
        case .withdrawn: "withdrawn"
        }
    }
}
