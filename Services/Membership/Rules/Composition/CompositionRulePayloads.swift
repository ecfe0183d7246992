/// 人数规则 — the number of members in a base lies in a range.
///
/// Town council 30–60 (000/001), Linhai village council 20–50 (001), 1+1+10+X fixed
/// members 20–30 (004), Chengdu villagers' council 20–50 (003), supervision committee 3–7 (003).
public struct MemberCountRule: Sendable, Hashable, Codable {
    public var id: String
    public var range: CountRange
    public var base: MemberBase
    /// Where the rule comes from (seed number or statute article).
    public var source: String
    /// 约束力: `nil` is binding (``RuleSeverity``).
    public var severity: RuleSeverity?

    public init(id: String = "composition.member_count", range: CountRange, base: MemberBase, source: String, severity: RuleSeverity? = nil) {
        self.id = id
        self.range = range
        self.base = base
        self.source = source
        self.severity = severity
    }
}

/// 比例规则 — the members matching a filter are a share of a base, compared by a ``Threshold``.
///
/// Non-party ≥ 50% (001), cadres ≤ 1/3 of fixed members (004), ordinary party members and
/// masses ≥ 50% (003), representatives ≥ 4/5 and women representatives ≥ 1/3 (art. 25).
public struct ShareRule: Sendable, Hashable, Codable {
    public var id: String
    public var filter: MemberFilter
    public var threshold: Threshold
    public var base: MemberBase
    public var source: String
    /// 约束力: `nil` is binding (``RuleSeverity``).
    public var severity: RuleSeverity?

    public init(id: String, filter: MemberFilter, threshold: Threshold, base: MemberBase, source: String, severity: RuleSeverity? = nil) {
        self.id = id
        self.filter = filter
        self.threshold = threshold
        self.base = base
        self.source = source
        self.severity = severity
    }
}

/// 分组名额规则 — each villager group of the unit has a number of matching members in range.
///
/// Villager representatives 1–2 per group among 1+1+10+X fixed members (004: 每个村民小组
/// 推荐1—2人); council members 2–4 per group on a Chengdu villagers' council (003: 由每个
/// 村民小组2-4名). Every group listed in the unit context is checked, so a group with nobody
/// fails a minimum of 1. Needs ``UnitContext/villagerGroups``.
public struct PerGroupRule: Sendable, Hashable, Codable {
    public var id: String
    public var filter: MemberFilter
    public var range: CountRange
    public var base: MemberBase
    public var source: String
    /// 约束力: `nil` is binding (``RuleSeverity``).
    public var severity: RuleSeverity?

    public init(id: String, filter: MemberFilter, range: CountRange, base: MemberBase, source: String, severity: RuleSeverity? = nil) {
        self.id = id
        self.filter = filter
        self.range = range
        self.base = base
        self.source = source
        self.severity = severity
    }
}

/// 职位人数规则 — how many members hold a role: "设1名名誉会长…设1名会长" (004).
public struct RoleCountRule: Sendable, Hashable, Codable {
    public var id: String
    public var role: CouncilRole
    public var range: CountRange
    public var source: String
    /// 约束力: `nil` is binding (``RuleSeverity``).
    public var severity: RuleSeverity?

    public init(id: String, role: CouncilRole, range: CountRange, source: String, severity: RuleSeverity? = nil) {
        self.id = id
        self.role = role
        self.range = range
        self.source = source
        self.severity = severity
    }
}

/// 职位任职规则 — whoever holds a role must hold a post: the chair is the village party
/// secretary (000/001/004), the town council chair the town's deputy party secretary
/// (000/001), the honorary chair the town leader responsible for the village (004).
public struct SeatHolderRule: Sendable, Hashable, Codable {
    public var id: String
    public var role: CouncilRole
    public var post: Post
    public var source: String
    /// 约束力: `nil` is binding (``RuleSeverity``).
    public var severity: RuleSeverity?

    public init(id: String, role: CouncilRole, post: Post, source: String, severity: RuleSeverity? = nil) {
        self.id = id
        self.role = role
        self.post = post
        self.source = source
        self.severity = severity
    }
}

/// 当然成员规则 — someone in the base must hold a post: "村委会主任、村监委会主任应纳入到民主
/// 协商会固定成员当中" (004).
public struct RequiredPostRule: Sendable, Hashable, Codable {
    public var id: String
    public var post: Post
    public var base: MemberBase
    public var source: String
    /// 约束力: `nil` is binding (``RuleSeverity``).
    public var severity: RuleSeverity?

    public init(id: String, post: Post, base: MemberBase, source: String, severity: RuleSeverity? = nil) {
        self.id = id
        self.post = post
        self.base = base
        self.source = source
        self.severity = severity
    }
}

/// 界别范围规则 — every member in the base comes from one of the listed sectors: the fixed
/// members of 1+1+10+X come "从…10类人员中产生" (004).
public struct AllowedSectorsRule: Sendable, Hashable, Codable {
    public var id: String
    public var sectors: Set<Sector>
    public var base: MemberBase
    public var source: String
    /// 约束力: `nil` is binding (``RuleSeverity``).
    public var severity: RuleSeverity?

    public init(id: String, sectors: Set<Sector>, base: MemberBase, source: String, severity: RuleSeverity? = nil) {
        self.id = id
        self.sectors = sectors
        self.base = base
        self.source = source
        self.severity = severity
    }
}

