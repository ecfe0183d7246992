import Foundation
import SupervisionRules
import TongxinPostgres
import TongxinSchemas
import TongxinWire

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
