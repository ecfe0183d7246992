/// 议事会成员 — one person on one council, in one seat.
///
/// An ad-hoc member (列席/特邀) is bound to the topic they were invited for (004: X members
/// "根据协商议题需要确定"); every other seat has no topic.
public struct CouncilMember: Sendable, Hashable, Codable {
    public var person: Person
    public var role: CouncilRole
    /// The topic an ad-hoc member serves; `nil` for every other role.
    public var topicID: TopicID?
    /// Whether the person belongs to a unit outside the council's unit subtree (``ResidenceRule``).
    public var fromOutsideUnit: Bool

    public init(person: Person, role: CouncilRole, topicID: TopicID? = nil, fromOutsideUnit: Bool = false) {
        self.person = person
        self.role = role
        self.topicID = topicID
        self.fromOutsideUnit = fromOutsideUnit
    }

    /// An ad-hoc member for `topic`.
    public static func adHoc(_ person: Person, topic: TopicID) -> CouncilMember {
        CouncilMember(person: person, role: .adHocMember, topicID: topic)
    }
}

/// 村民小组 — a villager group with its number of households (户数), which per-group and
/// per-household rules need (003/004; Organic Law art. 25).
public struct VillagerGroup: Sendable, Hashable, Codable, Identifiable {
    public var id: VillagerGroupID
    public var households: Int

    public init(id: VillagerGroupID, households: Int) {
        self.id = id
        self.households = households
    }
}

/// 单位情况 — facts about the unit that some rules need beyond the roster itself.
public struct UnitContext: Sendable, Hashable, Codable {
    /// The unit's villager groups, for 1–2 representatives per group (004), 2–4 members
    /// per group (003) and one representative per 5–15 households (art. 25).
    public var villagerGroups: [VillagerGroup]
    /// The villagers' committee's members, who may not sit on the supervision committee
    /// (art. 32). People whose ``Person/posts`` include a villagers' committee post count too.
    public var villagersCommittee: [PersonID]
    /// Recorded family ties, for the close-relative exclusion (art. 32; Civil Code art. 1045).
    public var kinship: [KinshipLink]
    /// The village party organisation's committee (村党组织委员会), for a supervision-committee
    /// rule that reads art. 32 as covering both committees (``CommitteeKinExclusionRule``).
    public var partyBranchCommittee: [PersonID]
    /// The household (户) of committee members who are not on the roster: people of one
    /// household are close relatives (roster members carry ``Person/householdID``).
    public var households: [PersonID: HouseholdID]
    /// The council unit's division code, for messages naming it.
    public var unitCode: String?

    public init(
        villagerGroups: [VillagerGroup] = [],
        villagersCommittee: [PersonID] = [],
        kinship: [KinshipLink] = [],
        partyBranchCommittee: [PersonID] = [],
        households: [PersonID: HouseholdID] = [:],
        unitCode: String? = nil
    ) {
        self.villagerGroups = villagerGroups
        self.villagersCommittee = villagersCommittee
        self.kinship = kinship
        self.partyBranchCommittee = partyBranchCommittee
        self.households = households
        self.unitCode = unitCode
    }

    /// Households in the whole unit.
    public var householdCount: Int { villagerGroups.reduce(0) { $0 + $1.households } }
}

/// 议事会组成 — a proposed or current roster, with the unit facts its rules need. The input
/// of ``CompositionChecker``.
public struct CouncilComposition: Sendable, Hashable, Codable {
    public var kind: CouncilKind
    public var members: [CouncilMember]
    public var context: UnitContext

    public init(kind: CouncilKind, members: [CouncilMember], context: UnitContext = UnitContext()) {
        self.kind = kind
        self.members = members
        self.context = context
    }

    /// The members a rule counts against.
    public func members(in base: MemberBase) -> [CouncilMember] {
        members.filter { base.includes($0.role) }
    }
}
