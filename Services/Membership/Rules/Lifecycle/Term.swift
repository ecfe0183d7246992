/// 任期 — a council's or committee's term of office.
///
/// The villagers' committee serves five years (Organic Law art. 11, 2018 revision), and a
/// council's term equals the committee's: after the committee's election the fixed members
/// are re-confirmed (004: 协商会每届任期与村委会任期相同). A council therefore takes the
/// committee's `Term` as its own rather than counting one of its own.
///
/// Counted as the Civil Code counts years (arts. 201–202): the first day is not counted,
/// and the last day is the corresponding date `years` later (29 February → 28 February).
/// The term is in office through that whole day (届满 includes the day). No holiday shift:
/// art. 203 protects someone who must act before a deadline, and a term is not one.
public struct Term: Sendable, Hashable, Codable {
    /// 五年 (art. 11).
    public static let villagersCommitteeYears = 5

    /// The day the term began (the election or confirmation day).
    public let startsOn: LocalDate
    public let years: Int

    public init(startsOn: LocalDate, years: Int = Term.villagersCommitteeYears) {
        precondition(years >= 1, "a term lasts at least a year")
        self.startsOn = startsOn
        self.years = years
    }

    /// 届满日 — the last day in office.
    public var lastDay: LocalDate { startsOn.adding(years: years) }

    /// Whether `day` is within the term (start day through last day).
    public func isCurrent(on day: LocalDate) -> Bool { day >= startsOn && day <= lastDay }

    /// Whether the term is over on `day` (届满 has passed).
    public func hasExpired(on day: LocalDate) -> Bool { day > lastDay }

    /// The next term, beginning on the day after this one's last day.
    public var next: Term { Term(startsOn: lastDay.adding(days: 1), years: years) }
}
