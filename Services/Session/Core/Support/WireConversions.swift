import SessionRules
import Foundation
import TongxinPostgres
import TongxinSchemas
import TongxinWire

// Conversions between the wire's common types and Foundation / SessionRules values. (Membership
// has the same few lines for its own module; they could move to the kit.)

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

    /// The instant, or INVALID_ARGUMENT naming `field` for one out of any sane range.
    func instant(field: String) throws(SessionError) -> Date {
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

    func localDate(field: String) throws(SessionError) -> LocalDate {
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
    /// A `date` column selected as `::text` (no conformance of TongxinRules' `LocalDate` is
    /// declared here: membership declares one, and two modules must not both).
    func localDate(_ column: String) throws -> LocalDate? {
        guard let text = try self[column].decode(String?.self) else { return nil }
        guard let date = LocalDate(validating: text) else {
            throw PostgresError(kind: .decoding, message: "'\(text)' is not a date YYYY-MM-DD")
        }
        return date
    }
}


// Stored enumerations: their raw values are the schema's numbers (smallint codes).
extension SessionRules.MeetingForm: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.Body: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.MeetingState: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.InviteeRole: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.Position: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.RoundOutcome: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.BallotMethod: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.Choice: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.ThresholdBase: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.VoteState: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.ResultState: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.ResultBasis: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.ObjectionState: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension SessionRules.TopicStage: PostgresDecodable, PostgresArrayElement, PostgresEnum {}

/// The wire enum of the same number.
func wire<Wire: TongxinWire.WireEnum>(_ value: some RawRepresentable<Int>) -> Wire {
    Wire(rawValue: Int32(value.rawValue))
}

/// A JSON string literal.
func jsonString(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}
