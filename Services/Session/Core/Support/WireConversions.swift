import SessionRules
import Foundation
import TongxinPostgres
import TongxinWire

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
