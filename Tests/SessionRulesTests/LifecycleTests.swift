import Foundation
import Testing
@testable import SessionRules

@Suite("Meetings, votes and results — the state machines")
struct LifecycleTests {
    let quorate = QuorumRule.majorityOfFixedMembers.evaluate(QuorumCounts(fixedMembers: 9, fixedMembersPresent: 5))
    let notQuorate = QuorumRule.majorityOfFixedMembers.evaluate(QuorumCounts(fixedMembers: 9, fixedMembersPresent: 4))

    @Test("opening: quorate opens; without quorum only as an information session, which takes no decision")
    func opening() throws {
        #expect(try MeetingLifecycle.open(quorum: quorate, informationSession: false) == .open)
        #expect(try MeetingLifecycle.open(quorum: quorate, informationSession: true) == .open)
        #expect(try MeetingLifecycle.open(quorum: notQuorate, informationSession: true) == .informationSession)
        do {
            _ = try MeetingLifecycle.open(quorum: notQuorate, informationSession: false)
            Issue.record("opened without quorum")
        } catch {
            #expect(error.rule == "meeting.no_quorum" && error.messageZH.contains("4/9"))
        }
        #expect(throws: DomainViolation.self) { try MeetingLifecycle.decide(.informationSession, quorum: notQuorate) }
        #expect(throws: DomainViolation.self) { try MeetingLifecycle.decide(.scheduled, quorum: quorate) }
        #expect(throws: DomainViolation.self) { try MeetingLifecycle.decide(.closed, quorum: quorate) }
        try MeetingLifecycle.decide(.open, quorum: quorate)
        #expect(throws: DomainViolation.self) { try MeetingLifecycle.transition(from: .closed, to: .open) }
        #expect(throws: DomainViolation.self) { try MeetingLifecycle.checkIn(.closed) }
    }

    @Test("votes: no ballot after the close; a secret ballot is never changeable")
    func votes() throws {
        try VoteLifecycle.cast(.open)
        #expect(throws: DomainViolation.self) { try VoteLifecycle.cast(.closed) }
        try VoteLifecycle.configure(method: .open, changeable: true)
        try VoteLifecycle.configure(method: .secret, changeable: false)
        #expect(throws: DomainViolation.self) { try VoteLifecycle.configure(method: .secret, changeable: true) }
    }

    static let publishedAt = ISO8601DateFormatter().date(from: "2025-03-03T10:00:00+08:00")!

    @Test("the notice period: 5 days from 3 March run through 8 March; filing only after, with no open objection")
    func filing() throws {
        let period = try PublicationPolicy().period(publishedAt: Self.publishedAt, days: 0)
        #expect(period.days == 5 && period.lastDay == LocalDate(2025, 3, 8))
        let lastMinute = ISO8601DateFormatter().date(from: "2025-03-08T23:59:59+08:00")!
        let after = ISO8601DateFormatter().date(from: "2025-03-09T00:00:00+08:00")!
        #expect(throws: DomainViolation.self) { try ResultLifecycle.file(.published, period: period, openObjections: 0, at: lastMinute) }
        #expect(throws: DomainViolation.self) { try ResultLifecycle.file(.published, period: period, openObjections: 1, at: after) }
        try ResultLifecycle.file(.published, period: period, openObjections: 0, at: after)
        #expect(throws: DomainViolation.self) { try ResultLifecycle.file(.draft, period: nil, openObjections: 0, at: after) }
        do {
            try ResultLifecycle.file(.filed, period: period, openObjections: 0, at: after)
        } catch {
            #expect(error.rule == "result.filed")
        }
        // Objections only during the period.
        try ResultLifecycle.object(.published, period: period, at: lastMinute)
        #expect(throws: DomainViolation.self) { try ResultLifecycle.object(.published, period: period, at: after) }
        #expect(throws: DomainViolation.self) { try ResultLifecycle.object(.draft, period: nil, at: lastMinute) }
    }

    @Test("a last day on a holiday moves past it (Civil Code art. 203)")
    func holidays() throws {
        let calendar = HolidayCalendar().adding(LocalDate(2025, 3, 8)...LocalDate(2025, 3, 9))
        let period = try PublicationPolicy(holidays: calendar).period(publishedAt: Self.publishedAt, days: 5)
        #expect(period.lastDay == LocalDate(2025, 3, 10))
        #expect(throws: DomainViolation.self) { try PublicationPolicy().period(publishedAt: Self.publishedAt, days: 61) }
    }

    @Test("a filed result is immutable; a published one changes only after an upheld objection")
    func amending() throws {
        try ResultLifecycle.amend(.draft)
        #expect(throws: DomainViolation.self) { try ResultLifecycle.amend(.published) }
        do {
            try ResultLifecycle.amend(.filed)
            Issue.record("amended a filed result")
        } catch {
            #expect(error.rule == "result.filed")
        }
        #expect(try ResultLifecycle.publish(.draft))
        #expect(try !ResultLifecycle.publish(.published))
        #expect(throws: DomainViolation.self) { try ResultLifecycle.publish(.filed) }
    }
}

