/// The proportions the seeds and the statutes name, read the way the law reads them
/// (DOMAIN.md, "Reading thresholds and periods…"; Civil Code art. 1259: 以上 includes the
/// number, 超过 and 过半数 exclude it).
///
/// Agenda and session rules say these in words; a service names them here instead of
/// spelling the fraction again.
extension Threshold {
    /// 半数以上 — at least half: exactly 50% passes (以上 includes the number).
    public static let halfOrMore = Threshold.atLeast(1, 2)
    /// 过半数 — more than half: exactly 50% fails, one more passes.
    public static let majority = Threshold.moreThan(1, 2)
    /// 三分之二以上 — at least two thirds (a villagers' meeting quorum, Organic Law art. 22).
    public static let twoThirdsOrMore = Threshold.atLeast(2, 3)
    /// 百分之九十以上 — at least 90% (e.g. satisfaction with an implemented resolution).
    public static let ninetyPercentOrMore = Threshold.atLeast(90, 100)
    /// 三分之一以上 — at least one third (e.g. women among villagers' representatives,
    /// Organic Law art. 25).
    public static let oneThirdOrMore = Threshold.atLeast(1, 3)
}
