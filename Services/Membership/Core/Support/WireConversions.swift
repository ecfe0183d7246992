import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// Conversions between the wire's common types and Foundation / MembershipRules values.
extension CommonV1.Timestamp {
    init(_ date: Date) {
        let interval = date.timeIntervalSince1970
        var seconds = interval.rounded(.down)
        var nanos = ((interval - seconds) * 1_000_000_000).rounded()
        if nanos >= 1_000_000_000 {
            seconds += 1
            nanos -= 1_000_000_000
        }
        self.init(seconds: Int64(seconds), nanos: Int32(nanos))
    }

    var date: Date {
        Date(timeIntervalSince1970: TimeInterval(seconds) + TimeInterval(nanos) / 1_000_000_000)
    }
}

extension CommonV1.Date {
    init(_ day: LocalDate) {
        self.init(year: Int32(day.year), month: Int32(day.month), day: Int32(day.day))
    }

    /// The calendar day, or INVALID_ARGUMENT naming `field`.
    func localDate(field: String) throws(MembershipError) -> LocalDate {
        guard LocalDate.isValid(year: Int(year), month: Int(month), day: Int(day)) else {
            throw .invalidArgument(field: field, zh: "日期无效", en: "not a valid calendar date")
        }
        return LocalDate(Int(year), Int(month), Int(day))
    }
}

extension LocalDate {
    /// `YYYY-MM-DD`, as PostgreSQL's `date` reads and prints it.
    var sqlText: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Parses PostgreSQL's `date` text (`YYYY-MM-DD`).
    init?(sqlText: String) {
        self.init(validating: sqlText)
    }
}

/// A `date` column (or `::text` of one) reads as a `LocalDate`; anything else is a
/// decoding error, not a missing date.
extension LocalDate: PostgresDecodable, PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> LocalDate {
        guard let date = LocalDate(sqlText: text) else {
            throw PostgresError(kind: .decoding, message: "'\(text)' is not a date YYYY-MM-DD")
        }
        return date
    }
}
