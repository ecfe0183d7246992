/// 职务 — an office a person holds outside the council that a seat rule names.
///
/// The seeds bind council seats to offices: the town council chair is the town party
/// committee's deputy secretary (000/001); the village council chair is the village party
/// secretary (000/001/004); the 1+1+10+X honorary chair is the town leader responsible for
/// the village (镇包村领导, 004); the villagers' committee director and the supervision
/// committee director must be fixed members (004); villagers' committee members may not
/// sit on the supervision committee (Organic Law art. 32).
public enum Post: String, Sendable, Hashable, Codable, CaseIterable {
    /// 镇党委副书记.
    case townDeputyPartySecretary
    /// 镇包村领导.
    case townLeaderForVillage
    /// 村党组织书记.
    case villagePartySecretary
    /// 村党组织委员 (a member of the party organisation's committee other than the secretary).
    case villagePartyBranchMember
    /// 村民委员会主任.
    case villagersCommitteeDirector
    /// 村民委员会委员 (other than the director).
    case villagersCommitteeMember
    /// 村务监督委员会主任.
    case supervisoryCommitteeDirector
    /// 社区党组织书记.
    case communityPartySecretary
    /// 政协联络组组长 (002).
    case cppccLiaisonGroupLeader

    public var nameZH: String {
        switch self {
        case .townDeputyPartySecretary: "镇党委副书记"
        case .townLeaderForVillage: "镇包村领导"
        case .villagePartySecretary: "村党组织书记"
        case .villagePartyBranchMember: "村党组织委员"
        case .villagersCommitteeDirector: "村委会主任"
        case .villagersCommitteeMember: "村委会委员"
        case .supervisoryCommitteeDirector: "村监委会主任"
        case .communityPartySecretary: "社区党组织书记"
        case .cppccLiaisonGroupLeader: "政协联络组组长"
        }
    }

    public var nameEN: String {
        switch self {
        case .townDeputyPartySecretary: "deputy party secretary of the town"
        case .townLeaderForVillage: "town leader responsible for the village"
        case .villagePartySecretary: "village party secretary"
        case .villagePartyBranchMember: "member of the village party committee"
        case .villagersCommitteeDirector: "villagers' committee director"
        case .villagersCommitteeMember: "villagers' committee member"
        case .supervisoryCommitteeDirector: "supervision committee director"
        case .communityPartySecretary: "community party secretary"
        case .cppccLiaisonGroupLeader: "CPPCC liaison group leader"
        }
    }

    /// Whether holding this post makes a person a member of the villagers' committee.
    public var isVillagersCommitteeMembership: Bool {
        self == .villagersCommitteeDirector || self == .villagersCommitteeMember
    }

    /// Whether holding this post makes a person a member of the village party organisation's committee.
    public var isPartyBranchCommitteeMembership: Bool {
        self == .villagePartySecretary || self == .villagePartyBranchMember || self == .communityPartySecretary
    }

    /// Whether holding this post makes a person a grassroots cadre (基层干部): a member of the
    /// villagers' committee or of the party organisation's committee is one, whatever the
    /// person's `grassroots_cadre` flag says (issue 8 §5: 004's 1/3 cap counts them).
    public var makesGrassrootsCadre: Bool { isVillagersCommitteeMembership || isPartyBranchCommitteeMembership }
}
