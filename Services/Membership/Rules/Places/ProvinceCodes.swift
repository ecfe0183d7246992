/// 省级代码 — the two-digit province codes of GB/T 2260, shared by division codes and the
/// region prefix of resident ID numbers. 11 (北京) … 65 (新疆), 71 (台湾), 81 (香港), 82 (澳门).
enum ProvinceCodes {
    static let all: Set<Int> = [
        11, 12, 13, 14, 15,
        21, 22, 23,
        31, 32, 33, 34, 35, 36, 37,
        41, 42, 43, 44, 45, 46,
        50, 51, 52, 53, 54,
        61, 62, 63, 64, 65,
        71, 81, 82,
    ]

    static func isKnown(_ code: Int) -> Bool { all.contains(code) }
}

/// ASCII digit helpers: `Character.isNumber` also accepts full-width and other scripts' digits.
enum ASCIIDigits {
    /// The digit values of `text`, or `nil` if any character is not an ASCII `0`–`9`.
    static func values(_ text: String) -> [Int]? {
        var result: [Int] = []
        result.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            guard byte >= 0x30, byte <= 0x39 else { return nil }
            result.append(Int(byte - 0x30))
        }
        return result
    }

    /// The number spelled by `digits[range]`.
    static func number(_ digits: [Int], _ range: Range<Int>) -> Int {
        digits[range].reduce(0) { $0 * 10 + $1 }
    }
}
