import Foundation
import Testing
import TongxinRules

@Suite("CivilCodePeriod — counted per Civil Code arts. 200–203")
struct CivilCodePeriodTests {
    let published = instant("2024-03-01T10:00:00+08:00")

    func period(_ start: Date, days: Int = 5, holidays: HolidayCalendar = .none) throws -> CivilCodePeriod {
        try CivilCodePeriod(startsAt: start, days: days, holidays: holidays)
    }

    @Test("started 1 March, 5 days: the first day is not counted, the last day is 6 March")
    func lastDay() throws {
        let period = try period(published)
        #expect(period.firstDay == LocalDate(2024, 3, 2))
        #expect(period.lastDay == LocalDate(2024, 3, 6))
        #expect(period.endsAt == instant("2024-03-07T00:00:00+08:00"))
    }

    @Test("a period of one day ends at midnight after the next day")
    func oneDay() throws {
        let period = try period(published, days: 1)
        #expect(period.lastDay == LocalDate(2024, 3, 2))
        #expect(period.isOpen(at: instant("2024-03-02T23:59:59.999+08:00")))
        #expect(period.hasEnded(at: instant("2024-03-03T00:00:00+08:00")))
    }

    @Test("open at the last instant of the last day, closed at midnight after it")
    func boundary() throws {
        let period = try period(published)
        let midnight = instant("2024-03-07T00:00:00+08:00")
        #expect(period.isOpen(at: midnight.addingTimeInterval(-0.001)))
        #expect(!period.isOpen(at: midnight))
        #expect(period.hasEnded(at: midnight))
        #expect(!period.hasEnded(at: midnight.addingTimeInterval(-0.001)))
    }

    @Test("open from the starting instant, not before")
    func start() throws {
        let period = try period(published)
        #expect(period.isOpen(at: published))
        #expect(!period.isOpen(at: published.addingTimeInterval(-1)))
    }

    @Test("started one minute before midnight still ends at the end of day 5 after that day")
    func lateInTheDay() throws {
        #expect(try period(instant("2024-03-01T23:59:00+08:00")).lastDay == LocalDate(2024, 3, 6))
    }

    @Test("days are Beijing days: 20:00 UTC on 1 March is already 2 March in Asia/Shanghai")
    func timeZone() throws {
        let period = try period(instant("2024-03-01T20:00:00Z"))
        #expect(period.startDay == LocalDate(2024, 3, 2))
        #expect(period.endsAt == instant("2024-03-08T00:00:00+08:00"))
    }

    @Test("a last day on a single holiday moves to the next day")
    func singleHoliday() throws {
        let period = try period(published, holidays: HolidayCalendar(restDays: [LocalDate(2024, 3, 6)]))
        #expect(period.nominalLastDay == LocalDate(2024, 3, 6))
        #expect(period.lastDay == LocalDate(2024, 3, 7))
        #expect(period.isOpen(at: instant("2024-03-07T23:59:59+08:00")))
        #expect(!period.isOpen(at: instant("2024-03-08T00:00:00+08:00")))
    }

    @Test("a last day inside the National Day week moves to the day after the whole run")
    func holidayRun() throws {
        let holidays = HolidayCalendar().adding(LocalDate(2024, 10, 1)...LocalDate(2024, 10, 7))
        let period = try period(instant("2024-09-26T09:00:00+08:00"), holidays: holidays)
        #expect(period.nominalLastDay == LocalDate(2024, 10, 1))
        #expect(period.lastDay == LocalDate(2024, 10, 8))
        #expect(period.endsAt == instant("2024-10-09T00:00:00+08:00"))
    }

    @Test("holidays inside the period do not lengthen it; only the last day matters")
    func holidayInside() throws {
        let holidays = HolidayCalendar(restDays: [LocalDate(2024, 3, 3), LocalDate(2024, 3, 4)])
        #expect(try period(published, holidays: holidays).lastDay == LocalDate(2024, 3, 6))
    }

    @Test("with weekends as rest days a Saturday end moves to Monday, but a 调休 working Saturday does not")
    func weekends() throws {
        let year = HolidayCalendar()
            .adding(LocalDate(2024, 10, 1)...LocalDate(2024, 10, 7))
            .includingWeekends(from: LocalDate(2024, 1, 1), through: LocalDate(2024, 12, 31), except: [LocalDate(2024, 10, 12)])
        let saturdayEnd = try period(instant("2024-03-04T09:00:00+08:00"), holidays: year)
        #expect(saturdayEnd.nominalLastDay == LocalDate(2024, 3, 9))
        #expect(saturdayEnd.lastDay == LocalDate(2024, 3, 11))
        #expect(try period(instant("2024-10-07T09:00:00+08:00"), holidays: year).lastDay == LocalDate(2024, 10, 12))
    }

    @Test("a period of zero days is refused as period.days on the caller's field")
    func zeroDays() {
        let violation = #expect(throws: DomainViolation.self) {
            try CivilCodePeriod(startsAt: published, days: 0, field: "publication_days")
        }
        #expect(violation?.rule == "period.days")
        #expect(violation?.field == "publication_days")
    }
}

@Suite("LocalDate — calendar days")
struct LocalDateTests {
    @Test("day arithmetic crosses months, leap days and years")
    func arithmetic() {
        #expect(LocalDate(2024, 2, 28).adding(days: 1) == LocalDate(2024, 2, 29))
        #expect(LocalDate(2023, 2, 28).adding(days: 1) == LocalDate(2023, 3, 1))
        #expect(LocalDate(2024, 12, 31).adding(days: 1) == LocalDate(2025, 1, 1))
        #expect(LocalDate(1970, 1, 1).daysSinceEpoch == 0)
        #expect(LocalDate(daysSinceEpoch: -1) == LocalDate(1969, 12, 31))
        #expect(LocalDate(2024, 3, 9).isoWeekday == 6)
    }

    @Test("29 February plus a year is 28 February (art. 202: no corresponding day → the month's last)")
    func leapYears() {
        #expect(LocalDate(2024, 2, 29).adding(years: 1) == LocalDate(2025, 2, 28))
        #expect(LocalDate(2024, 2, 29).adding(years: 4) == LocalDate(2028, 2, 29))
    }

    @Test("dates parse and print as YYYY-MM-DD and impossible dates are refused")
    func text() throws {
        #expect(LocalDate(validating: "2024-02-29") == LocalDate(2024, 2, 29))
        #expect(LocalDate(validating: "2023-02-29") == nil)
        #expect(LocalDate(validating: "2024-2-9") == nil)
        #expect(LocalDate(validating: "2100-02-29") == nil)
        #expect(LocalDate(validating: "2000-02-29") == LocalDate(2000, 2, 29))
        #expect(LocalDate(2024, 3, 1).description == "2024-03-01")
        let decoded = try JSONDecoder().decode([LocalDate].self, from: Data(#"["2024-10-01"]"#.utf8))
        #expect(decoded == [LocalDate(2024, 10, 1)])
    }
}
