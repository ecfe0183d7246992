/// 议事机构类型 — the kinds of council in the seeds, each with its own composition rules
/// (DOMAIN.md §1; defaults in ``CompositionRuleSet/defaults(for:)``).
public enum CouncilKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// 镇民主协商议事会 — Linhai town council, 30–60 members (000/001).
    case townCouncil
    /// 村民主协商议事会 — Linhai village council, 20–50 members (000/001).
    case villageCouncil
    /// 村务民主协商会 "1+1+10+X" — the village plan's council (004).
    case villageAffairsCouncil
    /// 社区居民议事会 — community residents' council (003).
    case residentsCouncil
    /// 小区（院落）议事会 — compound council (003).
    case compoundCouncil
    /// 政协联络组+N — Fuquan's CPPCC liaison group plus invited members (002).
    case cppccLiaisonGroup
    /// 村民议事会 — Chengdu villagers' council (003).
    case villagersCouncil
    /// 村务监督委员会 — village affairs supervision committee (Organic Law art. 32; 003).
    case supervisionCommittee
    /// 村民代表会议 — villagers' representatives' meeting (Organic Law arts. 25–26).
    case villagersRepresentativesMeeting

    public var nameZH: String {
        switch self {
        case .townCouncil: "镇民主协商议事会"
        case .villageCouncil: "村民主协商议事会"
        case .villageAffairsCouncil: "村务民主协商会"
        case .residentsCouncil: "居民议事会"
        case .compoundCouncil: "小区议事会"
        case .cppccLiaisonGroup: "政协联络组+N"
        case .villagersCouncil: "村民议事会"
        case .supervisionCommittee: "村务监督委员会"
        case .villagersRepresentativesMeeting: "村民代表会议"
        }
    }

    public var nameEN: String {
        switch self {
        case .townCouncil: "town democratic consultation council"
        case .villageCouncil: "village democratic consultation council"
        case .villageAffairsCouncil: "village affairs consultation council (1+1+10+X)"
        case .residentsCouncil: "community residents' council"
        case .compoundCouncil: "compound council"
        case .cppccLiaisonGroup: "CPPCC liaison group + N"
        case .villagersCouncil: "villagers' council"
        case .supervisionCommittee: "village affairs supervision committee"
        case .villagersRepresentativesMeeting: "villagers' representatives' meeting"
        }
    }

    /// The level of unit a council of this kind belongs to.
    public var unitLevel: AdministrativeLevel {
        switch self {
        case .townCouncil, .cppccLiaisonGroup: .town
        case .compoundCouncil: .group
        default: .village
        }
    }
}
