import AgendaRules
import Foundation
import TongxinPostgres
import TongxinWire

// Stored enumerations: their raw values are the schema's numbers (smallint codes).
extension AgendaRules.Category: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension AgendaRules.Channel: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension AgendaRules.ItemStatus: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension AgendaRules.TopicState: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension AgendaRules.TopicSource: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension AgendaRules.Scale: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension AgendaRules.MeetingForm: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension AgendaRules.ScopeListKind: PostgresDecodable, PostgresArrayElement, PostgresEnum {}
extension AgendaRules.ResearchKind: PostgresDecodable, PostgresArrayElement, PostgresEnum {}

/// The wire enum of the same number.
func wire<Wire: TongxinWire.WireEnum>(_ value: some RawRepresentable<Int>) -> Wire {
    Wire(rawValue: Int32(value.rawValue))
}
