import Foundation
import MembershipRules
import TongxinPostgres

/// SQL over councils, terms and seats, inside the caller's scope.
struct CouncilStore {
    let tx: PostgresTransaction

    func find(_ id: UUID, forUpdate: Bool = false) async throws -> CouncilRecord {
        let rows = try await tx.query(
            "SELECT \(CouncilRecord.columns) FROM \(CouncilRecord.from) WHERE c.id = $1\(forUpdate ? " FOR UPDATE OF c" : "")",
            [.uuid(id)])
        guard let row = rows.first else { throw MembershipError.notFound(what: "council") }
        return try CouncilRecord(row: row)
    }

    func find(_ raw: String, forUpdate: Bool = false) async throws -> CouncilRecord {
        try await find(try Validate.id(raw, field: "council_id"), forUpdate: forUpdate)
    }

    /// Seats of a council in `statuses` (SQL list), in nomination order.
    func seats(of council: UUID, statuses: String = SeatStatus.open) async throws -> [SeatRecord] {
        let rows = try await tx.query(
            "SELECT \(SeatRecord.columns) FROM \(SeatRecord.from) WHERE s.council_id = $1 AND s.status IN \(statuses) ORDER BY s.nominated_at, s.id",
            [.uuid(council)])
        return try rows.map(SeatRecord.init(row:))
    }

    func seat(_ id: UUID, forUpdate: Bool = false) async throws -> SeatRecord {
        let rows = try await tx.query(
            "SELECT \(SeatRecord.columns) FROM \(SeatRecord.from) WHERE s.id = $1\(forUpdate ? " FOR UPDATE OF s" : "")",
            [.uuid(id)])
        guard let row = rows.first else { throw MembershipError.notFound(what: "seat") }
        return try SeatRecord(row: row)
    }

    func setStatus(_ council: UUID, _ status: CouncilStatus, constitutedAt: Date? = nil, now: Date) async throws {
        try await tx.execute(
            "UPDATE membership.councils SET status = $2, constituted_at = COALESCE($3, constituted_at), updated_at = $4 WHERE id = $1",
            [.uuid(council), .int(Int64(status.rawValue)), PostgresValue(constitutedAt), .timestamp(now)])
    }

    /// Ends open seats: seated ones get `ended_at`, nominated or in-notice ones are withdrawn.
    @discardableResult
    func endSeats(where condition: String, _ binds: [PostgresValue], reason: String, now: Date) async throws -> Int {
        let offset = binds.count
        return try await tx.execute(
            """
            UPDATE membership.seats AS s
               SET status = CASE WHEN s.status = 3 THEN 4 ELSE 5 END,
                   ended_at = CASE WHEN s.status = 3 THEN $\(offset + 1)::timestamptz ELSE s.ended_at END,
                   end_reason = $\(offset + 2)
             WHERE s.status IN (1, 2, 3) AND \(condition)
            """,
            binds + [.timestamp(now), .text(reason)])
    }
}
