/// What the warning rules read of one case, as of one day: the facts the database holds,
/// reduced to the few figures the rules compare (the core computes them in SQL, as of any
/// instant, so a past quarter's levels are recomputed from what was recorded by then).
public struct CaseFacts: Sendable, Hashable {
    public var state: CaseState
    /// The day the case was opened from its filing.
    public var openedOn: LocalDate
    /// The day the two committees assigned it (nil while open).
    public var assignedOn: LocalDate?
    /// 办结期限 (nil while open).
    public var deadline: LocalDate?
    /// The earliest due date of a milestone not yet done (nil: none outstanding).
    public var earliestOutstandingMilestone: LocalDate?
    /// The date of the latest progress report (nil: none yet).
    public var lastProgressOn: LocalDate?
    public var feedback: FeedbackCounts

    public init(
        state: CaseState, openedOn: LocalDate, assignedOn: LocalDate? = nil, deadline: LocalDate? = nil,
        earliestOutstandingMilestone: LocalDate? = nil, lastProgressOn: LocalDate? = nil, feedback: FeedbackCounts = .init()
    ) {
        self.state = state
        self.openedOn = openedOn
        self.assignedOn = assignedOn
        self.deadline = deadline
        self.earliestOutstandingMilestone = earliestOutstandingMilestone
        self.lastProgressOn = lastProgressOn
        self.feedback = feedback
    }

    /// The day silence is counted from: the latest report, else the assignment, else the opening.
    public var silentSince: LocalDate { lastProgressOn ?? assignedOn ?? openedOn }
}

/// 评议结果 — the ratings residents gave one case.
public struct FeedbackCounts: Sendable, Hashable, Codable {
    public var satisfied: Int
    public var basicallySatisfied: Int
    public var dissatisfied: Int

    public init(satisfied: Int = 0, basicallySatisfied: Int = 0, dissatisfied: Int = 0) {
        self.satisfied = satisfied
        self.basicallySatisfied = basicallySatisfied
        self.dissatisfied = dissatisfied
    }

    public var total: Int { satisfied + basicallySatisfied + dissatisfied }
}
