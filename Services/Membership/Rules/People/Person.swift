/// A person's id as the membership service stores it.
public typealias PersonID = String
/// A villager group's (村民小组) or compound's id.
public typealias VillagerGroupID = String
/// A household's (户) id.
public typealias HouseholdID = String
/// A topic's (议题) id; ad-hoc members are bound to one.
public typealias TopicID = String

/// 人员 — the attributes of a person that composition rules count.
///
/// Only what a rule reads lives here (DOMAIN.md §1): 中共党员 for the non-party share
/// (001); 基层干部 for the cadre cap (004) and the ordinary-members share (003); gender for
/// women representatives (art. 25); sector for the 10 categories (004); posts for seat
/// rules; villager group and household for per-group and per-household rules (003/004).
/// Names, ID numbers and phones belong to the service's person record, not to the rules.
public struct Person: Sendable, Hashable, Codable, Identifiable {
    public var id: PersonID
    /// 中共党员 (including probationary members). Not a party member = 党外人士 (001).
    public var isPartyMember: Bool
    /// 基层干部 — village (community) and villager-group cadres: members of the two
    /// committees, group leaders and the like (004: 基层干部一般不超过1/3; 003: "村组干部").
    public var isGrassrootsCadre: Bool
    public var gender: Gender
    /// 界别 — the sector the person represents.
    public var sector: Sector
    /// 职务 — offices held that seat rules refer to.
    public var posts: Set<Post>
    /// 所属村民小组 / 小区院落.
    public var villagerGroupID: VillagerGroupID?
    /// 所属户.
    public var householdID: HouseholdID?

    public init(
        id: PersonID,
        isPartyMember: Bool = false,
        isGrassrootsCadre: Bool = false,
        gender: Gender = .male,
        sector: Sector = .resident,
        posts: Set<Post> = [],
        villagerGroupID: VillagerGroupID? = nil,
        householdID: HouseholdID? = nil
    ) {
        self.id = id
        self.isPartyMember = isPartyMember
        self.isGrassrootsCadre = isGrassrootsCadre
        self.gender = gender
        self.sector = sector
        self.posts = posts
        self.villagerGroupID = villagerGroupID
        self.householdID = householdID
    }
}

extension Person {
    /// 基层干部 as the rules count it: the recorded flag, or any post on the two village
    /// committees (``Post/makesGrassrootsCadre``) — derived, so that leaving the flag unset
    /// cannot take a committee member out of 004's 1/3 cadre cap.
    public var countsAsGrassrootsCadre: Bool { isGrassrootsCadre || posts.contains(where: \.makesGrassrootsCadre) }
}
