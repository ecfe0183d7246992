/// 性别 — counted by the villagers' representatives' meeting rule: women representatives
/// ≥ 1/3 of its members (Organic Law art. 25; DOMAIN.md, "The law behind escalation").
///
/// `unspecified` is a person whose gender was not recorded: counted as neither women nor men.
public enum Gender: String, Sendable, Hashable, Codable, CaseIterable {
    case female
    case male
    /// 未填写.
    case unspecified

    /// The stable stored code (`membership.people.gender`, the wire's `Gender` numbers):
    /// 0 unspecified, 1 male, 2 female. Spelled out, never derived from case order.
    public var code: Int {
        switch self {
        case .unspecified: 0
        case .male: 1
        case .female: 2
        }
    }

    /// The gender stored as `code`, nil for a code no case has.
    public init?(code: Int) {
        guard let gender = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = gender
    }

    public var nameZH: String {
        switch self {
        case .female: "女"
        case .male: "男"
        case .unspecified: "未填写"
        }
    }

    public var nameEN: String {
        switch self {
        case .female: "female"
        case .male: "male"
        case .unspecified: "unspecified"
        }
    }
}
