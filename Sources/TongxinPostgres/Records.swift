/// A type read from one result row: the one way services turn rows into records.
///
/// A record names the columns it reads (`columns`, ready to splice after `SELECT` or
/// `RETURNING`) and decodes itself from a row; ``PostgresTransaction/query(_:_:_:)`` and
/// ``PostgresTransaction/queryOne(_:_:_:)`` then return typed records, so no store loops
/// over rows by hand. A record that reads from joined tables qualifies its columns and
/// may name its `FROM` clause alongside.
public protocol PostgresRecord: Sendable {
    /// The select list this record decodes, e.g. `id, name, level`.
    static var columns: String { get }
    /// Decodes one row; throws a `.decoding` `PostgresError` on a missing column, a NULL
    /// where none is allowed, or an unknown stored enum value.
    init(row: PostgresRow) throws
}

extension PostgresTransaction {
    /// Runs `sql` and decodes every row as `Record`.
    public func query<Record: PostgresRecord>(
        _ type: Record.Type, _ sql: String, _ binds: [PostgresValue] = []
    ) async throws -> [Record] {
        try await query(sql, binds).map(Record.init(row:))
    }

    /// Runs `sql` and decodes its first row as `Record`, or nil when there is none.
    public func queryOne<Record: PostgresRecord>(
        _ type: Record.Type, _ sql: String, _ binds: [PostgresValue] = []
    ) async throws -> Record? {
        try await query(sql, binds).first.map(Record.init(row:))
    }
}

extension PostgresTransaction {
    /// Runs `sql` and decodes the first column of its first row (a count, an existence
    /// check), or nil when there is no row.
    public func queryValue<Value: PostgresDecodable>(
        _ type: Value.Type, _ sql: String, _ binds: [PostgresValue] = []
    ) async throws -> Value? {
        try await query(sql, binds).first.map { try $0[0].decode(Value.self) }
    }
}

extension PostgresPool {
    /// Runs `sql` outside a transaction and decodes every row as `Record`.
    public func query<Record: PostgresRecord>(
        _ type: Record.Type, _ sql: String, _ binds: [PostgresValue] = []
    ) async throws -> [Record] {
        try await query(sql, binds).map(Record.init(row:))
    }
}

/// A record plus the total the query would return without its `LIMIT`
/// (`count(*) OVER () AS total`), for paged listings.
public struct Counted<Record: PostgresRecord>: PostgresRecord {
    public let record: Record
    public let total: Int

    public static var columns: String { "\(Record.columns), count(*) OVER () AS total" }

    public init(row: PostgresRow) throws {
        record = try Record(row: row)
        total = try row["total"].decode(Int.self)
    }
}
