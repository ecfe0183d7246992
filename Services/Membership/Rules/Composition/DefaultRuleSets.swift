extension CompositionRuleSet {
    /// 默认规则 — the seeds' rules for each kind of council (DOMAIN.md §1).
    ///
    /// Where a seed is silent (community, compound and CPPCC liaison councils), the only
    /// default is a single chair/convener: that is what a town office expects, and a
    /// deployment adds its own rules with ``merging(_:)``.
    public static func defaults(for kind: CouncilKind) -> CompositionRuleSet {
        CompositionRuleSet(kind: kind, rules: defaultRules(kind) + (kind == .cppccLiaisonGroup ? [] : [residence(kind)]))
    }

    /// 属地 (``ResidenceRule``): members belong to the council's unit; observers may come from
    /// anywhere, and so may ad-hoc experts and government departments (004: 政府相关职能部门代表;
    /// 邀请相关专家、学者和专业技术人员参加) and 004's honorary chair, the town leader attached
    /// to the village. Not for the CPPCC liaison group (002), whose members are the county's
    /// CPPCC members assigned to the town.
    private static func residence(_ kind: CouncilKind) -> CompositionRule {
        .residence(ResidenceRule(
            outsideRoles: kind == .villageAffairsCouncil ? [.observer, .honoraryChair] : [.observer],
            outsideAdHocSectors: [.expert, .governmentDepartment],
            source: kind == .villageAffairsCouncil ? "004" : "DOMAIN.md §1"
        ))
    }

    private static func defaultRules(_ kind: CouncilKind) -> [CompositionRule] {
        switch kind {
        case .townCouncil:
            // 000/001: 人数额定在30—60人; 委员会主任由镇党委副书记担任; 党外人士不少于50%.
            [
                oneChair("000/001"),
                chairHeld(by: .townDeputyPartySecretary, "000/001"),
                .memberCount(MemberCountRule(range: CountRange(30, 60), base: .standingMembers, source: "000/001")),
                nonPartyShare,
            ]
        case .villageCouncil:
            // 000/001: 20—50人; 主任由村党组织书记担任; 党外人士不少于50%.
            [
                oneChair("000/001"),
                chairHeld(by: .villagePartySecretary, "000/001"),
                .memberCount(MemberCountRule(range: CountRange(20, 50), base: .standingMembers, source: "001")),
                nonPartyShare,
            ]
        case .villageAffairsCouncil:
            villageAffairsCouncilRules
        case .villagersCouncil:
            // 003: 由每个村民小组2-4名，总数20-50人; 普通党员和群众代表比例不低于50%.
            [
                oneChair("003"),
                .memberCount(MemberCountRule(range: CountRange(20, 50), base: .standingMembers, source: "003")),
                .perVillagerGroup(PerGroupRule(
                    id: RuleID.membersPerGroup, filter: .everyone, range: CountRange(2, 4),
                    base: .standingMembers, source: "003"
                )),
                .share(ShareRule(
                    id: RuleID.ordinaryMemberShare, filter: .ordinaryMembersAndMasses,
                    threshold: .atLeast(50, 100), base: .standingMembers, source: "003"
                )),
            ]
        case .supervisionCommittee:
            // 003: 由村民(代表)会议民主推选产生3-7人组成; art. 32: 村民委员会成员及其近亲属不得担任.
            [
                oneChair("Organic Law art. 32"),
                .memberCount(MemberCountRule(range: CountRange(3, 7), base: .standingMembers, source: "003")),
                .committeeKinExclusion(CommitteeKinExclusionRule(base: .standingMembers, source: "Organic Law art. 32")),
            ]
        case .villagersRepresentativesMeeting:
            // art. 25: 村民代表应当占…组成人员的五分之四以上，妇女村民代表应当占…三分之一以上;
            // 按每五户至十五户推选一人 (003: 5-15户推选1名村民代表).
            [
                .share(ShareRule(
                    id: RuleID.representativeShare, filter: .villagerRepresentatives,
                    threshold: .atLeast(4, 5), base: .standingMembers, source: "Organic Law art. 25"
                )),
                .share(ShareRule(
                    id: RuleID.womenRepresentativeShare, filter: .womenRepresentatives,
                    threshold: .atLeast(1, 3), base: .standingMembers, source: "Organic Law art. 25"
                )),
                .householdsPerRepresentative(HouseholdsPerRepresentativeRule(
                    households: CountRange(5, 15), base: .standingMembers, source: "Organic Law art. 25; 003"
                )),
            ]
        case .residentsCouncil, .compoundCouncil, .cppccLiaisonGroup:
            [oneChair("DOMAIN.md §1")]
        }
    }

    /// 004 "1+1+10+X".
    private static let villageAffairsCouncilRules: [CompositionRule] = [
        // 设1名名誉会长，由镇包村领导担任.
        .roleCount(RoleCountRule(id: RuleID.honoraryChairCount, role: .honoraryChair, range: .exactly(1), source: "004")),
        .seatHolder(SeatHolderRule(id: RuleID.honoraryChairPost, role: .honoraryChair, post: .townLeaderForVillage, source: "004")),
        // 设1名会长，由村党支部书记担任.
        oneChair("004"),
        chairHeld(by: .villagePartySecretary, "004"),
        // 固定成员总数原则上为20—30人.
        // 原则上 ("in principle"): advisory.
        .memberCount(MemberCountRule(range: CountRange(20, 30), base: .fixedMembers, source: "004", severity: .advisory)),
        // 基层干部一般不超过协商会固定成员总数的1/3 — 一般 ("generally"): advisory.
        .share(ShareRule(
            id: RuleID.cadreShare, filter: .grassrootsCadres, threshold: .atMost(1, 3),
            base: .fixedMembers, source: "004", severity: .advisory
        )),
        // 每个村民小组推荐1—2人.
        .perVillagerGroup(PerGroupRule(
            id: RuleID.representativesPerGroup, filter: .villagerRepresentatives, range: CountRange(1, 2),
            base: .fixedMembers, source: "004"
        )),
        // 村委会主任、村监委会主任应纳入到民主协商会固定成员当中.
        .requiredPost(RequiredPostRule(
            id: RuleID.committeeDirectorIncluded, post: .villagersCommitteeDirector, base: .fixedMembers, source: "004"
        )),
        .requiredPost(RequiredPostRule(
            id: RuleID.supervisoryDirectorIncluded, post: .supervisoryCommitteeDirector, base: .fixedMembers, source: "004"
        )),
        // 从村党支部、村民委员会、村务监督委员会、驻村单位、“两代表一委员”、农民合作组织、法律工作者、
        // 村民代表及威望高、办事公道的老党员等10类人员中产生.
        .allowedSectors(AllowedSectorsRule(
            id: RuleID.fixedMemberSectors, sectors: tenCategories, base: .fixedMembers, source: "004"
        )),
    ]

    /// The "10 categories" of 004's fixed members. The text names nine (ending in 等10类);
    /// "两代表一委员" is one category made of three sectors (party congress deputies,
    /// people's congress deputies, CPPCC members), so the set holds eleven sectors.
    public static let tenCategories: Set<Sector> = [
        .villagePartyBranch, .villagersCommittee, .supervisoryCommittee, .unitBasedInVillage,
        .partyCongressDeputy, .peoplesCongressDeputy, .cppccMember,
        .cooperative, .legalWorker, .villagerRepresentative, .veteranPartyMember,
    ]

    /// 镇、村民主协商议事会委员中党外人士不少于50% (001).
    private static let nonPartyShare = CompositionRule.share(ShareRule(
        id: RuleID.nonPartyShare, filter: .nonPartyMembers, threshold: .atLeast(50, 100),
        base: .standingMembers, source: "001"
    ))

    private static func oneChair(_ source: String) -> CompositionRule {
        .roleCount(RoleCountRule(id: RuleID.chairCount, role: .chair, range: .exactly(1), source: source))
    }

    private static func chairHeld(by post: Post, _ source: String) -> CompositionRule {
        .seatHolder(SeatHolderRule(id: RuleID.chairPost, role: .chair, post: post, source: source))
    }
}

extension CompositionRuleSet {
    /// 法定规则 — the default rules of `kind` that the Organic Law of Villagers' Committees
    /// itself sets (art. 25: 村民代表占村民代表会议组成人员的五分之四以上、妇女村民代表占三分之一以上,
    /// one representative per 5–15 households; art. 32: 村务监督委员会 members and their close
    /// relatives exclusion, its chair): no unit may disable or override them, they are
    /// locked everywhere (`rules.locked`, locked by "statute").
    public static func statutoryRuleIDs(for kind: CouncilKind) -> Set<String> {
        Set(defaults(for: kind).rules.filter { $0.source.contains("Organic Law art. 25") || $0.source.contains("Organic Law art. 32") }
            .map(\.id))
    }
}
