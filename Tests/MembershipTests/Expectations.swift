import Foundation
import Testing
import TongxinPostgres
import TongxinRPC

/// Resident ID numbers (GB 11643-1999) with a correct ISO 7064 MOD 11-2 check character.
enum IDNumbers {
    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checks: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    /// `region` (6 digits) + `birth` (YYYYMMDD) + a 3-digit sequence (odd: male, even:
    /// female) + the check character.
    static func make(region: String, birth: String = "19800101", sequence: Int) -> String {
        let body = region + birth + pad(sequence, 3)
        let sum = zip(body.utf8.map { Int($0) - 48 }, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return body + String(checks[sum % 11])
    }

    /// The same number with a wrong check character.
    static func withWrongCheck(_ valid: String) -> String {
        let last = valid.last!
        return String(valid.dropLast()) + (last == "1" ? "2" : "1")
    }
}
