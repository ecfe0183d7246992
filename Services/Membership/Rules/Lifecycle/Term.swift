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

    /// The next term, counted from this one's last day: the day a term 届满 is the (uncounted,
    /// art. 201) start day of the next, which is in office from the following day. So term
    /// after term ends on the same date (15 March 2026, 2031, 2036 …) and never drifts by a
    /// day, as it would if each were counted from the day after the last one's end.
    public var next: Term { Term(startsOn: lastDay, years: years) }
}

/// 任期年限 — how long a council's term is, per kind, as data (issue 8 §7). Every default is
/// the villagers' committee's five years (Organic Law art. 11, 2018 revision): the village
/// councils follow the committee (004: 协商会每届任期与村委会任期相同), the supervision
/// committee and the representatives serve as long as the committee (arts. 25, 32), and the
/// town council's term follows the town people's congress, also five years. A deployment
/// changes one with `TONGXIN_MEMBERSHIP_TERM_YEARS` (`{"townCouncil": 5}`).
public struct TermLengths: Sendable, Hashable, Codable {
    public var years: [CouncilKind: Int]

    public init(_ years: [CouncilKind: Int] = [:]) {
        self.years = years
    }

    /// The term of a council of `kind`, in years.
    public func years(for kind: CouncilKind) -> Int { max(1, years[kind] ?? Term.villagersCommitteeYears) }

    /// The term of `kind` beginning on `day`.
    public func term(_ kind: CouncilKind, startsOn day: LocalDate) -> Term { Term(startsOn: day, years: years(for: kind)) }
}
