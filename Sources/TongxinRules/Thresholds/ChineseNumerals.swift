/// 中文数字 — Chinese numerals for the small numbers thresholds and messages use
/// (二分之一, 百分之九十, 三十日).
public enum ChineseNumerals {
    private static let digits = ["零", "一", "二", "三", "四", "五", "六", "七", "八", "九"]

    /// 0–9999 in Chinese numerals; larger numbers fall back to Arabic digits.
    public static func text(_ n: Int) -> String {
        guard n >= 0, n < 10_000 else { return String(n) }
        if n < 10 { return digits[n] }
        if n < 20 { return "十" + (n % 10 == 0 ? "" : digits[n % 10]) }
        let units: [(Int, String)] = [(1000, "千"), (100, "百"), (10, "十")]
        var result = ""
        var rest = n
        var pendingZero = false
        for (value, name) in units {
            let digit = rest / value
            rest %= value
            if digit > 0 {
                if pendingZero { result += "零" }
                result += digits[digit] + name
                pendingZero = false
            } else if !result.isEmpty {
                pendingZero = true
            }
        }
        if rest > 0 { result += (pendingZero ? "零" : "") + digits[rest] }
        return result
    }
}
