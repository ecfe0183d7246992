import Foundation
import TongxinPostgres

/// One authenticated call as a handler sees it: who calls, the transaction it runs in
/// (scoped to the caller's unit subtree by row-level security), the time it runs at (read
/// once from the injected clock, so every row a call writes agrees) and its trace id.
public struct CallScope: Sendable {
    public let caller: Caller
    public let tx: PostgresTransaction
    public let now: Date
    public let traceID: String
    /// The service's name, e.g. `membership` (the audit log's `service`).
    public let service: String
    /// The RPC method being served, e.g. `CreateUnit`.
    public let method: String
    /// The changes this call recorded for the change feed (``change(_:)``), written by the
    /// kit with `COMMIT`.
    public let pendingChanges: PendingChanges

    public init(caller: Caller, tx: PostgresTransaction, now: Date, traceID: String, service: String, method: String,
                pendingChanges: PendingChanges = PendingChanges()) {
        self.caller = caller
        self.tx = tx
        self.now = now
        self.traceID = traceID
        self.service = service
        self.method = method
        self.pendingChanges = pendingChanges
    }

    public func has(_ permission: String) -> Bool { caller.has(permission) }

    /// Records this call's mutation in the audit log, in its transaction: the entry travels
    /// with `COMMIT` (the same round trip), and if it cannot be written the mutation rolls
    /// back with it.
    public func audit(_ action: String, target: String, unitPath: String, _ detail: [String: String] = [:]) async throws {
        try AuditLog.deferRecord(
            AuditLog.Entry(service: service, method: action, target: target, unitPath: unitPath, detail: detail, traceID: traceID),
            in: tx)
    }
}
