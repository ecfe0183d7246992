import Foundation
import SupervisionRules
import TongxinPostgres
import TongxinSchemas
import TongxinWire

// Conversions between the wire's common types and Foundation / TongxinRules values (agenda
// and membership have the same few lines for their modules; they could move to the kit).

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

    func instant(field: String) throws(SupervisionError) -> Date {
        guard seconds > 0, seconds < 32_503_680_000, (0..<1_000_000_000).contains(nanos) else {
            throw .invalidArgument(field: field, zh: "时间无效", en: "not a valid instant")
        }
        return date
    }
}

extension CommonV1.Date {
    init(_ day: LocalDate) {
        self.init(year: Int32(day.year), month: Int32(day.month), day: Int32(day.day))
    }

    func localDate(field: String) throws(SupervisionError) -> LocalDate {
        guard (2000...2999).contains(year), LocalDate.isValid(year: Int(year), month: Int(month), day: Int(day)) else {
            throw .invalidArgument(field: field, zh: "日期无效", en: "not a valid calendar date")
        }
        return LocalDate(Int(year), Int(month), Int(day))
    }
}

extension LocalDate {
    /// `YYYY-MM-DD`, as PostgreSQL's `date` reads and prints it.
    var sqlText: String { description }
}

extension PostgresRow {
    /// A `date` column selected as `::text`.
    func localDate(_ column: String) throws -> LocalDate? {
        guard let text = try self[column].decode(String?.self) else { return nil }
        guard let date = LocalDate(validating: text) else {
            throw PostgresError(kind: .decoding, message: "'\(text)' is not a date YYYY-MM-DD")
        }
        return date
    }

    /// A NOT NULL `date` column selected as `::text`.
    func requiredDate(_ column: String) throws -> LocalDate {
        guard let date = try localDate(column) else {
            throw PostgresError(kind: .decoding, message: "\(column) is NULL")
        }
        return date
    }
}

extension CaseState: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension CheckOutcome: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension Rating: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension Application: PostgresDecodable, PostgresArrayElement, PostgresEnum {}

/// The wire enum of the same number.
func wire<Wire: TongxinWire.WireEnum>(_ value: some RawRepresentable<Int>) -> Wire {
    Wire(rawValue: Int32(value.rawValue))
}

extension WarningReason {
    var wire: SupervisionV1.WarningReason {
        SupervisionV1.WarningReason(rule: rule, level: SupervisionCore.wire(level), text: CommonV1.LocalizedText(zh: zh, en: en))
    }
}

extension LevelCounts {
    var wire: SupervisionV1.LevelCounts {
        SupervisionV1.LevelCounts(green: Int64(green), yellow: Int64(yellow), red: Int64(red))
    }
}
