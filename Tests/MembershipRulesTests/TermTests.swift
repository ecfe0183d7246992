import Testing
@testable import MembershipRules

@Suite("Term — 任期五年 (Organic Law art. 11), councils follow the committee (004)")
struct TermTests {
    @Test("a term begun on 15 March 2021 lasts through 15 March 2026")
    func fiveYears() {
        let term = Term(startsOn: LocalDate(2021, 3, 15))
        #expect(term.years == 5)
        #expect(term.lastDay == LocalDate(2026, 3, 15))
        #expect(term.isCurrent(on: LocalDate(2026, 3, 15)))
        #expect(!term.hasExpired(on: LocalDate(2026, 3, 15)))
        #expect(term.hasExpired(on: LocalDate(2026, 3, 16)))
        #expect(!term.isCurrent(on: LocalDate(2021, 3, 14)))
    }

    @Test("a term begun on 29 February ends on 28 February (no corresponding day, art. 202)")
    func leapDayStart() {
        #expect(Term(startsOn: LocalDate(2024, 2, 29)).lastDay == LocalDate(2029, 2, 28))
    }

    @Test("the next term starts the day after the last")
    func next() {
        let next = Term(startsOn: LocalDate(2021, 3, 15)).next
        #expect(next.startsOn == LocalDate(2026, 3, 16))
        #expect(next.lastDay == LocalDate(2031, 3, 16))
    }
}
