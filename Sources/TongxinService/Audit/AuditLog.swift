import Foundation
import TongxinPostgres

/// The shared, append-only, hash-chained audit log (ARCHITECTURE.md principle 6).
///
/// A service records every mutation inside the transaction that makes it, through the
/// SECURITY DEFINER function `audit.append` (service roles cannot write the table), so the
/// record and the change commit together or not at all.
public enum AuditLog {
    /// One audited mutation.
    public struct Entry: Sendable {
        public var service: String
        public var method: String
        /// What was changed, e.g. "council/5f0c…".
        public var target: String
        /// The unit the change belongs to (ltree path); decides the chain and who may read it.
        public var unitPath: String
        public var detail: [String: String]
        public var traceID: String

        public init(service: String, method: String, target: String, unitPath: String, detail: [String: String] = [:], traceID: String = "") {
            self.service = service
            self.method = method
            self.target = target
            self.unitPath = unitPath
            self.detail = detail
            self.traceID = traceID
        }
    }

    /// Appends `entry` with `transaction`'s `COMMIT` (the same round trip): the entry and
    /// the mutation commit together or not at all. What handlers use.
    ///
    /// The entry's principal is not sent: `audit.append` takes it from the transaction's
    /// `app.principal`, which the kit sets from the verified token (`Caller.scope`), and it
    /// refuses an entry whose unit path lies outside the transaction's `app.scope`.
    public static func deferRecord(_ entry: Entry, in transaction: PostgresTransaction) throws {
        try transaction.deferUntilCommit(appendSQL, try binds(entry))
    }

    /// Appends `entry` in `transaction` now; returns its sequence number in its chain. The
    /// principal and the permitted subtree come from the transaction's scope (see `deferRecord`).
    @discardableResult
    public static func record(_ entry: Entry, in transaction: PostgresTransaction) async throws -> Int64 {
        let rows = try await transaction.query(appendSQL + " AS seq", try binds(entry))
        return try rows.first?["seq"].decode(Int64.self) ?? 0
    }

    static let appendSQL = "SELECT audit.append($1::ltree, $2, $3, $4, $5::jsonb, $6)"

    static func binds(_ entry: Entry) throws -> [PostgresValue] {
        let detail = String(decoding: try JSONEncoder.sorted.encode(entry.detail), as: UTF8.self)
        return [.text(entry.unitPath), .text(entry.service), .text(entry.method), .text(entry.target),
                .jsonb(detail), .text(entry.traceID)]
    }
}
