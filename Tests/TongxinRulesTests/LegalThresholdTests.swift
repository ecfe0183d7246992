import Testing
import TongxinRules

@Suite("The named proportions: 半数以上, 过半数, 三分之二以上, 90%以上, 三分之一以上")
struct LegalThresholdTests {
    @Test("半数以上: exactly 50% passes and one fewer fails")
    func halfOrMore() {
        #expect(Threshold.halfOrMore.evaluate(count: 5, of: 10).passed)
        #expect(!Threshold.halfOrMore.evaluate(count: 4, of: 10).passed)
        #expect(Threshold.halfOrMore.evaluate(count: 4, of: 9).passed == false)
        #expect(Threshold.halfOrMore.evaluate(count: 5, of: 9).passed)
    }

    @Test("过半数: exactly 50% fails and one more passes")
    func majority() {
        #expect(!Threshold.majority.evaluate(count: 5, of: 10).passed)
        #expect(Threshold.majority.evaluate(count: 6, of: 10).passed)
        #expect(Threshold.majority.evaluate(count: 5, of: 9).passed)
        #expect(Threshold.majority.evaluate(count: 5, of: 10).requiredMinimum == 6)
    }

    @Test("90%以上 of 21: 19 passes (90.5%), 18 fails (85.7%)")
    func ninetyPercentOfAnOddBase() {
        #expect(Threshold.ninetyPercentOrMore.evaluate(count: 19, of: 21).passed)
        #expect(!Threshold.ninetyPercentOrMore.evaluate(count: 18, of: 21).passed)
        #expect(Threshold.ninetyPercentOrMore.evaluate(count: 18, of: 21).requiredMinimum == 19)
    }

    @Test("三分之二以上 of 31 needs 21: 20.67 rounds up, never down")
    func twoThirdsRoundsUp() {
        #expect(Threshold.twoThirdsOrMore.evaluate(count: 21, of: 31).passed)
        #expect(!Threshold.twoThirdsOrMore.evaluate(count: 20, of: 31).passed)
    }

    @Test("三分之一以上 women of 30 representatives: 10 passes, 9 fails")
    func oneThird() {
        #expect(Threshold.oneThirdOrMore.evaluate(count: 10, of: 30).passed)
        #expect(!Threshold.oneThirdOrMore.evaluate(count: 9, of: 30).passed)
    }

    @Test("the legal wording reads back in both languages")
    func wording() {
        #expect(Threshold.majority.descriptionZH == "超过二分之一")
        #expect(Threshold.halfOrMore.descriptionEN == "at least 1/2")
        #expect(Threshold.ninetyPercentOrMore.descriptionZH == "不少于百分之九十")
    }

    @Test("a fraction outside 0…1 or over zero is not a proportion")
    func validity() {
        #expect(Threshold.isValid(0, 1) && Threshold.isValid(1, 1))
        #expect(!Threshold.isValid(2, 1) && !Threshold.isValid(1, 0) && !Threshold.isValid(-1, 2))
    }
}

@Suite("CountRange boundaries")
struct CountRangeBoundaryTests {
    @Test("a range of one contains only that number; zero is a valid lower end")
    func edges() {
        #expect(CountRange.exactly(1).contains(1) && !CountRange.exactly(1).contains(0) && !CountRange.exactly(1).contains(2))
        #expect(CountRange(0, 3).contains(0))
    }
}

@Suite("DomainViolation — a rule id plus Chinese and English")
struct DomainViolationTests {
    @Test("the message puts Chinese first and the description names the rule")
    func message() {
        let violation = DomainViolation(rule: "period.days", field: "days", zh: "期间至少为1日", en: "a period is at least 1 day")
        #expect(violation.message == "期间至少为1日 / a period is at least 1 day")
        #expect(violation.description == "[period.days] 期间至少为1日 / a period is at least 1 day")
    }
}
