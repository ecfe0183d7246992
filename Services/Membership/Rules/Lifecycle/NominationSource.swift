/// 提名来源 — who proposed a member: what an auditor checks first (issue 8 §9).
///
/// 004: 村民代表以村民小组为单位推荐…其他成员由村党组织推荐; people also put themselves
/// forward (个人自荐), and a town or county office proposes its own people (上级推荐: the
/// honorary chair, the town council's chair). Stored as the codes below
/// (`membership.seats.source`, `NominationSource` of membership.proto); 0 is "not recorded"
/// (seats from before issue 8, and ad-hoc members and observers, who are invited, not nominated).
public enum NominationSource: String, Sendable, Hashable, Codable, CaseIterable {
    /// 未记录.
    case unrecorded
    /// 村民小组推荐.
    case villagerGroup
    /// 村党组织推荐.
    case partyOrganisation
    /// 个人自荐.
    case selfNomination
    /// 上级推荐.
    case higherLevel

    public var code: Int {
        switch self {
        case .unrecorded: 0
        case .villagerGroup: 1
        case .partyOrganisation: 2
        case .selfNomination: 3
        case .higherLevel: 4
        }
    }

    public init?(code: Int) {
        guard let source = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = source
    }

    public var nameZH: String {
        switch self {
        case .unrecorded: "未记录"
        case .villagerGroup: "村民小组推荐"
        case .partyOrganisation: "村党组织推荐"
        case .selfNomination: "个人自荐"
        case .higherLevel: "上级推荐"
        }
    }

    /// Whether a seat of `role` must say where its nomination came from: every standing seat
    /// (published for 公示); ad-hoc members and observers are invited for a topic or a sitting.
    public static func isRequired(for role: CouncilRole) -> Bool { role.isStanding }
}
