import CLibPQ
import Logging

/// Copying libpq results and diagnostics into Swift values, so no `PGresult` outlives the
/// call that produced it (every result is cleared right after).
extension PostgresConnection {
    static func rows(_ result: OpaquePointer) -> [PostgresRow] {
        let rowCount = Int(PQntuples(result))
        let columnCount = Int(PQnfields(result))
        var names: [String] = []
        var oids: [UInt32] = []
        names.reserveCapacity(columnCount)
        oids.reserveCapacity(columnCount)
        for column in 0..<columnCount {
            names.append(PQfname(result, Int32(column)).map { String(cString: $0) } ?? "?column?")
            oids.append(PQftype(result, Int32(column)))
        }
        let description = RowDescription(columns: names, typeOIDs: oids)
        var rows: [PostgresRow] = []
        rows.reserveCapacity(rowCount)
        for row in 0..<rowCount {
            var values: [String?] = []
            values.reserveCapacity(columnCount)
            for column in 0..<columnCount {
                if PQgetisnull(result, Int32(row), Int32(column)) != 0 {
                    values.append(nil)
                } else {
                    values.append(PQgetvalue(result, Int32(row), Int32(column)).map { String(cString: $0) } ?? "")
                }
            }
            rows.append(PostgresRow(description: description, values: values))
        }
        return rows
    }

    static func rowsAffected(_ result: OpaquePointer) -> Int {
        PQcmdTuples(result).flatMap { Int(String(cString: $0)) } ?? 0
    }

    static func commandTag(_ result: OpaquePointer) -> String {
        PQcmdStatus(result).map { String(cString: $0) } ?? ""
    }

    static func errorMessage(_ handle: OpaquePointer) -> String {
        let message = PQerrorMessage(handle).map { String(cString: $0) } ?? ""
        let trimmed = message.trimmingTrailingNewlines()
        return trimmed.isEmpty ? "connection error" : trimmed
    }

    static func serverError(_ result: OpaquePointer) -> PostgresError {
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else { return nil }
            return String(cString: value)
        }
        let sqlState = field("C")
        let message = field("M")
            ?? PQresultErrorMessage(result).map { String(cString: $0).trimmingTrailingNewlines() }
            ?? "unknown error"
        return PostgresError(
            kind: sqlState.map(PostgresError.kind(forSQLState:)) ?? .connectionLost,
            message: message.isEmpty ? "unknown error" : message,
            sqlState: sqlState,
            detail: field("D"),
            constraint: field("n"),
            table: field("t"),
            column: field("c")
        )
    }
}

/// Forwards server notices to the pool's logger.
final class NoticeSink: Sendable {
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func receive(_ result: OpaquePointer) {
        func field(_ code: Character) -> String? {
            guard let ascii = code.asciiValue, let value = PQresultErrorField(result, Int32(ascii)) else { return nil }
            return String(cString: value)
        }
        let severity = field("V") ?? "NOTICE"
        let level: Logger.Level = severity == "WARNING" ? .notice : .debug
        logger.log(
            level: level, "PostgreSQL \(severity.lowercased()): \(field("M") ?? "")",
            metadata: field("C").map { ["sqlstate": "\($0)"] } ?? [:])
    }
}

extension String {
    fileprivate func trimmingTrailingNewlines() -> String {
        var text = Substring(self)
        while let last = text.last, last.isNewline || last == " " { text = text.dropLast() }
        return String(text)
    }
}

