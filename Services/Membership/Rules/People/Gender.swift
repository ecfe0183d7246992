/// 性别 — counted by the villagers' representatives' meeting rule: women representatives
/// ≥ 1/3 of its members (Organic Law art. 25; DOMAIN.md, "The law behind escalation").
public enum Gender: String, Sendable, Hashable, Codable, CaseIterable {
    case female
    case male

    public var nameZH: String { self == .female ? "女" : "男" }
    public var nameEN: String { self == .female ? "female" : "male" }
}
