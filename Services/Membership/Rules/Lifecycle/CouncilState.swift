/// 议事会状态 — the lifecycle of a council within one term; the one machine the service
/// stores (`membership.councils.status`, the codes below) and shows on the wire.
///
/// A council is formed (组建), its nominees are published for 公示 (004: 公示5天), and it is
/// constituted once the party organisation confirms them (经村党组织研究并最终确定). Later
/// notices (new members, replacements) leave a constituted council constituted. Its term
/// ends with the villagers' committee's (004: 任期与村委会任期相同); after the committee's
/// election the fixed members are re-confirmed by the same procedure (在村委会换届后，按照
/// 程序重新确定), so ending a term makes the council 组建中 again for the next term — the
/// term number tells a first formation from a re-confirmation. A council may be dissolved
/// at any point (e.g. the village is merged); dissolved is final.
///
/// ```
/// forming ─publishNotice→ inNotice ─constitute→ constituted
///    ↑  ↺endTerm             ↺publishNotice        ↺publishNotice, constitute
///    └──────────endTerm──────┴─────────endTerm─────┘
/// (any state but dissolved) ─dissolve→ dissolved
/// ```
public enum CouncilState: Int, Sendable, Hashable, Codable, CaseIterable {
    /// 组建中 — nominations open, nobody confirmed in this term yet.
    case forming = 1
    /// 公示中 — nominees published, notice period running, not yet constituted.
    case inNotice = 2
    /// 已组成 — members confirmed; composition rules are enforced on every change.
    case constituted = 3
    /// 已撤销 — final.
    case dissolved = 4

    /// Something that happens to a council.
    public enum Event: String, Sendable, Hashable, Codable, CaseIterable {
        /// 公示 — nominees are published (or re-published) for objections.
        case publishNotice
        /// 确认组成 — the party organisation confirms the published members.
        case constitute
        /// 换届 — the term (the villagers' committee's) ended; the next one starts forming.
        case endTerm
        /// 撤销.
        case dissolve

        public var nameZH: String {
            switch self {
            case .publishNotice: "公示"
            case .constitute: "确认组成"
            case .endTerm: "换届"
            case .dissolve: "撤销"
            }
        }
    }

    /// The state after `event`, or a `council.transition` violation.
    public func transition(_ event: Event) throws(DomainViolation) -> CouncilState {
        switch (self, event) {
        case (.forming, .publishNotice), (.inNotice, .publishNotice): return .inNotice
        case (.constituted, .publishNotice): return .constituted
        case (.inNotice, .constitute), (.constituted, .constitute): return .constituted
        case (.forming, .endTerm), (.inNotice, .endTerm), (.constituted, .endTerm): return .forming
        case (.forming, .dissolve), (.inNotice, .dissolve), (.constituted, .dissolve): return .dissolved
        default:
            throw DomainViolation(
                rule: "council.transition", field: "state",
                zh: "议事会状态「\(nameZH)」不能执行「\(event.nameZH)」",
                en: "a council that is \(nameEN) cannot take the event \(event.rawValue)"
            )
        }
    }

    /// Whether the council may hold meetings: only while constituted.
    public var canMeet: Bool { self == .constituted }

    /// 任期届满 — whether a council in this state has outlived its term on `today`: its
    /// term's last day (届满, in office through that day) has passed and nobody has started
    /// the next (EndTerm). Such a council is no longer constituted for new business — no
    /// meeting, no new member — though the state stored stays what it was: expiry is read
    /// from the calendar, never written, so it cannot be missed by a job that did not run.
    /// A dissolved council does not expire (it is over already).
    public func hasExpired(termLastDay: LocalDate?, on today: LocalDate) -> Bool {
        guard self != .dissolved, let termLastDay else { return false }
        return today > termLastDay
    }

    /// Whether the council may hold meetings on `today`: constituted and within its term.
    public func canMeet(termLastDay: LocalDate?, on today: LocalDate) -> Bool {
        canMeet && !hasExpired(termLastDay: termLastDay, on: today)
    }

    /// Whether members may be nominated: at any point but after dissolution.
    public var acceptsNominations: Bool { self != .dissolved }

    public var nameZH: String {
        switch self {
        case .forming: "组建中"
        case .inNotice: "公示中"
        case .constituted: "已组成"
        case .dissolved: "已撤销"
        }
    }

    public var nameEN: String {
        switch self {
        case .forming: "forming"
        case .inNotice: "in notice"
        case .constituted: "constituted"
        case .dissolved: "dissolved"
        }
    }
}
