import Foundation
import GatewayRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 诉求 — one row of `gateway.appeals`: which integration account pushed which work order to
/// which unit, and the ledger item it became (`Migrations/0002_appeals.sql`).
struct AppealRecord: PostgresRecord {
    var countyCode: String
    var source: String
    var externalID: String
    var unitPath: String
    var divisionCode: String
    var category: Int
    var itemID: UUID
    var acceptedAt: Date

    static let columns = "county_code, source, external_id, unit_path::text AS unit_path, division_code, category, item_id, accepted_at"

    init(row: PostgresRow) throws {
        countyCode = try row["county_code"].decode(String.self)
        source = try row["source"].decode(String.self)
        externalID = try row["external_id"].decode(String.self)
        unitPath = try row["unit_path"].decode(String.self)
        divisionCode = try row["division_code"].decode(String.self)
        category = try row["category"].decode(Int.self)
        itemID = try row["item_id"].decode(UUID.self)
        acceptedAt = try row["accepted_at"].decode(Date.self)
    }

    /// The ledger item's reference: the account and the work order id (so two government
    /// systems' numbering never collide in a county's ledger).
    var reference: String { AppealRecord.reference(source: source, externalID: externalID) }

    static func reference(source: String, externalID: String) -> String { "\(source):\(externalID)" }

    var wire: GatewayV1.Appeal {
        GatewayV1.Appeal(
            externalId: externalID, source: source, divisionCode: divisionCode, unitPath: unitPath,
            category: AgendaV1.Category(rawValue: Int32(category)), itemId: itemID.uuidString.lowercased(),
            acceptedAt: ChangeFeed.timestamp(acceptedAt))
    }
}

/// 督办 / 办结 / 回访 / 评价 — one row of `gateway.appeal_events`.
struct AppealEventRecord: PostgresRecord {
    var eventID: String
    var kind: AppealLoop.EventKind
    var satisfaction: Int
    var note: String
    var recordedBy: String
    var recordedAt: Date

    static let columns = "event_id, kind, satisfaction, note, recorded_by, recorded_at"

    init(row: PostgresRow) throws {
        eventID = try row["event_id"].decode(String.self)
        let code = try row["kind"].decode(Int.self)
        guard let kind = AppealLoop.EventKind(rawValue: code) else {
            throw PostgresError(kind: .decoding, message: "gateway.appeal_events.kind \(code) is no event kind")
        }
        self.kind = kind
        satisfaction = try row["satisfaction"].decode(Int.self)
        note = try row["note"].decode(String.self)
        recordedBy = try row["recorded_by"].decode(String.self)
        recordedAt = try row["recorded_at"].decode(Date.self)
    }

    var loopEvent: AppealLoop.Event { AppealLoop.Event(kind, at: recordedAt) }

    var wire: GatewayV1.AppealEvent {
        GatewayV1.AppealEvent(
            kind: GatewayV1.AppealEventKind(rawValue: Int32(kind.rawValue)), eventId: eventID, note: note,
            satisfaction: GatewayV1.Satisfaction(rawValue: Int32(satisfaction)), recordedAt: ChangeFeed.timestamp(recordedAt),
            recordedBy: recordedBy)
    }
}

/// The SQL of appeals, in the caller's scoped transaction (row-level security bounds it).
struct AppealStore {
    let tx: PostgresTransaction

    /// The appeal; `locked`: with a transaction lock on its key first, so two events of one
    /// work order are checked against the loop one after the other (an advisory lock: the
    /// service role may not update appeals, so it cannot take their row locks).
    func find(county: String, source: String, externalID: String, locked: Bool = false) async throws -> AppealRecord? {
        let binds: [PostgresValue] = [.text(county), .text(source), .text(externalID)]
        let select = "SELECT \(AppealRecord.columns) FROM gateway.appeals WHERE county_code = $1 AND source = $2 AND external_id = $3"
        guard locked else { return try await tx.queryOne(AppealRecord.self, select, binds) }
        let rows = try await tx.queries([
            ("SELECT pg_advisory_xact_lock(hashtextextended('tongxin.appeal.' || $1 || '.' || $2 || '.' || $3, 0))", binds),
            (select, binds),
        ])
        return try rows[1].first.map(AppealRecord.init)
    }

    /// The appeal and its events in one round trip.
    func load(county: String, source: String, externalID: String) async throws -> (AppealRecord, [AppealEventRecord])? {
        let binds: [PostgresValue] = [.text(county), .text(source), .text(externalID)]
        let rows = try await tx.queries([
            ("SELECT \(AppealRecord.columns) FROM gateway.appeals WHERE county_code = $1 AND source = $2 AND external_id = $3", binds),
            ("""
             SELECT \(AppealEventRecord.columns) FROM gateway.appeal_events
              WHERE county_code = $1 AND source = $2 AND external_id = $3 ORDER BY recorded_at, event_id
             """, binds),
        ])
        guard let row = rows[0].first else { return nil }
        return (try AppealRecord(row: row), try rows[1].map(AppealEventRecord.init))
    }

    func events(of appeal: AppealRecord) async throws -> [AppealEventRecord] {
        try await tx.query(
            AppealEventRecord.self,
            """
            SELECT \(AppealEventRecord.columns) FROM gateway.appeal_events
             WHERE county_code = $1 AND source = $2 AND external_id = $3 ORDER BY recorded_at, event_id
            """,
            [.text(appeal.countyCode), .text(appeal.source), .text(appeal.externalID)])
    }
}
