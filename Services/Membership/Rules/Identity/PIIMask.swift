/// 脱敏 — how personal numbers are shown to callers who may not read them: every character
/// but the last four replaced by `*`, the length kept (`*******5678`,
/// `**************123X`).
public enum PIIMask {
    /// `value` with all but its last four characters starred; "" stays "".
    public static func lastFour(_ value: String) -> String {
        guard value.count > 4 else { return value.isEmpty ? "" : String(repeating: "*", count: value.count) }
        return String(repeating: "*", count: value.count - 4) + String(value.suffix(4))
    }
}
