import Foundation
import TongxinPostgres
import TongxinRules
import TongxinSchemas

// The wire's common value types (`tongxin.common.v1`) beside Foundation's and TongxinRules'
// own, and `LocalDate` in PostgreSQL: once, here, for every service.

extension CommonV1.Timestamp {
    /// The instant to the nanosecond (rounded), seconds and nanos normalised.
    public init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        var seconds = interval.rounded(.down)
        var nanos = ((interval - seconds) * 1_000_000_000).rounded()
        if nanos >= 1_000_000_000 {
            seconds += 1
            nanos -= 1_000_000_000
        }
        self.init(seconds: Int64(seconds), nanos: Int32(nanos))
    }

    public var date: Date {
        Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanos) / 1_000_000_000)
    }

    /// The instant, or INVALID_ARGUMENT naming `field` (``Validate/instant(_:field:)``).
    public func instant(field: String) throws(DomainError) -> Date {
        try Validate.instant(self, field: field)
    }
}

extension CommonV1.Date {
    public init(_ day: LocalDate) {
        self.init(year: Int32(day.year), month: Int32(day.month), day: Int32(day.day))
    }
}

extension LocalDate {
    /// `YYYY-MM-DD`, as PostgreSQL's `date` reads and prints it.
    public var sqlText: String { description }

    /// Parses PostgreSQL's `date` text (`YYYY-MM-DD`).
    public init?(sqlText: String) {
        self.init(validating: sqlText)
    }
}

/// A `date` column (or `::text` of one) reads as a `LocalDate`; anything else is a decoding
/// error, not a missing date.
extension LocalDate: PostgresDecodable, PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> LocalDate {
        guard let date = LocalDate(sqlText: text) else {
            throw PostgresError(kind: .decoding, message: "'\(text)' is not a date YYYY-MM-DD")
        }
        return date
    }
}

extension PostgresRow {
    /// A `date` column, nil when NULL.
    public func localDate(_ column: String) throws -> LocalDate? {
        try self[column].decode(LocalDate?.self)
    }

    /// A NOT NULL `date` column.
    public func requiredDate(_ column: String) throws -> LocalDate {
        try self[column].decode(LocalDate.self)
    }
}
