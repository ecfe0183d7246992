import Foundation
import Testing
@testable import AgendaRules

@Suite("Scale — 大事大议、小事小议、急事快议 (004) decides form, deadlines, lead time")
struct ScaleTests {
    @Test("defaults per scale")
    func defaults() {
        let rules = ScaleRules()
        #expect(rules[.big].defaultForm == .deliberation && rules[.big].planLeadDays == 7 && rules[.big].meetingDueDays == 30)
        #expect(rules[.small].defaultForm == .democraticTalk && rules[.small].planLeadDays == 3)
        #expect(rules[.urgent].planLeadDays == 0 && rules[.urgent].meetingDueDays == 3)
        #expect(rules.meetingDue(adoptedOn: LocalDate(2025, 3, 1), scale: .small) == LocalDate(2025, 3, 16))
        #expect(Scale.urgent.researchOptional && !Scale.big.researchOptional && !Scale.small.researchOptional)
    }

    /// 2025-03-03 09:00 Beijing time.
    static let published = ISO8601DateFormatter().date(from: "2025-03-03T09:00:00+08:00")!

    static func at(_ text: String) -> Date { ISO8601DateFormatter().date(from: text)! }

    @Test("a small topic's plan published 3 days ahead passes, 2 days ahead fails naming the days")
    func leadBoundary() {
        let policy = ScaleRules()[.small]
        #expect((try? PlanLeadTime.check(publishedAt: Self.published, meetingAt: Self.at("2025-03-06T08:00:00+08:00"), scale: .small, policy: policy)) != nil)
        do {
            try PlanLeadTime.check(publishedAt: Self.published, meetingAt: Self.at("2025-03-05T23:00:00+08:00"), scale: .small, policy: policy)
            Issue.record("accepted")
        } catch {
            #expect(error.rule == "plan.lead_time" && error.field == "meeting_at")
            #expect(error.messageEN.contains("at least 3 days") && error.messageEN.contains("2 days ahead"))
        }
    }

    @Test("days are local days in China: 23:30 UTC on the 2nd is already the 3rd")
    func localDays() {
        let policy = ScaleRules()[.small]
        let late = Self.at("2025-03-02T23:30:00Z")
        #expect(throws: DomainViolation.self) {
            try PlanLeadTime.check(publishedAt: late, meetingAt: Self.at("2025-03-05T10:00:00+08:00"), scale: .small, policy: policy)
        }
    }

    @Test("an urgent topic has no lead time, but its meeting cannot precede the plan")
    func urgent() {
        let policy = ScaleRules()[.big]
        #expect((try? PlanLeadTime.check(publishedAt: Self.published, meetingAt: Self.published.addingTimeInterval(3600), scale: .urgent, policy: policy)) != nil)
        do {
            try PlanLeadTime.check(publishedAt: Self.published, meetingAt: Self.published.addingTimeInterval(-60), scale: .urgent, policy: policy)
            Issue.record("accepted")
        } catch {
            #expect(error.rule == "plan.meeting_in_past")
        }
    }
}

@Suite("Annual plan — by quarter or month, progress against the plan (002)")
struct AnnualPlanTests {
    @Test("exactly one of quarter and month")
    func period() {
        #expect((try? PlanPeriod(quarter: 2, month: 0)) == .quarter(2))
        #expect((try? PlanPeriod(quarter: 0, month: 11)) == .month(11))
        for (quarter, month) in [(0, 0), (1, 1), (5, 0), (0, 13), (-1, 0)] {
            #expect(throws: DomainViolation.self) { try PlanPeriod(quarter: quarter, month: month) }
        }
    }

    @Test("a period ends on its last day; overdue from the day after, unless done")
    func progress() {
        #expect(PlanPeriod.quarter(1).lastDay(of: 2024) == LocalDate(2024, 3, 31))
        #expect(PlanPeriod.month(2).lastDay(of: 2024) == LocalDate(2024, 2, 29))
        let quarter = PlanPeriod.quarter(1)
        #expect(quarter.progress(of: .planned, year: 2025, today: LocalDate(2025, 3, 31)) == (false, false))
        #expect(quarter.progress(of: .planned, year: 2025, today: LocalDate(2025, 4, 1)) == (false, true))
        #expect(quarter.progress(of: .resolved, year: 2025, today: LocalDate(2025, 4, 1)) == (true, false))
    }
}
