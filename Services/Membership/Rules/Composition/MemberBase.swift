/// 计算基数 — which members a composition rule counts against.
///
/// Decided from the wording of each source:
/// - `standingMembers` — 委员/成员: every standing seat (chair, honorary chair, office,
///   supervision group, fixed member). Linhai's "委员中党外人士不少于50%" and "30—60人"
///   (000/001), Chengdu's "20-50人" and "不低于50%" (003), the supervision committee's
///   "3-7人" (003) and the representatives' meeting's "组成人员" (art. 25) count these.
/// - `fixedMembers` — 固定成员 (004): the standing seats except the honorary chair and the
///   chair. 004 writes the council as the sum "1+1+10+X": 设1名名誉会长 (the town leader
///   attached to the village), 设1名会长 (the village party secretary), 固定成员 from the 10
///   categories, and X members per topic. A sum names disjoint parts, and the text introduces
///   the fixed members only after both chairs, as the third part; so "固定成员总数原则上为
///   20—30人" and "基层干部一般不超过协商会固定成员总数的1/3" count the third part — a council
///   of 30 fixed members has 32 standing seats, and the chair (a cadre) is not one of the
///   30 the 1/3 is taken of. The directors 004 requires among the fixed members
///   (村委会主任、村监委会主任应纳入到民主协商会固定成员当中) are other people than the chair.
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
