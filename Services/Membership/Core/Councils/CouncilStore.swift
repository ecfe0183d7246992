import Foundation
import MembershipRules
import TongxinPostgres

/// SQL over councils, terms and seats, inside the caller's scope. Status changes go
/// through MembershipRules' machines (``CouncilState``, ``MembershipState``): the store
/// writes the state a transition returned, never a number of its own.
struct CouncilStore {
    let tx: PostgresTransaction

    func find(_ id: UUID, forUpdate: Bool = false) async throws -> CouncilRecord {
        let council = try await tx.queryOne(
            CouncilRecord.self,
            "SELECT \(CouncilRecord.columns) FROM \(CouncilRecord.from) WHERE c.id = $1\(forUpdate ? " FOR UPDATE OF c" : "")",
            [.uuid(id)])
        guard let council else { throw MembershipError.notFound(what: "council") }
        return council
    }

    func find(_ raw: String, forUpdate: Bool = false) async throws -> CouncilRecord {
        try await find(try Validate.id(raw, field: "council_id"), forUpdate: forUpdate)
    }

    /// Seats of a council in `states` (open ones by default), in nomination order.
    func seats(of council: UUID, in states: [MembershipState] = MembershipState.allCases.filter(\.isOpen)) async throws -> [SeatRecord] {
        try await tx.query(SeatRecord.self, Self.seatsSQL(states), [.uuid(council)])
    }

    /// The council and its open seats in one round trip (the two statements depend only on
    /// the id, so they are sent together).
    func findWithSeats(_ id: UUID) async throws -> (council: CouncilRecord, seats: [SeatRecord]) {
        let results = try await tx.queries([
            (sql: "SELECT \(CouncilRecord.columns) FROM \(CouncilRecord.from) WHERE c.id = $1", binds: [.uuid(id)]),
            (sql: Self.seatsSQL(MembershipState.allCases.filter(\.isOpen)), binds: [.uuid(id)]),
        ])
        guard let row = results[0].first else { throw MembershipError.notFound(what: "council") }
        return (try CouncilRecord(row: row), try results[1].map(SeatRecord.init(row:)))
    }

    /// `$1` the council: its seats in `states`, in nomination order.
    private static func seatsSQL(_ states: [MembershipState]) -> String {
        """
        SELECT \(SeatRecord.columns) FROM \(SeatRecord.from)
         WHERE s.council_id = $1 AND s.status IN \(MembershipState.sqlList(states)) ORDER BY s.nominated_at, s.id
        """
    }

    func seat(_ id: UUID, forUpdate: Bool = false) async throws -> SeatRecord {
        let seat = try await tx.queryOne(
            SeatRecord.self,
            "SELECT \(SeatRecord.columns) FROM \(SeatRecord.from) WHERE s.id = $1\(forUpdate ? " FOR UPDATE OF s" : "")",
            [.uuid(id)])
        guard let seat else { throw MembershipError.notFound(what: "seat") }
        return seat
    }

    /// Applies `event` to the council's state and stores the result; a refused transition
    /// is FAILED_PRECONDITION naming `council.transition`.
    @discardableResult
    func apply(_ event: CouncilState.Event, to council: CouncilRecord, constitutedAt: Date? = nil, now: Date) async throws -> CouncilState {
        let next: CouncilState
        do { next = try council.status.transition(event) } catch { throw MembershipError.precondition(error) }
        guard next != council.status || constitutedAt != nil else { return next }
        try await tx.execute(
            """
            UPDATE membership.councils
               SET status = $2, constituted_at = CASE WHEN $2 = \(CouncilState.constituted.rawValue) THEN COALESCE($3, constituted_at) END,
                   updated_at = $4
             WHERE id = $1
            """,
            [.uuid(council.id), next.postgresValue, PostgresValue(constitutedAt), .timestamp(now)])
        return next
    }

    /// Applies `event` to every seat matching `condition` that can take it, in one
    /// statement built from the machine's edges; seats that cannot take it are left alone.
    /// `extraSets` may use `$offset+1…` binds passed in `extraBinds`.
    @discardableResult
    func apply(
        _ event: MembershipState.Event, toSeatsWhere condition: String, _ binds: [PostgresValue],
        set extraSets: String = "", _ extraBinds: [PostgresValue] = []
    ) async throws -> Int {
        let transition = MembershipState.sql(event, column: "s.status")
        return try await tx.execute(
            """
            UPDATE membership.seats AS s SET status = \(transition.target)\(extraSets.isEmpty ? "" : ", " + extraSets)
             WHERE s.status IN \(transition.sources) AND \(condition)
            """,
            binds + extraBinds)
    }

    /// Ends open seats (``MembershipState/Event/end``): seated ones leave office and get
    /// `ended_at`, nominated or in-notice ones are withdrawn.
    @discardableResult
    func endSeats(where condition: String, _ binds: [PostgresValue], reason: String, now: Date) async throws -> Int {
        let offset = binds.count
        return try await apply(
            .end, toSeatsWhere: condition, binds,
            set: """
                ended_at = CASE WHEN s.status = \(MembershipState.seated.rawValue) THEN $\(offset + 1)::timestamptz ELSE s.ended_at END, \
                end_reason = $\(offset + 2)
                """,
            [.timestamp(now), .text(reason)])
    }
}
