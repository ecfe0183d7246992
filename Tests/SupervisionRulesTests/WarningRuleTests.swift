import SupervisionRules
import Testing

/// Each default warning rule at its boundary (issue 11 §4: red = past deadline or a
/// dissatisfied majority; yellow = a milestone late or no progress report in 30 days).
@Suite("Warning rules")
struct WarningRuleTests {
    let rules = WarningRules.default
    let opened = LocalDate(2025, 3, 1)

    func running(deadline: LocalDate? = LocalDate(2025, 6, 30), milestone: LocalDate? = nil, lastProgress: LocalDate? = nil,
                 state: CaseState = .inProgress, feedback: FeedbackCounts = .init()) -> CaseFacts {
        CaseFacts(state: state, openedOn: opened, assignedOn: LocalDate(2025, 3, 2), deadline: deadline,
                  earliestOutstandingMilestone: milestone, lastProgressOn: lastProgress, feedback: feedback)
    }

    @Test("on the deadline day a case is not late; the day after it is red")
    func deadlineBoundary() {
        let facts = running(lastProgress: LocalDate(2025, 6, 20))
        #expect(rules.assess(facts, on: LocalDate(2025, 6, 30)).level == .green)
        let after = rules.assess(facts, on: LocalDate(2025, 7, 1))
        #expect(after.level == .red)
        #expect(after.reasons.map(\.rule) == ["red.past_deadline"])
        #expect(after.reasons.first?.zh.contains("逾期 1 天") == true)
    }

    @Test("a completed case is never late, whatever its deadline")
    func completedNotLate() {
        let facts = running(lastProgress: LocalDate(2025, 6, 20), state: .completed)
        #expect(rules.assess(facts, on: LocalDate(2025, 12, 31)).level == .green)
    }

    @Test("exactly half dissatisfied is not a majority (过半数); one more is red")
    func dissatisfiedMajority() {
        let today = LocalDate(2025, 6, 1)
        let half = running(state: .completed, feedback: FeedbackCounts(satisfied: 1, basicallySatisfied: 1, dissatisfied: 2))
        #expect(rules.assess(half, on: today).level == .green)
        let majority = running(state: .completed, feedback: FeedbackCounts(satisfied: 1, basicallySatisfied: 1, dissatisfied: 3))
        let assessment = rules.assess(majority, on: today)
        #expect(assessment.level == .red)
        #expect(assessment.reasons.map(\.rule) == ["red.dissatisfied_majority"])
        #expect(assessment.reasons.first?.zh.contains("3/5") == true)
    }

    @Test("no rating at all is not a dissatisfied majority")
    func noRatings() {
        #expect(rules.assess(running(state: .completed), on: LocalDate(2025, 6, 1)).level == .green)
    }

    @Test("a milestone is late the day after its due day, not on it")
    func milestoneBoundary() {
        let facts = running(milestone: LocalDate(2025, 4, 15), lastProgress: LocalDate(2025, 4, 10))
        #expect(rules.assess(facts, on: LocalDate(2025, 4, 15)).level == .green)
        let late = rules.assess(facts, on: LocalDate(2025, 4, 16))
        #expect(late.level == .yellow)
        #expect(late.reasons.map(\.rule) == ["yellow.milestone_late"])
    }

    @Test("30 days without a progress report is still green, the 31st is yellow")
    func silenceBoundary() {
        let facts = running(lastProgress: LocalDate(2025, 4, 1))
        #expect(rules.assess(facts, on: LocalDate(2025, 5, 1)).level == .green)  // 30 days
        let silent = rules.assess(facts, on: LocalDate(2025, 5, 2))  // 31 days
        #expect(silent.level == .yellow)
        #expect(silent.reasons.map(\.rule) == ["yellow.no_progress_30_days"])
    }

    @Test("silence counts from the assignment when nothing was reported, and from the opening while unassigned")
    func silenceOrigin() {
        let assigned = running(lastProgress: nil)  // assigned 2025-03-02
        #expect(rules.assess(assigned, on: LocalDate(2025, 4, 1)).level == .green)  // 30 days
        #expect(rules.assess(assigned, on: LocalDate(2025, 4, 2)).level == .yellow)
        let open = CaseFacts(state: .open, openedOn: opened)
        #expect(rules.assess(open, on: LocalDate(2025, 3, 31)).level == .green)  // 30 days
        #expect(rules.assess(open, on: LocalDate(2025, 4, 1)).level == .yellow)
    }

    @Test("red wins over yellow and every rule that holds is given, red first")
    func worstWins() {
        let facts = running(deadline: LocalDate(2025, 4, 30), milestone: LocalDate(2025, 4, 1), lastProgress: LocalDate(2025, 3, 1))
        let assessment = rules.assess(facts, on: LocalDate(2025, 5, 5))
        #expect(assessment.level == .red)
        #expect(assessment.reasons.map(\.rule) == ["red.past_deadline", "yellow.milestone_late", "yellow.no_progress_30_days"])
    }

    @Test("the level alone (what county-wide reports compute) always equals the full assessment's")
    func levelMatchesAssessment() {
        let states: [CaseState] = [.open, .inProgress, .completed]
        for state in states {
            for offset in stride(from: -5, through: 130, by: 5) {
                let day = LocalDate(2025, 3, 1).adding(days: offset)
                for ratings in [FeedbackCounts(), FeedbackCounts(satisfied: 1, dissatisfied: 2)] {
                    let facts = running(milestone: LocalDate(2025, 4, 15), lastProgress: LocalDate(2025, 4, 1), state: state, feedback: ratings)
                    #expect(rules.level(facts, on: day) == rules.assess(facts, on: day).level, "\(state) \(day)")
                }
            }
        }
    }

    @Test("rules are data: a deployment's grace days and thresholds move the boundaries")
    func rulesAsData() throws {
        let lenient = WarningRules(rules: [
            WarningRule(id: "red.late", level: .red, trigger: .pastDeadline(graceDays: 7)),
            WarningRule(id: "yellow.unhappy", level: .yellow, trigger: .dissatisfied(threshold: .atLeast(1, 3))),
        ])
        let facts = running(lastProgress: LocalDate(2025, 1, 1))
        #expect(lenient.assess(facts, on: LocalDate(2025, 7, 7)).level == .green)
        #expect(lenient.assess(facts, on: LocalDate(2025, 7, 8)).level == .red)
        let unhappy = running(state: .completed, feedback: FeedbackCounts(satisfied: 2, dissatisfied: 1))
        #expect(lenient.assess(unhappy, on: LocalDate(2025, 5, 1)).level == .yellow)
        // And they travel as JSON.
        let data = try JSONEncoder().encode(lenient)
        #expect(try JSONDecoder().decode(WarningRules.self, from: data) == lenient)
    }
}

import Foundation
