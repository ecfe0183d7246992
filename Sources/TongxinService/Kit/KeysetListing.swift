import Foundation
import TongxinPostgres
import TongxinRPC
import TongxinSchemas

/// The SQL type of one part of a list's key, for turning a page token's part back into a
/// bind. A part that does not parse as its type is INVALID_ARGUMENT naming
/// `page.page_token`, never a failed cast in SQL.
public enum KeysetPart: Sendable {
    case text
    case uuid
    case int
    /// A `timestamptz`, carried in the token as whole microseconds since 1970 (exact).
    case timestamp
}

extension KeysetPage {
    /// Whether this is the first page (no token).
    public var isFirst: Bool { after == nil }

    /// Whether this page counts the list's total: the first page, when asked.
    public var countsTotal: Bool { isFirst && includeTotal }

    /// The previous page's last key as binds, typed part by part; nil on the first page.
    public func binds(_ parts: [KeysetPart]) throws -> [PostgresValue]? {
        guard let after else { return nil }
        precondition(after.count == parts.count, "keyParts and the part types disagree")
        return try zip(after, parts).map { text, part in
            guard let value = Self.bind(text, part) else { throw Self.invalidToken }
            return value
        }
    }

    /// The token text of a timestamp key part (whole microseconds since 1970).
    public static func key(_ date: Date) -> String {
        String(Int64((date.timeIntervalSince1970 * 1_000_000).rounded()))
    }

    private static func bind(_ text: String, _ part: KeysetPart) -> PostgresValue? {
        switch part {
        case .text: return .text(text)
        case .uuid: return UUID(canonicalText: text).map(PostgresValue.uuid)
        case .int: return Int64(text).map(PostgresValue.int)
        case .timestamp:
            guard let micros = Int64(text), abs(micros) < 300_000_000_000_000_000 else { return nil }
            return .timestamp(Date(timeIntervalSince1970: Double(micros) / 1_000_000))
        }
    }
}

/// One page of a keyset-paged list: the rows to show, the next page's token ("" on the last
/// page) and the total, computed only on a first page that asked for it (else `nil`).
public struct KeysetListing<Record: PostgresRecord>: Sendable {
    public let rows: [Record]
    public let nextPageToken: String
    public let total: Int?

    /// The response's `PageInfo`: `total_count` is the list's size when counted, else 0.
    public var info: CommonV1.PageInfo {
        CommonV1.PageInfo(nextPageToken: nextPageToken, totalCount: Int64(total ?? 0))
    }
}

extension PostgresTransaction {
    /// Runs one page of a list in one statement. `sql` receives the select list and must
    /// return the whole query — filtered by the key after `page.binds(…)` when there is one,
    /// `ORDER BY` the key and `LIMIT page.fetchLimit`. When the first page asks for the
    /// total, the select list adds `count(*) OVER ()` (in the same statement).
    public func listing<Record: PostgresRecord>(
        _ type: Record.Type, page: KeysetPage, key: (Record) -> [String],
        _ sql: (_ columns: String) -> String, _ binds: [PostgresValue]
    ) async throws -> KeysetListing<Record> {
        if page.countsTotal {
            let counted = try await query(Counted<Record>.self, sql(Counted<Record>.columns), binds)
            let shown = page.page(counted.map(\.record), key: key)
            return KeysetListing(rows: shown.rows, nextPageToken: shown.nextPageToken, total: counted.first?.total ?? 0)
        }
        let rows = try await query(Record.self, sql(Record.columns), binds)
        let shown = page.page(rows, key: key)
        return KeysetListing(rows: shown.rows, nextPageToken: shown.nextPageToken, total: nil)
    }
}
