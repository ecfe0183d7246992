import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// Membership's checks of the wire's common types (the conversions themselves are the kit's,
/// `TongxinService/Kit/WireValues.swift`).
extension CommonV1.Date {
    /// The calendar day, or INVALID_ARGUMENT naming `field`.
    func localDate(field: String) throws(MembershipError) -> LocalDate {
        guard LocalDate.isValid(year: Int(year), month: Int(month), day: Int(day)) else {
            throw .invalidArgument(field: field, zh: "日期无效", en: "not a valid calendar date")
        }
        return LocalDate(Int(year), Int(month), Int(day))
    }
}
