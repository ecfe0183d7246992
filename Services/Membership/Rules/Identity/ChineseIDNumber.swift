/// 公民身份号码 — the 18-character resident ID number of GB 11643-1999.
///
/// Layout: 6-digit region of first registration (GB/T 2260), 8-digit birth date
/// `YYYYMMDD`, 3-digit sequence (odd for men, even for women) and a check character
/// computed with ISO 7064 MOD 11-2 (`0`–`9` or `X`). A lowercase `x` is accepted and
/// stored as `X`. Birth years before 1900 are refused: the standard's own 1880 example
/// illustrates the format, but no living resident was born then.
///
/// Personal data: `description` is the masked form, so an ID number never reaches a log
/// line by accident; error messages never repeat the number. Errors name `id_number`.
public struct ChineseIDNumber: Sendable, Hashable {
    /// The full 18 characters, check character uppercase.
    public let value: String
    /// Year of birth (digits 7–10).
    public let birthYear: Int
    /// Month of birth, 1–12.
    public let birthMonth: Int
    /// Day of birth.
    public let birthDay: Int

    private static let weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    private static let checkCharacters: [Character] = ["1", "0", "X", "9", "8", "7", "6", "5", "4", "3", "2"]

    public init(_ raw: String) throws(DomainViolation) {
        let text = raw.uppercased()
        guard text.utf8.count == 18, let body = ASCIIDigits.values(String(text.prefix(17))),
              let last = text.last, last == "X" || last.isASCII && last.isNumber
        else {
            throw Self.invalid("format", zh: "身份证号码应为18位：17位数字加1位校验码（数字或X）", en: "an ID number is 18 characters: 17 digits and a check character (digit or X)")
        }
        guard ProvinceCodes.isKnown(ASCIIDigits.number(body, 0..<2)), ASCIIDigits.number(body, 2..<6) != 0 else {
            throw Self.invalid("region", zh: "身份证号码的地址码（前6位）不是有效的行政区划", en: "the region code (first 6 digits) is not a valid division")
        }
        let year = ASCIIDigits.number(body, 6..<10)
        let month = ASCIIDigits.number(body, 10..<12)
        let day = ASCIIDigits.number(body, 12..<14)
        guard year >= 1900, LocalDate.isValid(year: year, month: month, day: day) else {
            throw Self.invalid("birth_date", zh: "身份证号码中的出生日期无效", en: "the birth date in the ID number is not a valid date")
        }
        guard Self.checkCharacter(for: body) == last else {
            throw Self.invalid("checksum", zh: "身份证号码校验码错误", en: "the ID number's check character is wrong")
        }
        value = text
        birthYear = year
        birthMonth = month
        birthDay = day
    }

    /// The ISO 7064 MOD 11-2 check character for the first 17 digits.
    static func checkCharacter(for body: [Int]) -> Character {
        let sum = zip(body, weights).reduce(0) { $0 + $1.0 * $1.1 }
        return checkCharacters[sum % 11]
    }

    /// The date of birth encoded in the number.
    public var birthDate: LocalDate { LocalDate(birthYear, birthMonth, birthDay) }

    /// Age in full years on `day` (the birthday itself counts); pure, the caller gives the day.
    /// The villagers' assembly counts villagers aged 18 and over (Organic Law art. 22).
    public func age(on day: LocalDate) -> Int {
        let hadBirthday = (day.month, day.day) >= (birthMonth, birthDay)
        return day.year - birthYear - (hadBirthday ? 0 : 1)
    }

    /// 性别 — from the 17th digit: odd is male, even is female.
    public var genderFromID: Gender {
        let digit = value.utf8[value.utf8.index(value.utf8.startIndex, offsetBy: 16)] - 0x30
        return digit % 2 == 1 ? .male : .female
    }

    /// 脱敏 — only the last 4 characters kept: `**************123X` (what a caller without
    /// `pii.read` sees; the region and birth date are personal data too).
    public var masked: String { PIIMask.lastFour(value) }

    private static func invalid(_ reason: String, zh: String, en: String) -> DomainViolation {
        DomainViolation(rule: "identity.id_number.\(reason)", field: "id_number", zh: zh, en: en)
    }
}

extension ChineseIDNumber: CustomStringConvertible {
    /// The masked form; use `value` deliberately when the full number is needed.
    public var description: String { masked }
}

extension ChineseIDNumber: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}