/// 回避规则 — no member in the base is a member of the committee the rule names or a
/// relative of one in the sense the rule counts: Organic Law art. 32, "村民委员会成员及其近亲属
/// 不得担任村务监督机构成员". Uses ``UnitContext/villagersCommittee``,
/// ``UnitContext/partyBranchCommittee``, committee posts on ``Person/posts``,
/// ``UnitContext/kinship`` and households (``Person/householdID``, ``UnitContext/households``).
///
/// What counts as a relative is the rule's own data:
/// - `relations`: the recorded relations that count; absent = the close relatives (近亲属) of
///   Civil Code art. 1045 (spouse, parents, children, siblings, grandparents, grandchildren);
/// - `sameHousehold`: people recorded in the same household (户) count as close relatives;
///   absent = yes. A household in the register is a family living together, which is how a
///   village office knows its close relatives long before anyone records a kinship link.
///
/// Whose relatives: the villagers' committee always (the statute's words). `partyBranchCommittee`
/// extends the exclusion to the village party organisation's committee (村"两委" reading):
/// absent = no, as art. 32 itself says only 村民委员会成员. The 2017 guidance of the General
/// Offices of the CPC Central Committee and the State Council on establishing and improving
/// village affairs supervision committees (《关于建立健全村务监督委员会的指导意见》: 村"两委"
/// 成员不得兼任村务监督委员会成员) and several provinces' implementing regulations extend it;
/// a deployment that follows them sets `partyBranchCommittee: true` in its configuration.
public struct CommitteeKinExclusionRule: Sendable, Hashable, Codable {
    public var id: String
    public var base: MemberBase
    public var source: String
    /// 约束力: `nil` is binding (``RuleSeverity``).
    public var severity: RuleSeverity?
    /// The recorded relations that count; `nil` = the close relatives of Civil Code art. 1045.
    public var relations: Set<KinshipRelation>?
    /// Whether people of one household count as close relatives; `nil` = yes.
    public var sameHousehold: Bool?
    /// Whether the village party organisation's committee is excluded too; `nil` = no (statute).
    public var partyBranchCommittee: Bool?

    public init(
        id: String = "composition.committee_kin_excluded", base: MemberBase, source: String, severity: RuleSeverity? = nil,
        relations: Set<KinshipRelation>? = nil, sameHousehold: Bool? = nil, partyBranchCommittee: Bool? = nil
    ) {
        self.id = id
        self.base = base
        self.source = source
        self.severity = severity
        self.relations = relations
        self.sameHousehold = sameHousehold
        self.partyBranchCommittee = partyBranchCommittee
    }

    /// Whether a recorded relation counts under this rule.
    public func counts(_ relation: KinshipRelation) -> Bool {
        relations.map { $0.contains(relation) } ?? relation.isCloseRelative
    }

    public var countsHousehold: Bool { sameHousehold ?? true }
    public var coversPartyBranch: Bool { partyBranchCommittee ?? false }
}

/// 按户推选规则 — one representative per so many households: "村民代表由村民按每五户至十五户
/// 推选一人" (art. 25), applied village-wide as Pengzhou does ("全村一个标准计算村民代表总数", 003).
///
/// With `h` households in the unit and `r` representatives, the rule holds when
/// `r·min ≤ h ≤ r·max`: no representative speaks for fewer than `min` or more than `max`
/// households on average. Needs ``UnitContext/villagerGroups`` with household counts.
public struct HouseholdsPerRepresentativeRule: Sendable, Hashable, Codable {
    public var id: String
    public var filter: MemberFilter
    public var households: CountRange
    public var base: MemberBase
    public var source: String
    /// 约束力: `nil` is binding (``RuleSeverity``).
    public var severity: RuleSeverity?

    public init(
        id: String = "composition.households_per_representative",
        filter: MemberFilter = .villagerRepresentatives,
        households: CountRange,
        base: MemberBase,
        source: String,
        severity: RuleSeverity? = nil
    ) {
        self.id = id
        self.filter = filter
        self.households = households
        self.base = base
        self.source = source
        self.severity = severity
    }
}

/// 属地规则 — members belong to the council's unit: a village council's members live in that
/// village's subtree (DOMAIN.md §1: a council "belongs to one unit"; 004: 村民代表以村民小组为
/// 单位推荐), so a villager-group quota counts each member in their own group. Who may come
/// from outside is data:
/// - `outsideRoles`: roles anyone may hold whatever unit they belong to — observers (列席)
///   everywhere, and 004's honorary chair, who is the town leader attached to the village
///   (由镇包村领导担任);
/// - `outsideAdHocSectors`: the sectors an ad-hoc member from outside may represent — 004's
///   X members include 政府相关职能部门代表 and 相关专家、学者和专业技术人员.
/// Checked when a person is nominated (FAILED_PRECONDITION naming the person and the unit)
/// and by ``CompositionChecker`` on the roster (``CouncilMember/fromOutsideUnit``).
public struct ResidenceRule: Sendable, Hashable, Codable {
    public var id: String
    public var outsideRoles: Set<CouncilRole>
    public var outsideAdHocSectors: Set<Sector>
    public var source: String
    /// 约束力: `nil` is binding (``RuleSeverity``).
    public var severity: RuleSeverity?

    public init(
        id: String = "composition.residence", outsideRoles: Set<CouncilRole>, outsideAdHocSectors: Set<Sector>,
        source: String, severity: RuleSeverity? = nil
    ) {
        self.id = id
        self.outsideRoles = outsideRoles
        self.outsideAdHocSectors = outsideAdHocSectors
        self.source = source
        self.severity = severity
    }

    /// Whether someone from outside the council's unit may hold `role` representing `sector`.
    public func admitsOutsider(role: CouncilRole, sector: Sector) -> Bool {
        outsideRoles.contains(role) || (role == .adHocMember && outsideAdHocSectors.contains(sector))
    }
}
