/// 统计对象 — which members a share or per-group rule counts, as data.
///
/// Each set attribute must hold (logical AND); an empty filter matches everyone. So
/// "党外人士" is `partyMember: false` (001), "基层干部" is `grassrootsCadre: true` (004),
/// "普通党员和群众" is `grassrootsCadre: false` (003: the council must not become a
/// "村组干部会"), and "妇女村民代表" is `gender: .female` with sector villager
/// representative (art. 25).
public struct MemberFilter: Sendable, Hashable, Codable {
    public var partyMember: Bool?
    public var grassrootsCadre: Bool?
    public var gender: Gender?
    /// Matches a member whose sector is any of these.
    public var sectors: Set<Sector>?

    public init(
        partyMember: Bool? = nil,
        grassrootsCadre: Bool? = nil,
        gender: Gender? = nil,
        sectors: Set<Sector>? = nil
    ) {
        self.partyMember = partyMember
        self.grassrootsCadre = grassrootsCadre
        self.gender = gender
        self.sectors = sectors
    }

    public func matches(_ person: Person) -> Bool {
        if let partyMember, person.isPartyMember != partyMember { return false }
        if let grassrootsCadre, person.countsAsGrassrootsCadre != grassrootsCadre { return false }
        if let gender, person.gender != gender { return false }
        if let sectors, !sectors.contains(person.sector) { return false }
        return true
    }

    /// Everyone in the base.
    public static let everyone = MemberFilter()
    /// 党外人士 (001).
    public static let nonPartyMembers = MemberFilter(partyMember: false)
    /// 基层干部 (004).
    public static let grassrootsCadres = MemberFilter(grassrootsCadre: true)
    /// 普通党员和群众 — members who are not grassroots cadres (003).
    public static let ordinaryMembersAndMasses = MemberFilter(grassrootsCadre: false)
    /// 村民代表.
    public static let villagerRepresentatives = MemberFilter(sectors: [.villagerRepresentative])
    /// 妇女村民代表 (art. 25).
    public static let womenRepresentatives = MemberFilter(gender: .female, sectors: [.villagerRepresentative])

    /// A label for messages: `党外人士`, `基层干部`, `女性村民代表`.
    public var labelZH: String {
        if self == .nonPartyMembers { return "党外人士" }
        if self == .ordinaryMembersAndMasses { return "普通党员和群众" }
        var words: [String] = []
        if let gender { words.append(gender == .unspecified ? "性别未填写" : gender.nameZH + "性") }
        if let partyMember { words.append(partyMember ? "中共党员" : "党外") }
        if let grassrootsCadre { words.append(grassrootsCadre ? "基层干部" : "非基层干部") }
        if let sectors { words.append(sectors.map(\.nameZH).sorted().joined(separator: "、")) }
        let label = words.joined()
        return sectors == nil && grassrootsCadre != true ? label + "成员" : label
    }

    /// A label for messages: `non-party members`, `grassroots cadres`, `female villager representative`.
    public var labelEN: String {
        if self == .nonPartyMembers { return "non-party members" }
        if self == .ordinaryMembersAndMasses { return "ordinary party members and masses" }
        if self == .grassrootsCadres { return "grassroots cadres" }
        if self == .womenRepresentatives { return "women villager representatives" }
        if self == .villagerRepresentatives { return "villager representatives" }
        var words: [String] = []
        if let gender { words.append(gender.nameEN) }
        if let partyMember { words.append(partyMember ? "party-member" : "non-party") }
        if let grassrootsCadre { words.append(grassrootsCadre ? "cadre" : "non-cadre") }
        if let sectors { words.append(sectors.map(\.nameEN).sorted().joined(separator: " or ")) }
        words.append("members")
        return words.joined(separator: " ")
    }
}
