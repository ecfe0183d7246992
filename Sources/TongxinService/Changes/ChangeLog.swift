import Foundation
import Synchronization
import TongxinPostgres

/// 变更订阅 — the change feed: what a government system follows, recorded by the service
/// that owns it in the same transaction as the mutation (like the audit record) and served
/// per unit subtree after a cursor by every service (``ChangesService``); the gateway
/// merges the services' feeds behind one opaque cursor. Issue 12 item 6.
///
/// A handler records a change with one call on its ``CallScope``:
///
///     try scope.change("result.published", subject: "result/\(id)", unitPath: topic.unitPath, state: "PUBLISHED")
///
/// The change is written with the call's `COMMIT` (after the call's audit records, in the same
/// round trip), so it exists exactly when the mutation does. Positions are handed out per
/// county and service in commit order (`Migrations/kit/0003_change_feed.sql` says why), so a
/// reader that resumes after position n misses nothing. Record what someone outside follows —
/// an appeal's status, a published result, a filing, a warning — not every write: one county's
/// change-recording commits of a service are serialized for the length of a COMMIT.
public struct Change: Sendable, Hashable {
    /// `<entity>.<what>` in lower case: `item.status`, `appeal.event`, `result.published`,
    /// `result.filed`, `case.warning`.
    public var kind: String
    /// The object that changed, `<entity>/<id>`: `item/5f0c…`, `result/…`, `case/…`.
    public var subject: String
    /// The unit the object belongs to (an ltree path inside the call's scope).
    public var unitPath: String
    /// Its new state, e.g. `ANSWERED`, `PUBLISHED`, `RED` ("" when the kind says it all).
    public var state: String
    /// A government system's reference of the object (a 12345 work order), "" when none.
    public var externalRef: String
    /// Ids, codes and counts — never a person's name, phone or free text: the feed leaves the
    /// deployment.
    public var detail: [String: String]

    public init(kind: String, subject: String, unitPath: String, state: String = "", externalRef: String = "",
                detail: [String: String] = [:]) {
        self.kind = kind
        self.subject = subject
        self.unitPath = unitPath
        self.state = state
        self.externalRef = externalRef
        self.detail = detail
    }

    /// Whether `kind` is `<entity>.<what>` (lower-case letters, digits and `_`, at most 64).
    public static func isKind(_ kind: String) -> Bool {
        let parts = kind.split(separator: ".", omittingEmptySubsequences: false)
        return kind.utf8.count <= 64 && parts.count >= 2 && parts.allSatisfy { part in
            guard let first = part.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first) else { return false }
            return part.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") }
        }
    }
}

/// The changes a call has recorded, written by ``ServiceKit`` with the call's `COMMIT` after
/// its audit records (so every transaction takes the audit chain locks before the feed's
/// head lock, never the other way round).
public final class PendingChanges: Sendable {
    private let changes = Mutex<[Change]>([])

    public init() {}

    func append(_ change: Change) {
        changes.withLock { $0.append(change) }
    }

    /// Defers every recorded change until `tx` commits, in the order recorded.
    func flush(into tx: PostgresTransaction, now: Date, traceID: String) throws {
        let recorded = changes.withLock { changes in
            defer { changes = [] }
            return changes
        }
        for change in recorded {
            let detail = String(decoding: try JSONEncoder.sorted.encode(change.detail), as: UTF8.self)
            try tx.deferUntilCommit(
                "SELECT kit.record_change($1::ltree, $2, $3, $4, $5, $6::jsonb, $7, $8)",
                [.text(change.unitPath), .text(change.kind), .text(change.subject), .text(change.state),
                 .text(change.externalRef), .jsonb(detail), .timestamp(now), .text(traceID)])
        }
    }
}

extension CallScope {
    /// Records `change` for the change feed of its unit: written with this call's `COMMIT`
    /// (after its audit records), so it commits or rolls back with the mutation. The unit must
    /// lie in the caller's scope (else the call fails NOT_FOUND, like a write refused by
    /// row-level security).
    public func change(_ change: Change) {
        precondition(Change.isKind(change.kind), "a change kind is <entity>.<what> in lower case: \(change.kind)")
        pendingChanges.append(change)
    }

    /// Records that `subject` in `unitPath` changed (see ``change(_:)``):
    ///
    ///     scope.change("result.published", subject: "result/\(id)", unitPath: path, state: "PUBLISHED")
    public func change(
        _ kind: String, subject: String, unitPath: String, state: String = "", externalRef: String = "",
        _ detail: [String: String] = [:]
    ) {
        change(Change(kind: kind, subject: subject, unitPath: unitPath, state: state, externalRef: externalRef, detail: detail))
    }
}
