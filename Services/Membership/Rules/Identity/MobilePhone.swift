/// 手机号码 — a mainland China mobile number: 11 digits matching `1[3-9]\d{9}`.
///
/// Input may carry the country code (`+86`, `0086`, `86` before the 11 digits) and
/// spaces or hyphens, as people type them; the stored `value` is the bare 11 digits.
/// Like ``ChineseIDNumber`` it prints masked (`*******5678`). Errors name `phone`.
public struct MobilePhone: Sendable, Hashable {
    /// The 11 digits.
    public let value: String

    public init(_ raw: String) throws(DomainViolation) {
        var text = raw.filter { $0 != " " && $0 != "-" }
        for prefix in ["+86", "0086"] where text.hasPrefix(prefix) {
            text.removeFirst(prefix.count)
        }
        if text.count == 13, text.hasPrefix("86") { text.removeFirst(2) }
        guard let digits = ASCIIDigits.values(text), digits.count == 11 else {
            throw DomainViolation(
                rule: "identity.phone.format", field: "phone",
                zh: "手机号码应为11位数字", en: "a mobile number is 11 digits"
            )
        }
        guard digits[0] == 1, (3...9).contains(digits[1]) else {
            throw DomainViolation(
                rule: "identity.phone.prefix", field: "phone",
                zh: "手机号码应以13–19开头", en: "a mainland mobile number starts with 13–19"
            )
        }
        value = text
    }

    /// 脱敏 — only the last 4 digits kept: `*******5678` (the prefix names the carrier and,
    /// with the last four, narrows a person down too far).
    public var masked: String { PIIMask.lastFour(value) }
}

extension MobilePhone: CustomStringConvertible {
    /// The masked form; use `value` deliberately when the full number is needed.
    public var description: String { masked }
}

extension MobilePhone: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
