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

    @Test("the next term is counted from the last one's last day, so consecutive terms never drift")
    func next() {
        let next = Term(startsOn: LocalDate(2021, 3, 15)).next
        #expect(next.startsOn == LocalDate(2026, 3, 15))
        #expect(next.lastDay == LocalDate(2031, 3, 15))
        // Ten terms on, still the 15th of March; a 29 February start settles on the 28th.
        var term = Term(startsOn: LocalDate(2021, 3, 15))
        for _ in 0..<10 { term = term.next }
        #expect(term.lastDay == LocalDate(2076, 3, 15))
        var leap = Term(startsOn: LocalDate(2024, 2, 29))
        for _ in 0..<4 { leap = leap.next }
        #expect(leap.lastDay == LocalDate(2049, 2, 28))
    }

    @Test("term length is data per kind: five years by default, a deployment may change one kind")
    func lengths() {
        #expect(TermLengths().years(for: .villageAffairsCouncil) == 5)
        #expect(TermLengths().years(for: .supervisionCommittee) == 5)
        let town = TermLengths([.townCouncil: 3])
        #expect(town.term(.townCouncil, startsOn: LocalDate(2025, 1, 1)).lastDay == LocalDate(2028, 1, 1))
        #expect(town.term(.villageCouncil, startsOn: LocalDate(2025, 1, 1)).lastDay == LocalDate(2030, 1, 1))
    }

    @Test("a council expires the day after its term's last day; a dissolved one never does")
    func expiry() {
        let last = LocalDate(2026, 3, 15)
        #expect(!CouncilState.constituted.hasExpired(termLastDay: last, on: last))
        #expect(CouncilState.constituted.hasExpired(termLastDay: last, on: LocalDate(2026, 3, 16)))
        #expect(!CouncilState.constituted.canMeet(termLastDay: last, on: LocalDate(2026, 3, 16)))
        #expect(CouncilState.constituted.canMeet(termLastDay: last, on: last))
        #expect(!CouncilState.dissolved.hasExpired(termLastDay: last, on: LocalDate(2030, 1, 1)))
        #expect(!CouncilState.forming.hasExpired(termLastDay: nil, on: LocalDate(2030, 1, 1)))
    }
}
