import TongxinSchemas

/// Cursor pagination: page size 0 means 50, capped at 500; the token is opaque to callers
/// (the last key of the previous page).
struct Paging {
    static let defaultSize = 50
    static let maxSize = 500

    let size: Int
    let token: String?

    init(_ request: CommonV1.PageRequest?) throws(MembershipError) {
        let requested = Int(request?.pageSize ?? 0)
        guard requested >= 0 else {
            throw .invalidArgument(field: "page.page_size", zh: "不能为负数", en: "must not be negative")
        }
        size = requested == 0 ? Self.defaultSize : min(requested, Self.maxSize)
        let raw = request?.pageToken ?? ""
        token = raw.isEmpty ? nil : raw
    }

    /// The token as an offset, for lists ordered by something other than a unique key.
    func offset() throws(MembershipError) -> Int {
        guard let token else { return 0 }
        guard let value = Int(token), value >= 0 else {
            throw .invalidArgument(field: "page.page_token", zh: "分页标记无效", en: "invalid page token")
        }
        return value
    }
}
