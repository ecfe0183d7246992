/// Column names and types of one result, shared by all its rows.
final class RowDescription: Sendable {
    let columns: [String]
    let typeOIDs: [UInt32]
    let indexByName: [String: Int]

    init(columns: [String], typeOIDs: [UInt32]) {
        self.columns = columns
        self.typeOIDs = typeOIDs
        var index: [String: Int] = [:]
        for (position, name) in columns.enumerated() where index[name] == nil { index[name] = position }
        self.indexByName = index
    }
}

/// One row of a result, copied out of libpq so it outlives the `PGresult`.
///
/// Lookups never trap: a missing column yields a cell whose `decode` throws, so a typo in a
/// column name becomes an error on that request rather than a crash of the service.
public struct PostgresRow: Sendable {
    let description: RowDescription
    let values: [String?]

    public var columns: [String] { description.columns }

    public subscript(_ column: String) -> PostgresCell {
        guard let index = description.indexByName[column] else {
            return PostgresCell(column: column, text: nil, typeOID: 0, exists: false)
        }
        return self[index]
    }

    public subscript(_ index: Int) -> PostgresCell {
        guard values.indices.contains(index) else {
            return PostgresCell(column: "#\(index)", text: nil, typeOID: 0, exists: false)
        }
        return PostgresCell(
            column: description.columns[index], text: values[index], typeOID: description.typeOIDs[index], exists: true)
    }
}

/// One value of a row, still in PostgreSQL's text format until decoded.
public struct PostgresCell: Sendable {
    public let column: String
    /// The raw text form, nil for SQL NULL.
    public let text: String?
    /// The column's type OID (`pg_type.oid`).
    public let typeOID: UInt32
    @usableFromInline let exists: Bool

    public var isNull: Bool { text == nil }

    /// Decodes the cell; `Optional` targets turn NULL into nil, other targets throw on NULL.
    /// Inlinable, so each record's decoding is specialised for its column types (a generic
    /// call per cell, with its metadata look-ups, was a tenth of GetCouncil's time).
    @inlinable
    public func decode<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
        guard exists else {
            throw PostgresError(kind: .decoding, message: "the result has no column \(column)", column: column)
        }
        do {
            if let text { return try T.decode(text: text, typeOID: typeOID) }
            return try T.decodeNull()
        } catch var error as PostgresError {
            error.column = error.column ?? column
            error.message = "column \(column): \(error.message)"
            throw error
        } catch {
            throw PostgresError(kind: .decoding, message: "column \(column): \(error)", column: column)
        }
    }
}
