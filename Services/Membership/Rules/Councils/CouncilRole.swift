/// 议事会角色 — the seat a member holds on a council (DOMAIN.md §1, "Roles inside a council").
///
/// Which seats count for which rule (``MemberBase``):
/// - standing seats — honorary chair, chair, office, supervision group, fixed member —
///   make up the council's members (委员/成员) for size and share rules;
/// - fixed-member rules (004: 固定成员) count the standing seats except the honorary
///   chair and the chair: "1+1+10+X" is a sum of disjoint parts — 1 honorary chair, 1 chair,
///   the fixed members drawn from the 10 categories, X ad-hoc members — so "固定成员总数原则上
///   为20—30人" and "基层干部一般不超过协商会固定成员总数的1/3" count the "10" part only;
/// - ad-hoc members (X, per topic) and observers never count toward composition.
public enum CouncilRole: String, Sendable, Hashable, Codable, CaseIterable {
    /// 主任 / 会长 / 召集人.
    case chair
    /// 名誉主任 / 名誉会长 (004: the town leader responsible for the village).
    case honoraryChair
    /// 办公室 — runs meetings and the platform (000/001).
    case office
    /// 监督组 — supervises the whole process (000/001).
    case supervisionGroup
    /// 固定成员.
    case fixedMember
    /// 列席/特邀成员 — the "X" of 1+1+10+X: joins for one topic and leaves with it (004).
    case adHocMember
    /// 旁听 — attends without a seat.
    case observer

    /// Whether the seat is a standing one (counted as a council member).
    public var isStanding: Bool {
        switch self {
        case .chair, .honoraryChair, .office, .supervisionGroup, .fixedMember: true
        case .adHocMember, .observer: false
        }
    }

    /// Whether the seat counts as a fixed member (004's 固定成员): neither of the two "1"s
    /// of "1+1+10+X" (``MemberBase/fixedMembers``).
    public var isFixed: Bool { isStanding && self != .honoraryChair && self != .chair }

    public var nameZH: String {
        switch self {
        case .chair: "主任"
        case .honoraryChair: "名誉主任"
        case .office: "办公室"
        case .supervisionGroup: "监督组"
        case .fixedMember: "固定成员"
        case .adHocMember: "列席/特邀成员"
        case .observer: "旁听"
        }
    }

    public var nameEN: String {
        switch self {
        case .chair: "chair"
        case .honoraryChair: "honorary chair"
        case .office: "office"
        case .supervisionGroup: "supervision group"
        case .fixedMember: "fixed member"
        case .adHocMember: "ad-hoc member"
        case .observer: "observer"
        }
    }
}
