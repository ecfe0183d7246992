import MembershipRules
import TongxinPostgres
import TongxinSchemas

// How MembershipRules' enums are stored and sent. The database keeps each by an explicit
// code (MembershipRules spells the codes out case by case; membership.proto numbers the
// same), so an unknown stored value is a decoding error — INTERNAL at the boundary —
// never a silent default.

extension CouncilKind: PostgresDecodable, PostgresArrayElement, PostgresEnum {
    public var storedValue: Int { code }
    public init?(storedValue: Int) { self.init(code: storedValue) }

    init(wire: MembershipV1.CouncilKind) throws(MembershipError) {
        guard let kind = CouncilKind(code: Int(wire.rawValue)) else {
            throw .invalidArgument(field: "kind", zh: "议事会类型无效", en: "unknown council kind")
        }
        self = kind
    }

    var wire: MembershipV1.CouncilKind { MembershipV1.CouncilKind(rawValue: Int32(code)) }
}

extension CouncilRole: PostgresDecodable, PostgresArrayElement, PostgresEnum {
    public var storedValue: Int { code }
    public init?(storedValue: Int) { self.init(code: storedValue) }

    init(wire: MembershipV1.CouncilRole) throws(MembershipError) {
        guard let role = CouncilRole(code: Int(wire.rawValue)) else {
            throw .invalidArgument(field: "role", zh: "角色无效", en: "unknown council role")
        }
        self = role
    }

    var wire: MembershipV1.CouncilRole { MembershipV1.CouncilRole(rawValue: Int32(code)) }

    /// Chair, honorary chair, office, supervision group and fixed members are published
    /// for 公示 before they take their seats (004); ad-hoc members and observers join for a
    /// topic or a sitting and take their seat at once.
    var needsNotice: Bool { isStanding }
}

/// `membership.councils.status` is MembershipRules' ``CouncilState``, by its raw value.
extension CouncilState: PostgresDecodable, PostgresArrayElement, PostgresEnum {
    var wire: MembershipV1.CouncilStatus { MembershipV1.CouncilStatus(rawValue: Int32(rawValue)) }
}

/// `membership.seats.status` is MembershipRules' ``MembershipState``, by its raw value.
extension MembershipState: PostgresDecodable, PostgresArrayElement, PostgresEnum {
    var wire: MembershipV1.SeatStatus { MembershipV1.SeatStatus(rawValue: Int32(rawValue)) }

    /// The open states as an SQL list: `(1, 2, 3)`.
    static let openSQL = sqlList(allCases.filter(\.isOpen))

    /// `event` applied to the `status` column in one statement, as the machine draws it:
    /// the states that take the event (`sources`, for `IN`) and `CASE` giving each its
    /// next state (`target`).
    static func sql(_ event: Event, column: String = "status") -> (sources: String, target: String) {
        let edges = edges(of: event)
        let cases = edges.map { "WHEN \($0.from.rawValue) THEN \($0.to.rawValue)" }.joined(separator: " ")
        return (sqlList(edges.map(\.from)), "CASE \(column) \(cases) END")
    }
}

/// `membership.objections.outcome` is MembershipRules' ``Objection/Status``, by its raw value.
extension Objection.Status: PostgresDecodable, PostgresArrayElement, PostgresEnum {
    var wire: MembershipV1.ObjectionOutcome { MembershipV1.ObjectionOutcome(rawValue: Int32(rawValue)) }
}

extension Gender: PostgresDecodable, PostgresArrayElement, PostgresEnum {
    public var storedValue: Int { code }
    public init?(storedValue: Int) { self.init(code: storedValue) }

    var wire: MembershipV1.Gender { MembershipV1.Gender(rawValue: Int32(code)) }
}

/// `membership.people.sector` and `posts` hold these raw values (text).
extension Sector: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension Post: PostgresDecodable, PostgresArrayElement, PostgresEnum {}

/// `membership.notices.status`: 1 open, 2 confirmed, 3 superseded (0004_notices.sql).
enum NoticeStatus: Int, PostgresEnum {
    /// 公示中 — objections accepted until the window closes.
    case open = 1
    /// 已确认.
    case confirmed = 2
    /// 已被取代 — the list changed and was published again.
    case superseded = 3

    var wire: MembershipV1.NoticeStatus { MembershipV1.NoticeStatus(rawValue: Int32(rawValue)) }
}

/// `membership.seats.source` is MembershipRules' ``NominationSource``, by its code.
extension NominationSource: PostgresDecodable, PostgresArrayElement, PostgresEnum {
    public var storedValue: Int { code }
    public init?(storedValue: Int) { self.init(code: storedValue) }

    init(wire: MembershipV1.NominationSource) throws(MembershipError) {
        guard let source = NominationSource(code: Int(wire.rawValue)) else {
            throw .invalidArgument(field: "source", zh: "提名来源无效", en: "unknown nomination source")
        }
        self = source
    }

    var wire: MembershipV1.NominationSource { MembershipV1.NominationSource(rawValue: Int32(code)) }
}

/// `membership.elections.body` is MembershipRules' ``ElectingBody``, by its code.
extension ElectingBody: PostgresDecodable, PostgresArrayElement, PostgresEnum {
    public var storedValue: Int { code }
    public init?(storedValue: Int) { self.init(code: storedValue) }

    init(wire: MembershipV1.ElectingBody) throws(MembershipError) {
        guard let body = ElectingBody(code: Int(wire.rawValue)) else {
            throw .invalidArgument(field: "body", zh: "推选机构应为村民会议或村民代表会议", en: "body must be the villagers' assembly or the representatives' meeting")
        }
        self = body
    }

    var wire: MembershipV1.ElectingBody { MembershipV1.ElectingBody(rawValue: Int32(code)) }
}

extension RuleSeverity {
    var wire: MembershipV1.RuleSeverity { MembershipV1.RuleSeverity(rawValue: Int32(code)) }
}

extension CouncilState {
    /// The status shown on the wire on `today`: EXPIRED for a council past its term's last
    /// day (``CouncilState/hasExpired(termLastDay:on:)``), the stored state otherwise.
    func wire(termLastDay: LocalDate?, on today: LocalDate?) -> MembershipV1.CouncilStatus {
        if let today, hasExpired(termLastDay: termLastDay, on: today) { return .expired }
        return wire
    }
}