@Suite("Rounds and escalation — the Organic Law's bodies")
struct RoundTests {
    @Test("not reached: a further round until the last allowed, then the topic escalates")
    func rounds() throws {
        let policy = RoundPolicy(maxRounds: 2)
        #expect(try Rounds.after(round: 1, outcome: .notReached, body: nil, policy: policy) == .nextRound(2))
        #expect(try Rounds.after(round: 2, outcome: .notReached, body: nil, policy: policy) == .escalate(.villagersAssembly))
        #expect(try Rounds.after(round: 2, outcome: .notReached, body: .representativesMeeting, policy: policy) == .escalate(.representativesMeeting))
        #expect(try Rounds.after(round: 1, outcome: .consensus, body: nil, policy: policy) == .resolved)
        #expect(try Rounds.after(round: 1, outcome: .escalate, body: .representativesMeeting, policy: policy) == .escalate(.representativesMeeting))
        #expect(throws: DomainViolation.self) { try Rounds.after(round: 1, outcome: .escalate, body: .consultation, policy: policy) }
    }

    @Test("the assembly is called 10 days ahead: called 1 March, it sits 11 March at the earliest")
    func assemblyNotice() throws {
        let rules = BodyRules.of(.villagersAssembly)
        #expect(rules.earliestMeetingDay(calledOn: LocalDate(2025, 3, 1)) == LocalDate(2025, 3, 11))
        try rules.checkNotice(calledOn: LocalDate(2025, 3, 1), meetingOn: LocalDate(2025, 3, 11))
        #expect(throws: DomainViolation.self) { try rules.checkNotice(calledOn: LocalDate(2025, 3, 1), meetingOn: LocalDate(2025, 3, 10)) }
        try BodyRules.of(.representativesMeeting).checkNotice(calledOn: LocalDate(2025, 3, 1), meetingOn: LocalDate(2025, 3, 1))
        #expect(rules.decision == .majorityOfPresent)
        #expect(BodyRules.of(.representativesMeeting).quorum == .representativesMeeting)
    }
}

@Suite("Democracy days — a day a month, in the unit's calendar")
struct DemocracyDayTests {
    @Test("the 15th of every month; the 31st is the last day of short months")
    func dayOfMonth() {
        #expect(DemocracyDayRule.dayOfMonth(15).days(in: 2025).map(\.day) == Array(repeating: 15, count: 12))
        let last = DemocracyDayRule.dayOfMonth(31).days(in: 2024)
        #expect(last[1] == LocalDate(2024, 2, 29) && last[3] == LocalDate(2024, 4, 30) && last[0] == LocalDate(2024, 1, 31))
        #expect(DemocracyDayRule.dayOfMonth(15).descriptionZH == "每月15日")
    }

    @Test("the first Monday: 2025-03-03, 2025-04-07, 2025-09-01; the last Friday of February 2025 is the 28th")
    func weekdays() {
        let firstMonday = DemocracyDayRule.nthWeekday(week: 1, weekday: 1)
        #expect(firstMonday.day(year: 2025, month: 3) == LocalDate(2025, 3, 3))
        #expect(firstMonday.day(year: 2025, month: 4) == LocalDate(2025, 4, 7))
        #expect(firstMonday.day(year: 2025, month: 9) == LocalDate(2025, 9, 1))
        #expect(firstMonday.descriptionZH == "每月第一个星期一")
        #expect(DemocracyDayRule.lastWeekday(5).day(year: 2025, month: 2) == LocalDate(2025, 2, 28))
        #expect(DemocracyDayRule.nthWeekday(week: 4, weekday: 7).day(year: 2025, month: 3) == LocalDate(2025, 3, 23))
        #expect(firstMonday.isDemocracyDay(LocalDate(2025, 3, 3)) && !firstMonday.isDemocracyDay(LocalDate(2025, 3, 10)))
    }

    @Test("the coming days from a date, across the year's end")
    func upcoming() {
        let rule = DemocracyDayRule.dayOfMonth(15)
        #expect(rule.upcoming(from: LocalDate(2025, 11, 16), count: 3) == [LocalDate(2025, 12, 15), LocalDate(2026, 1, 15), LocalDate(2026, 2, 15)])
        #expect(rule.upcoming(from: LocalDate(2025, 11, 15), count: 1) == [LocalDate(2025, 11, 15)])
    }

    @Test("validated from stored parts")
    func validation() throws {
        #expect(try DemocracyDayRule.validated(kind: 2, day: 0, week: 1, weekday: 1) == .nthWeekday(week: 1, weekday: 1))
        for (kind, day, week, weekday) in [(1, 0, 0, 0), (1, 32, 0, 0), (2, 0, 5, 1), (2, 0, 1, 8), (3, 0, 0, 0), (9, 1, 1, 1)] {
            #expect(throws: DomainViolation.self) { try DemocracyDayRule.validated(kind: kind, day: day, week: week, weekday: weekday) }
        }
    }
}
