import Foundation
import TongxinRPC
import TongxinSchemas

/// 分页 — the one paging style of every list: keyset ("seek") pagination.
///
/// A list is ordered by a unique key (e.g. `(name, id)`); a page is the rows after the last
/// key of the previous page (`WHERE (name, id) > ($1, $2) ORDER BY name, id LIMIT size + 1`),
/// never `OFFSET`, so a page costs the same however deep it is and rows inserted meanwhile
/// neither repeat nor vanish. The token is opaque to callers (base64url of the key parts);
/// a malformed token is INVALID_ARGUMENT naming `page.page_token`. Page size 0 means 50,
/// capped at 500. The total is counted only when the first page's request asks for it
/// (`include_total`).
public struct KeysetPage: Sendable {
    public static let defaultSize = 50
    public static let maxSize = 500
    private static let version = "k1"

    /// Rows per page.
    public let size: Int
    /// The key parts of the last row of the previous page; nil on the first page.
    public let after: [String]?
    /// Whether the caller asked for the list's total (`include_total`), honoured on the
    /// first page only: counting is never paid for unless asked.
    public let includeTotal: Bool

    /// Parses a request's paging; `keyParts` is how many columns the list's key has.
    public init(_ request: CommonV1.PageRequest?, keyParts: Int) throws {
        let requested = Int(request?.pageSize ?? 0)
        guard requested >= 0 else {
            throw RPCError(
                code: .invalidArgument, message: "page.page_size: 不能为负数 / must not be negative",
                detail: ErrorDetail(field: "page.page_size", messageZH: "不能为负数", messageEN: "must not be negative"))
        }
        size = requested == 0 ? Self.defaultSize : min(requested, Self.maxSize)
        let token = request?.pageToken ?? ""
        includeTotal = request?.includeTotal ?? false
        if token.isEmpty {
            after = nil
        } else {
            guard let parts = Self.decode(token), parts.count == keyParts else {
                throw Self.invalidToken
            }
            after = parts
        }
    }

    /// INVALID_ARGUMENT naming `page.page_token`.
    public static var invalidToken: RPCError {
        RPCError(
            code: .invalidArgument, message: "page.page_token: 分页标记无效 / invalid page token",
            detail: ErrorDetail(field: "page.page_token", messageZH: "分页标记无效", messageEN: "invalid page token"))
    }

    /// The rows to show (at most `size`) and the token of the next page, given up to
    /// `size + 1` rows fetched in key order; the token is "" on the last page.
    public func page<Row>(_ rows: [Row], key: (Row) -> [String]) -> (rows: [Row], nextPageToken: String) {
        guard rows.count > size else { return (rows, "") }
        let shown = Array(rows.prefix(size))
        return (shown, shown.last.map { Self.encode(key($0)) } ?? "")
    }

    /// The SQL limit that tells whether another page exists.
    public var fetchLimit: Int { size + 1 }

    static func encode(_ parts: [String]) -> String {
        let json = (try? JSONEncoder().encode(parts)) ?? Data("[]".utf8)
        let base64 = json.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return version + "." + base64
    }

    static func decode(_ token: String) -> [String]? {
        guard token.utf8.count <= 2048, token.hasPrefix(version + ".") else { return nil }
        var base64 = String(token.dropFirst(version.count + 1))
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64),
              let parts = try? JSONDecoder().decode([String].self, from: data),
              parts.allSatisfy({ !$0.utf8.contains(0) })
        else { return nil }
        return parts
    }
}
