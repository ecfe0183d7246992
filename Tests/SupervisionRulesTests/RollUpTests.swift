import SupervisionRules
import Testing

@Suite("Roll-up, quarters and three zeros")
struct RollUpTests {
    let county = try! UnitPath("u331001000000")
    let townA = try! UnitPath("u331001000000.u331001001000")
    let townB = try! UnitPath("u331001000000.u331001002000")
    let village = try! UnitPath("u331001000000.u331001001000.u331001001001")

    @Test("a unit's level is its subtree's worst case; a unit without cases is green")
    func worstOfSubtree() {
        let rollUp = UnitRollUp()
        let counts = rollUp.counts(of: [(village, .red), (townA, .green), (townB, .yellow)], for: [county, townA, townB, village])
        #expect(counts[county] == LevelCounts(green: 1, yellow: 1, red: 1))
        #expect(counts[townA] == LevelCounts(green: 1, yellow: 0, red: 1))
        #expect(rollUp.level(counts[townA]!) == .red)
        #expect(rollUp.level(counts[townB]!) == .yellow)
        #expect(rollUp.level(LevelCounts()) == .green)
    }

    @Test("the roll-up thresholds are data: two red cases make a red town, one makes it yellow")
    func rollUpThresholds() {
        let rollUp = UnitRollUp(redCases: 2, yellowCases: 1)
        #expect(rollUp.level(LevelCounts(green: 5, red: 1)) == .yellow)
        #expect(rollUp.level(LevelCounts(green: 5, red: 2)) == .red)
    }

    @Test("the child of a unit on the way down")
    func childUnder() {
        #expect(village.child(under: county) == townA)
        #expect(townA.child(under: county) == townA)
        #expect(county.child(under: county) == nil)
        #expect(townB.child(under: townA) == nil)
    }

    @Test("quarters: bounds, neighbours, as-of instants, no report of a quarter not begun")
    func quarters() throws {
        let q = try Quarter(year: 2025, quarter: 1)
        #expect(q.firstDay == LocalDate(2025, 1, 1))
        #expect(q.lastDay == LocalDate(2025, 3, 31))
        #expect(q.previous == (try Quarter(year: 2024, quarter: 4)))
        #expect(q.next.firstDay == LocalDate(2025, 4, 1))
        #expect(Quarter(containing: LocalDate(2025, 12, 31)) == (try Quarter(year: 2025, quarter: 4)))
        let tz = TimeZone.chinaStandard
        let mid = LocalDate(2025, 2, 10).startInstant(in: tz)
        #expect(try q.asOf(now: mid, in: tz) == mid)
        let later = LocalDate(2025, 8, 1).startInstant(in: tz)
        #expect(try q.asOf(now: later, in: tz) == LocalDate(2025, 4, 1).startInstant(in: tz))
        #expect(throws: DomainViolation.self) { try q.next.next.asOf(now: mid, in: tz) }
        #expect(throws: DomainViolation.self) { try Quarter(year: 2025, quarter: 5) }
    }

    @Test("three zeros: each measure counts its cases and names those that break it")
    func threeZeros() {
        let cases = [
            ZeroFacts(caseID: "a", state: .closed, recipients: 3, answered: 3, checks: 2, application: .full),
            ZeroFacts(caseID: "b", state: .completed, recipients: 3, answered: 2, checks: 1),
            ZeroFacts(caseID: "c", state: .completed, recipients: 0, answered: 0, checks: 0),
            ZeroFacts(caseID: "d", state: .inProgress, checks: 0, overdue: true),
            ZeroFacts(caseID: "e", state: .closed, recipients: 1, answered: 1, checks: 1, application: .partial),
            ZeroFacts(caseID: "f", state: .open),
        ]
        let measures = Dictionary(uniqueKeysWithValues: ThreeZeroRules.measure(cases).map { ($0.name, $0) })
        #expect(measures["feedback_recipients"]?.counted == 4)
        #expect(measures["feedback_recipients"]?.breaking == ["b", "c"])
        #expect(measures["supervision"]?.counted == 5)
        #expect(measures["supervision"]?.breaking == ["c", "d"])
        #expect(measures["application"]?.counted == 6)
        #expect(measures["application"]?.breaking == ["d", "e"])
        let clean = ThreeZeroRules.measure([ZeroFacts(caseID: "a", state: .closed, recipients: 1, answered: 1, checks: 1, application: .full)])
        #expect(clean.allSatisfy { $0.met })
    }

    @Test("quarterly advice names red and yellow cases and a rise since last quarter")
    func advice() {
        let advice = QuarterAdvice.advise(counts: LevelCounts(green: 3, yellow: 1, red: 2), previous: LevelCounts(green: 5, yellow: 1))
        #expect(advice.zh.contains("2 件红色"))
        #expect(advice.zh.contains("较上季度增加"))
        #expect(QuarterAdvice.advise(counts: LevelCounts(green: 3), previous: LevelCounts()).en.contains("on track"))
    }
}

import Foundation
