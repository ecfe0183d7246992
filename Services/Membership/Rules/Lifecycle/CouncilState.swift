/// 议事会状态 — the lifecycle of a council across its terms.
///
/// A council is formed (组建) and constituted once its members are confirmed; its term
/// ends with the villagers' committee's (004: 任期与村委会任期相同); after the committee's
/// election its fixed members are re-confirmed by the same procedure (在村委会换届后，按照程序
/// 重新确定), which constitutes it again. A council may be dissolved at any point before
/// that (e.g. the village is merged); dissolved is final.
///
/// ```
/// forming ─constitute→ constituted ─endTerm→ termEnded ─beginReconfirmation→ reconfirming
///                            ↑                                                  │
///                            └──────────────────constitute──────────────────────┘
/// (any non-final state) ─dissolve→ dissolved
/// ```
public enum CouncilState: String, Sendable, Hashable, Codable, CaseIterable {
    /// 组建中.
    case forming
    /// 已组成.
    case constituted
    /// 届满.
    case termEnded
    /// 重新确定中.
    case reconfirming
    /// 已撤销.
    case dissolved

    /// Something that happens to a council.
    public enum Event: String, Sendable, Hashable, Codable, CaseIterable {
        /// 组成 — members confirmed, composition rules pass.
        case constitute
        /// 届满 — the term (the villagers' committee's) ended.
        case endTerm
        /// 换届后重新确定 — the re-confirmation procedure starts.
        case beginReconfirmation
        /// 撤销.
        case dissolve

        public var nameZH: String {
            switch self {
            case .constitute: "组成"
            case .endTerm: "届满"
            case .beginReconfirmation: "重新确定"
            case .dissolve: "撤销"
            }
        }
    }

    /// The state after `event`, or a `council.transition` violation.
    public func transition(_ event: Event) throws(DomainViolation) -> CouncilState {
        switch (self, event) {
        case (.forming, .constitute), (.reconfirming, .constitute): return .constituted
        case (.constituted, .endTerm): return .termEnded
        case (.termEnded, .beginReconfirmation): return .reconfirming
        case (.forming, .dissolve), (.constituted, .dissolve), (.termEnded, .dissolve), (.reconfirming, .dissolve):
            return .dissolved
        default:
            throw DomainViolation(
                rule: "council.transition", field: "state",
                zh: "议事会状态「\(nameZH)」不能执行「\(event.nameZH)」",
                en: "a council that is \(rawValue) cannot take the event \(event.rawValue)"
            )
        }
    }

    /// Whether the council may hold meetings: only while constituted.
    public var canMeet: Bool { self == .constituted }

    public var nameZH: String {
        switch self {
        case .forming: "组建中"
        case .constituted: "已组成"
        case .termEnded: "届满"
        case .reconfirming: "重新确定中"
        case .dissolved: "已撤销"
        }
    }
}
