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

    /// Appends `entry` by `caller` with `transaction`'s `COMMIT` (the same round trip): the
    /// entry and the mutation commit together or not at all. What handlers use.
    public static func deferRecord(_ entry: Entry, by caller: Caller, in transaction: PostgresTransaction) throws {
        let detail = String(decoding: try JSONEncoder.sorted.encode(entry.detail), as: UTF8.self)
        try transaction.deferUntilCommit(
            "SELECT audit.append($1, $2::ltree, $3, $4, $5, $6::jsonb, $7)",
            [.text(caller.principal), .text(entry.unitPath), .text(entry.service), .text(entry.method),
             .text(entry.target), .jsonb(detail), .text(entry.traceID)]
        )
    }

    /// Appends `entry` by `caller` in `transaction` now; returns its sequence number in its chain.
    @discardableResult
    public static func record(_ entry: Entry, by caller: Caller, in transaction: PostgresTransaction) async throws -> Int64 {
        let detail = String(decoding: try JSONEncoder.sorted.encode(entry.detail), as: UTF8.self)
        let rows = try await transaction.query(
            "SELECT audit.append($1, $2::ltree, $3, $4, $5, $6::jsonb, $7) AS seq",
            [.text(caller.principal), .text(entry.unitPath), .text(entry.service), .text(entry.method),
             .text(entry.target), .jsonb(detail), .text(entry.traceID)]
        )
        return try rows.first?["seq"].decode(Int64.self) ?? 0
    }
}
