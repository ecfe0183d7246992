import ChangesAPI
import Foundation
import TongxinPostgres
import TongxinRPC
import TongxinSchemas

/// `tongxin.changes.v1.Changes`, served by every service (``ServiceRunner``): the service's
/// own changes (``Change``) in a unit subtree of the caller's scope, after a position, in
/// commit order (permission `changes.read`). One statement: the page, and — when the page
/// reaches the end — the last position the caller may see, so a reader of a quiet village in
/// a busy county does not rescan the county's feed on every poll.
public struct ChangesService: ChangesV1.Changes.ServiceProtocol {
    public let pool: PostgresPool
    public static let defaultLimit = 100
    public static let maxLimit = 1000

    public init(pool: PostgresPool) {
        self.pool = pool
    }

    public func listChanges(
        _ request: ChangesV1.ListChangesRequest, context: ServerCallContext
    ) async throws -> ChangesV1.ListChangesResponse {
        let caller = try Caller.current()
        let under = request.unitPath.isEmpty ? caller.unitPath : request.unitPath
        guard ChangeFeed.isUnitPath(under) else {
            throw RPCError(code: .invalidArgument, message: "unit_path: 单位路径无效 / must be u<12 digits>[.u<12 digits>…]",
                           detail: ErrorDetail(field: "unit_path", messageZH: "单位路径无效", messageEN: "must be u<12 digits>[.u<12 digits>…]"))
        }
        // A subtree outside the caller's does not exist for it.
        guard under == caller.unitPath || under.hasPrefix(caller.unitPath + ".") else {
            throw RPCError(code: .notFound, message: "unit not found / 单位不存在")
        }
        guard request.afterSeq >= 0, request.limit >= 0, request.externalRef.utf8.count <= 200 else {
            throw RPCError(code: .invalidArgument, message: "after_seq and limit must not be negative; external_ref is at most 200 bytes / 参数无效")
        }
        let limit = request.limit == 0 ? Self.defaultLimit : min(Int(request.limit), Self.maxLimit)
        let county = String(under.dropFirst().prefix(12))
        do {
            let rows = try await pool.transaction(scope: caller.scope, readOnly: true, deadline: context.deadline) { tx in
                try await tx.query(
                    """
                    WITH page AS (
                        SELECT seq, kind, subject, unit_path::text AS unit_path, state, external_ref, detail::text AS detail, occurred_at
                          FROM kit.changes
                         WHERE county_code = $1 AND service = kit.service_of(session_user) AND seq > $2
                           AND unit_path OPERATOR(public.<@) $3::ltree AND ($5 = '' OR external_ref = $5)
                         ORDER BY seq LIMIT $4
                    )
                    SELECT p.*, (SELECT max(c.seq) FROM kit.changes c
                                  WHERE c.county_code = $1 AND c.service = kit.service_of(session_user)) AS head,
                           kit.service_of(session_user) AS service
                      FROM (SELECT 1) AS one LEFT JOIN page p ON true
                     ORDER BY p.seq
                    """,
                    [.text(county), .int(request.afterSeq), .text(under), .int(Int64(limit + 1)), .text(request.externalRef)])
            }
            var changes: [ChangesV1.Change] = []
            var head: Int64 = 0
            for row in rows {
                head = try row["head"].decode(Int64?.self) ?? 0
                guard let seq = try row["seq"].decode(Int64?.self) else { continue }
                changes.append(try ChangeFeed.change(row, seq: seq))
            }
            let more = changes.count > limit
            if more { changes.removeLast(changes.count - limit) }
            // The end reached: everything up to the head the caller sees has been read (positions
            // are given in commit order, so nothing below it can still appear). A reference filter
            // reads one work order's history and moves no further than its last change.
            let last = changes.last?.seq ?? request.afterSeq
            let lastSeq = more || !request.externalRef.isEmpty ? last : max(last, head)
            return ChangesV1.ListChangesResponse(changes: changes, lastSeq: lastSeq, more: more)
        } catch let error as PostgresError {
            throw ServiceFailure(error)
        }
    }
}

/// Helpers of the feed shared by ``ChangesService`` and the gateway's merge.
public enum ChangeFeed {
    /// 1–8 labels `u` + 12 digits separated by dots.
    public static func isUnitPath(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        return (1...8).contains(labels.count) && labels.allSatisfy { label in
            label.utf8.count == 13 && label.utf8.first == UInt8(ascii: "u")
                && label.utf8.dropFirst().allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
        }
    }

    /// The division code of a unit path: its last label without the `u`.
    public static func divisionCode(of path: String) -> String {
        String(path.split(separator: ".").last?.dropFirst() ?? "")
    }

    static func change(_ row: PostgresRow, seq: Int64) throws -> ChangesV1.Change {
        let path = try row["unit_path"].decode(String.self)
        let detail = try row["detail"].decode(String.self)
        let attributes = ((try? JSONDecoder().decode([String: String].self, from: Data(detail.utf8))) ?? [:])
            .sorted { $0.key < $1.key }
            .map { ChangesV1.Attribute(key: $0.key, value: $0.value) }
        return ChangesV1.Change(
            service: try row["service"].decode(String.self), seq: seq, kind: try row["kind"].decode(String.self),
            subject: try row["subject"].decode(String.self), unitPath: path, divisionCode: divisionCode(of: path),
            state: try row["state"].decode(String.self), externalRef: try row["external_ref"].decode(String.self),
            attributes: attributes, occurredAt: timestamp(try row["occurred_at"].decode(Date.self)))
    }

    /// The wire's timestamp of `date` (whole nanoseconds).
    public static func timestamp(_ date: Date) -> CommonV1.Timestamp {
        let interval = date.timeIntervalSince1970
        var seconds = interval.rounded(.down)
        var nanos = ((interval - seconds) * 1_000_000_000).rounded()
        if nanos >= 1_000_000_000 {
            seconds += 1
            nanos -= 1_000_000_000
        }
        return CommonV1.Timestamp(seconds: Int64(seconds), nanos: Int32(nanos))
    }
}
