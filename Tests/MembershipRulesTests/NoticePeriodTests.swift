import Foundation
import Testing
@testable import MembershipRules

@Suite("NoticePeriod — 公示5天, counted per Civil Code arts. 200–203")
struct NoticePeriodTests {
    let published = Fixture.instant("2024-03-01T10:00:00+08:00")

    @Test("published 1 March, 5 days: the day of publication is not counted, the last day is 6 March")
    func lastDay() throws {
        let notice = try NoticePeriod(publishedAt: published)
        #expect(notice.days == 5)
        #expect(notice.firstDay == LocalDate(2024, 3, 2))
        #expect(notice.lastDay == LocalDate(2024, 3, 6))
        #expect(notice.endsAt == Fixture.instant("2024-03-07T00:00:00+08:00"))
    }

    @Test("the counting is CivilCodePeriod's: a holiday last day moves the notice too")
    func countedAsACivilCodePeriod() throws {
        let holidays = HolidayCalendar(restDays: [LocalDate(2024, 3, 6)])
        let notice = try NoticePeriod(publishedAt: published, holidays: holidays)
        #expect(notice.lastDay == LocalDate(2024, 3, 7))
        #expect(notice.period == (try CivilCodePeriod(startsAt: published, days: 5, holidays: holidays)))
        #expect(notice.isOpen(at: Fixture.instant("2024-03-07T23:59:59+08:00")))
        #expect(notice.hasEnded(at: Fixture.instant("2024-03-08T00:00:00+08:00")))
    }

    @Test("a notice of zero days is refused, naming notice_days")
    func zeroDays() {
        let violation = #expect(throws: DomainViolation.self) { try NoticePeriod(publishedAt: published, days: 0) }
        #expect(violation?.rule == "notice.days")
        #expect(violation?.field == "notice_days")
    }
}
