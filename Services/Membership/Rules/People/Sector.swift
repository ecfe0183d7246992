/// 界别 — the sector or organisation a member represents on a council.
///
/// Taken from the compositions in the seeds: the town council (000/001: 村组织、知联会、商会、
/// 在外代表人士、党代表、人大代表、政协委员、企事业单位、老干部), the Linhai village council
/// (001: 村党支部、村民委员会、村监会、综治、妇委会、团组织、老年协会、在外人士、老干部), the
/// 1+1+10+X fixed-member categories (004: 村党支部、村民委员会、村务监督委员会、驻村单位、两代表一委员、
/// 农民合作组织、法律工作者、村民代表、老党员) and its ad-hoc members (004: 利益群体代表、政府部门、专家).
/// A member has one primary sector; party membership and cadre status are separate
/// attributes of ``Person`` because rules count them across sectors.
public enum Sector: String, Sendable, Hashable, Codable, CaseIterable {
    /// 村组织 (town council, 000).
    case villageOrganization
    /// 村党组织 / 村党支部.
    case villagePartyBranch
    /// 村民委员会.
    case villagersCommittee
    /// 村务监督委员会 / 村监会.
    case supervisoryCommittee
    /// 综治组织.
    case comprehensiveGovernance
    /// 妇联 / 妇委会.
    case womensFederation
    /// 共青团 / 团组织.
    case youthLeague
    /// 老年协会.
    case elderlyAssociation
    /// 知联会 (党外知识分子联谊会).
    case intellectualsAssociation
    /// 商会.
    case chamberOfCommerce
    /// 党代表.
    case partyCongressDeputy
    /// 人大代表.
    case peoplesCongressDeputy
    /// 政协委员.
    case cppccMember
    /// 企事业单位.
    case enterpriseOrInstitution
    /// 驻村单位 (004).
    case unitBasedInVillage
    /// 老干部.
    case veteranCadre
    /// 威望高、办事公道的老党员 (004).
    case veteranPartyMember
    /// 村民代表.
    case villagerRepresentative
    /// 在外人士 / 本地在外代表人士.
    case outOfTownNative
    /// 法律工作者.
    case legalWorker
    /// 农民合作组织 / 合作社.
    case cooperative
    /// 专家学者、专业技术人员.
    case expert
    /// 政府相关职能部门.
    case governmentDepartment
    /// 利益群体代表 (ad-hoc, per topic; 004).
    case stakeholder
    /// 群众 / 社会各界 — anyone not in a listed sector.
    case resident

    public var nameZH: String {
        switch self {
        case .villageOrganization: "村组织"
        case .villagePartyBranch: "村党组织"
        case .villagersCommittee: "村民委员会"
        case .supervisoryCommittee: "村务监督委员会"
        case .comprehensiveGovernance: "综治组织"
        case .womensFederation: "妇联"
        case .youthLeague: "共青团"
        case .elderlyAssociation: "老年协会"
        case .intellectualsAssociation: "知联会"
        case .chamberOfCommerce: "商会"
        case .partyCongressDeputy: "党代表"
        case .peoplesCongressDeputy: "人大代表"
        case .cppccMember: "政协委员"
        case .enterpriseOrInstitution: "企事业单位"
        case .unitBasedInVillage: "驻村单位"
        case .veteranCadre: "老干部"
        case .veteranPartyMember: "老党员"
        case .villagerRepresentative: "村民代表"
        case .outOfTownNative: "在外人士"
        case .legalWorker: "法律工作者"
        case .cooperative: "合作社"
        case .expert: "专家"
        case .governmentDepartment: "政府部门"
        case .stakeholder: "利益群体代表"
        case .resident: "群众"
        }
    }

    public var nameEN: String {
        switch self {
        case .villageOrganization: "village organisation"
        case .villagePartyBranch: "village party branch"
        case .villagersCommittee: "villagers' committee"
        case .supervisoryCommittee: "village affairs supervision committee"
        case .comprehensiveGovernance: "comprehensive governance"
        case .womensFederation: "women's federation"
        case .youthLeague: "youth league"
        case .elderlyAssociation: "elderly association"
        case .intellectualsAssociation: "non-party intellectuals' association"
        case .chamberOfCommerce: "chamber of commerce"
        case .partyCongressDeputy: "party congress deputy"
        case .peoplesCongressDeputy: "people's congress deputy"
        case .cppccMember: "CPPCC member"
        case .enterpriseOrInstitution: "enterprise or institution"
        case .unitBasedInVillage: "unit based in the village"
        case .veteranCadre: "veteran cadre"
        case .veteranPartyMember: "veteran party member"
        case .villagerRepresentative: "villager representative"
        case .outOfTownNative: "native living elsewhere"
        case .legalWorker: "legal worker"
        case .cooperative: "farmers' cooperative"
        case .expert: "expert"
        case .governmentDepartment: "government department"
        case .stakeholder: "affected stakeholder"
        case .resident: "resident"
        }
    }
}
