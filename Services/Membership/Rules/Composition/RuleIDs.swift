/// 规则编号 — the stable ids of the default composition rules and of the structural
/// checks that always run. Clients key on these; never reword them.
public enum RuleID {
    public static let memberCount = "composition.member_count"
    public static let nonPartyShare = "composition.non_party_share"
    public static let cadreShare = "composition.cadre_share"
    public static let ordinaryMemberShare = "composition.ordinary_member_share"
    public static let representativeShare = "composition.representative_share"
    public static let womenRepresentativeShare = "composition.women_representative_share"
    public static let representativesPerGroup = "composition.representatives_per_group"
    public static let membersPerGroup = "composition.members_per_group"
    public static let householdsPerRepresentative = "composition.households_per_representative"
    public static let chairCount = "composition.role_count.chair"
    public static let honoraryChairCount = "composition.role_count.honorary_chair"
    public static let chairPost = "composition.seat_holder.chair"
    public static let honoraryChairPost = "composition.seat_holder.honorary_chair"
    public static let committeeDirectorIncluded = "composition.required_post.villagers_committee_director"
    public static let supervisoryDirectorIncluded = "composition.required_post.supervisory_committee_director"
    public static let fixedMemberSectors = "composition.fixed_member_sectors"
    public static let committeeKinExcluded = "composition.committee_kin_excluded"
    public static let residence = "composition.residence"

    /// Always checked: the roster is for another kind of council than the rules.
    public static let kindMismatch = "composition.kind_mismatch"
    /// Always checked: one person holds two standing seats.
    public static let duplicateMember = "composition.duplicate_member"
    /// Always checked: an ad-hoc member without a topic, or a topic on another seat.
    public static let adHocTopic = "composition.ad_hoc_topic"
}
