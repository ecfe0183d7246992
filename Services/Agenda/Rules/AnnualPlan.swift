/// 年度协商计划 (002: 党委定题、政府交题、政协选题，制定年度协商计划): topics scheduled by
/// quarter or month, with progress against the plan.
public enum PlanPeriod: Sendable, Hashable {
    case quarter(Int)
    case month(Int)

    /// Exactly one of quarter (1–4) and month (1–12); `plan.period` otherwise.
    public init(quarter: Int, month: Int) throws(DomainViolation) {
        switch (quarter, month) {
        case (1...4, 0): self = .quarter(quarter)
        case (0, 1...12): self = .month(month)
        default:
            throw DomainViolation(
                rule: "plan.period", field: "quarter",
                zh: "须给出季度（1–4）或月份（1–12）之一", en: "give exactly one of quarter (1–4) and month (1–12)")
        }
    }

    /// The last day of the period in `year`.
    public func lastDay(of year: Int) -> LocalDate {
        let month: Int
        switch self {
        case .quarter(let quarter): month = quarter * 3
        case .month(let value): month = value
        }
        return LocalDate(year, month, LocalDate.daysInMonth(year: year, month: month))
    }

    /// Progress of a topic scheduled in this period: done once it has a meeting outcome,
    /// overdue once the period is over (after its last day) without one.
    public func progress(of state: TopicState, year: Int, today: LocalDate) -> (done: Bool, overdue: Bool) {
        let done = state.hasOutcome
        return (done, !done && today > lastDay(of: year))
    }
}
