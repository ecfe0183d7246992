/// 统计用区划代码 — the statistical division code that ties a unit to government data.
///
/// DOMAIN.md, "Places": units carry the official 12-digit code. Its layout is
/// `PP CC DD TTT VVV`: province, prefecture, county (together 6 digits), town (3) and
/// village/community (3). The level shows in the trailing zeros:
/// - `xxxxxx000000` — county/city (市县区): digits 7–12 zero;
/// - `xxxxxxxxx000` — town/street (镇乡街道): digits 10–12 zero;
/// - `xxxxxxxxxxxx` — village/community (村社区): digits 10–12 not all zero.
///
/// **Villager groups and compounds** have no official code. Decision: a group carries a
/// 15-digit *local* code, its village's 12-digit code followed by a 3-digit group number
/// `001`–`999` (村民小组序号). It joins with government data through its village's code
/// (`parentCode`), and `isOfficial` is `false` so it is never sent out as an official code.
///
/// A province alone (`330000000000`) is rejected: no unit in the tree is a province.
public struct DivisionCode: Sendable, Hashable {
    /// The digits, 12 (official) or 15 (villager group, local).
    public let value: String
    /// The level the code's digits imply.
    public let impliedLevel: AdministrativeLevel

    /// Validates `value`; errors name the field `division_code`.
    public init(_ value: String) throws(DomainViolation) {
        guard let digits = ASCIIDigits.values(value), digits.count == 12 || digits.count == 15 else {
            throw Self.invalid(
                "format",
                zh: "区划代码应为12位数字（村民小组为村代码加3位小组序号，共15位）",
                en: "a division code is 12 ASCII digits (15 for a villager group: village code + 3-digit group number)"
            )
        }
        guard ProvinceCodes.isKnown(ASCIIDigits.number(digits, 0..<2)) else {
            throw Self.invalid("province", zh: "区划代码的省级代码（前2位）不存在", en: "the province code (first 2 digits) does not exist")
        }
        let county = ASCIIDigits.number(digits, 2..<6)
        let town = ASCIIDigits.number(digits, 6..<9)
        let village = ASCIIDigits.number(digits, 9..<12)
        guard county != 0 else {
            throw Self.invalid("level", zh: "省级区划不能作为单位，需至少到市县区一级", en: "a province is not a unit; the code must name at least a county or city")
        }
        if digits.count == 15 {
            guard village != 0, town != 0, ASCIIDigits.number(digits, 12..<15) != 0 else {
                throw Self.invalid("group", zh: "村民小组代码应为有效的村代码加001–999的小组序号", en: "a villager group code is a valid village code followed by a group number 001–999")
            }
            impliedLevel = .group
        } else if village != 0 {
            guard town != 0 else {
                throw Self.invalid("level", zh: "村级代码的乡镇段（第7–9位）不能为000", en: "a village code cannot have town digits 7–9 equal to 000")
            }
            impliedLevel = .village
        } else {
            impliedLevel = town != 0 ? .town : .countyCity
        }
        self.value = value
    }

    /// Whether this is an official 12-digit code (a group's 15-digit code is local).
    public var isOfficial: Bool { value.count == 12 }

    /// The code of the unit one level up: village → town → county; a county or district
    /// under a prefecture-level city → that city (`330102000000` → `330100000000`);
    /// a group → its village. `nil` at a prefecture-level city or municipality, whose
    /// parent would be a province.
    public var parentCode: DivisionCode? {
        let zeros = { (keep: Int) in String(self.value.prefix(keep)) + String(repeating: "0", count: 12 - keep) }
        let parent: String
        switch impliedLevel {
        case .group: parent = String(value.prefix(12))
        case .village: parent = zeros(9)
        case .town: parent = zeros(6)
        case .countyCity:
            guard value.dropFirst(4).prefix(2) != "00" else { return nil }
            parent = zeros(4)
        }
        return try? DivisionCode(parent)
    }

    /// Whether `other` lies inside this code's subtree (a unit contains itself).
    public func contains(_ other: DivisionCode) -> Bool {
        var current: DivisionCode? = other
        while let code = current {
            if code == self { return true }
            current = code.parentCode
        }
        return false
    }

    private static func invalid(_ reason: String, zh: String, en: String) -> DomainViolation {
        DomainViolation(rule: "place.division_code.\(reason)", field: "division_code", zh: zh, en: en)
    }
}

extension DivisionCode: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(value)
    }
}

extension DivisionCode: CustomStringConvertible {
    public var description: String { value }
}
