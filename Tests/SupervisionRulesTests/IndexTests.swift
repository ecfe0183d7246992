import Foundation
import SupervisionRules
import Testing

@Suite("Consultation index")
struct IndexTests {
    @Test("the default definition has the 7 categories and 22 element indicators, and is valid")
    func defaults() throws {
        let definition = IndexDefinition.default
        #expect(definition.indicators.count == 22)
        #expect(Set(definition.indicators.map(\.category)) == Set(IndexCategory.allCases))
        try definition.validate()
        let data = try JSONEncoder().encode(definition)
        #expect(try JSONDecoder().decode(IndexDefinition.self, from: data) == definition)
    }

    @Test("shares score exactly in hundredths, rounded half up; 0/0 is missing, never a silent score")
    func shares() {
        let indicator = Indicator("x", .effects, "x", "x", .share(.onTimeOfClosed))
        var facts = IndexFacts()
        #expect(indicator.value(facts: facts, assessment: nil).source == .missing)
        facts.closed = 3
        facts.closedOnTime = 1
        let value = indicator.value(facts: facts, assessment: nil)
        #expect(value.source == .computed)
        #expect(value.score == 3333)
        #expect(value.basis == "1/3")
        facts.closedOnTime = 2
        #expect(indicator.value(facts: facts, assessment: nil).score == 6667)
    }

    @Test("days to close: full marks at the target, none at the limit, linear between")
    func daysToClose() {
        let indicator = Indicator("d", .effects, "d", "d", .daysToClose(full: 90, zero: 365))
        var facts = IndexFacts()
        facts.closed = 2
        facts.daysFilingToClosing = 180  // average 90
        #expect(indicator.value(facts: facts, assessment: nil).score == 10000)
        facts.daysFilingToClosing = 730  // average 365
        #expect(indicator.value(facts: facts, assessment: nil).score == 0)
        facts.daysFilingToClosing = 455  // average 227.5: (365 − 227.5) / 275 = 0.5
        let half = indicator.value(facts: facts, assessment: nil)
        #expect(half.score == 5000)
        #expect(half.basis.contains("227.5"))
    }

    @Test("an assessor's score takes precedence; an unassessed indicator is missing and counts zero")
    func assessed() {
        let indicator = Indicator("a", .subjects, "a", "a", .assessed)
        #expect(indicator.value(facts: IndexFacts(), assessment: nil).source == .missing)
        let value = indicator.value(facts: IndexFacts(), assessment: (score: 8000, note: "党外 12/20"))
        #expect(value.source == .assessed)
        #expect(value.score == 8000)
    }

    @Test("a unit's score is the weighted mean of its categories, each the weighted mean of its indicators")
    func weightedMeans() {
        let definition = IndexDefinition(
            categoryWeights: Dictionary(uniqueKeysWithValues: IndexCategory.allCases.map { ($0, $0 == .effects ? 3 : 1) }),
            indicators: IndexCategory.allCases.map { Indicator("i\($0.rawValue)", $0, "", "", .assessed) }
                + [Indicator("sat", .effects, "", "", weight: 3, .share(.contentOfRatings))])
        var facts = IndexFacts()
        facts.ratings = 4
        facts.ratingsContent = 3  // 7500
        var assessments: [String: (score: Int, note: String)] = [:]
        for category in IndexCategory.allCases { assessments["i\(category.rawValue)"] = (score: 6000, note: "") }
        let result = definition.score(facts: facts, assessments: assessments)
        let effects = result.categories.first { $0.category == .effects }!
        #expect(effects.score == (6000 * 1 + 7500 * 3) / 4)  // 7125
        #expect(result.score == (6000 * 6 + 7125 * 3 + 1) / 9)  // 6375
    }

    @Test("an assessor's score outside 0–10000 is refused")
    func scoreRange() {
        #expect(throws: DomainViolation.self) { try IndexInput.score(10001) }
        #expect(throws: DomainViolation.self) { try IndexInput.score(-1) }
        #expect((try? IndexInput.score(10000)) == 10000)
    }
}
