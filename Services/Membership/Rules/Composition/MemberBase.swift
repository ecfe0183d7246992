/// 计算基数 — which members a composition rule counts against.
///
/// Decided from the wording of each source:
/// - `standingMembers` — 委员/成员: every standing seat (chair, honorary chair, office,
///   supervision group, fixed member). Linhai's "委员中党外人士不少于50%" and "30—60人"
///   (000/001), Chengdu's "20-50人" and "不低于50%" (003), the supervision committee's
///   "3-7人" (003) and the representatives' meeting's "组成人员" (art. 25) count these.
/// - `fixedMembers` — 固定成员 (004): the standing seats except the honorary chair, who is
///   the town leader attached to the village ("1+1+10+X": the first 1). 004's "固定成员
///   总数原则上为20—30人" and "基层干部一般不超过协商会固定成员总数的1/3" count these.
///
/// Ad-hoc members (X) and observers are in neither base: they come and go with a topic.
public enum MemberBase: String, Sendable, Hashable, Codable, CaseIterable {
    case standingMembers
    case fixedMembers

    /// Whether a seat of `role` is counted in this base.
    public func includes(_ role: CouncilRole) -> Bool {
        switch self {
        case .standingMembers: role.isStanding
        case .fixedMembers: role.isFixed
        }
    }

    public var nameZH: String { self == .standingMembers ? "成员" : "固定成员" }
    public var nameEN: String { self == .standingMembers ? "members" : "fixed members" }
}
