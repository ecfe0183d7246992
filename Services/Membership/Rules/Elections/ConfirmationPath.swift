/// 产生方式 — how a council's members come to hold their seats, per kind (issue 8 §8).
///
/// The consultation councils are confirmed by the party organisation after 公示 (004:
/// 协商会成员公示5天后，经村党组织研究并最终确定). The statutory bodies are elected instead:
/// the village affairs supervision committee is 由村民会议或者村民代表会议在村民中推选产生
/// (Organic Law art. 32; 003: 由村民(代表)会议民主推选产生), and villager representatives are
/// 推选 by the villagers (art. 25). For them an ``Election`` is the confirmation; its results
/// are still published for 公示 before the body is constituted.
public enum ConfirmationPath: String, Sendable, Hashable, Codable, CaseIterable {
    /// 党组织研究确定 after 公示.
    case partyOrganisation
    /// 推选 by the villagers' assembly or representatives' meeting, results published.
    case election

    public static func of(_ kind: CouncilKind) -> ConfirmationPath {
        switch kind {
        case .supervisionCommittee, .villagersRepresentativesMeeting: .election
        default: .partyOrganisation
        }
    }
}

/// 推选机构 — the body that holds an election (Organic Law arts. 21–26). Stored as the codes
/// below (`membership.elections.body`, `ElectingBody` of membership.proto).
public enum ElectingBody: String, Sendable, Hashable, Codable, CaseIterable {
    /// 村民会议 — villagers aged 18+ (art. 21).
    case villagersAssembly
    /// 村民代表会议 (art. 25).
    case representativesMeeting

    public var code: Int {
        switch self {
        case .villagersAssembly: 1
        case .representativesMeeting: 2
        }
    }

    public init?(code: Int) {
        guard let body = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = body
    }

    /// 法定人数: 村民会议 有本村十八周岁以上村民的过半数 参加 (art. 22); 村民代表会议 有组成人员
    /// 三分之二以上 参加 (art. 26).
    public var quorum: Threshold {
        switch self {
        case .villagersAssembly: .majority
        case .representativesMeeting: .twoThirdsOrMore
        }
    }

    public var nameZH: String { self == .villagersAssembly ? "村民会议" : "村民代表会议" }
    public var nameEN: String { self == .villagersAssembly ? "villagers' assembly" : "villagers' representatives' meeting" }
}

extension ConfirmationPath {
    /// 当然成员 — whether someone holding `posts` sits on a council of `kind` by office rather
    /// than by this body's election: 村民代表会议由村民委员会成员和村民代表组成 (art. 25), so the
    /// villagers' committee's members, elected at the committee's own election, sit on the
    /// representatives' meeting without being elected to it; only the representatives are.
    public static func sitsExOfficio(_ kind: CouncilKind, posts: Set<Post>) -> Bool {
        kind == .villagersRepresentativesMeeting && posts.contains(where: \.isVillagersCommitteeMembership)
    }
}
