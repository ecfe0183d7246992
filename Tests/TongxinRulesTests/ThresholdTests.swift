import Foundation
import Testing
@testable import TongxinRules

@Suite("Threshold — 以上/不少于 include the number, 超过/不满 exclude it (Civil Code art. 1259)")
struct ThresholdTests {
    @Test("不少于 1/2 of 30 passes at exactly 15 and fails at 14")
    func atLeastHalf() {
        let half = Threshold.atLeast(1, 2)
        #expect(half.evaluate(count: 15, of: 30).passed)
        #expect(!half.evaluate(count: 14, of: 30).passed)
        #expect(half.evaluate(count: 14, of: 30).requiredMinimum == 15)
    }

    @Test("不超过 1/3 of 30 passes at 10 and fails at 11")
    func atMostThird() {
        let third = Threshold.atMost(1, 3)
        #expect(third.evaluate(count: 10, of: 30).passed)
        #expect(!third.evaluate(count: 11, of: 30).passed)
        #expect(third.evaluate(count: 11, of: 30).requiredMaximum == 10)
    }

    @Test("不超过 1/3 of 20 rounds the cap down: 6 passes, 7 fails")
    func atMostThirdOfTwenty() {
        #expect(Threshold.atMost(1, 3).evaluate(count: 6, of: 20).passed)
        #expect(!Threshold.atMost(1, 3).evaluate(count: 7, of: 20).passed)
        #expect(Threshold.atMost(1, 3).evaluate(count: 7, of: 20).requiredMaximum == 6)
    }

    @Test("过半数 of 10 needs 6: exactly half is not enough")
    func moreThanHalf() {
        let majority = Threshold.moreThan(1, 2)
        #expect(!majority.evaluate(count: 5, of: 10).passed)
        #expect(majority.evaluate(count: 6, of: 10).passed)
        #expect(majority.evaluate(count: 5, of: 10).requiredMinimum == 6)
        #expect(majority.evaluate(count: 5, of: 9).passed)
        #expect(majority.evaluate(count: 4, of: 9).requiredMinimum == 5)
    }

    @Test("不满 1/3 is strict: 10 of 30 fails, 9 passes")
    func lessThanThird() {
        let under = Threshold.lessThan(1, 3)
        #expect(!under.evaluate(count: 10, of: 30).passed)
        #expect(under.evaluate(count: 9, of: 30).passed)
        #expect(under.evaluate(count: 9, of: 30).requiredMaximum == 9)
        #expect(under.evaluate(count: 6, of: 20).requiredMaximum == 6)
    }

    @Test("90%以上 passes at exactly 90% and fails one short")
    func ninetyPercent() {
        let ninety = Threshold.atLeast(90, 100)
        #expect(ninety.evaluate(count: 90, of: 100).passed)
        #expect(!ninety.evaluate(count: 89, of: 100).passed)
        #expect(ninety.evaluate(count: 27, of: 30).passed)
        #expect(!ninety.evaluate(count: 26, of: 29).passed)
        #expect(ninety.evaluate(count: 0, of: 29).requiredMinimum == 27)
    }

    @Test("三分之二以上 quorum: 20 of 30 passes, 19 fails")
    func twoThirdsQuorum() {
        #expect(Threshold.atLeast(2, 3).evaluate(count: 20, of: 30).passed)
        #expect(!Threshold.atLeast(2, 3).evaluate(count: 19, of: 30).passed)
    }

    @Test("an empty base: at least a share of nobody passes, more than a share of nobody does not")
    func emptyBase() {
        #expect(Threshold.atLeast(1, 2).evaluate(count: 0, of: 0).passed)
        #expect(!Threshold.moreThan(1, 2).evaluate(count: 0, of: 0).passed)
    }

    @Test("the outcome shows the figures in both languages")
    func describesFigures() {
        let outcome = Threshold.atLeast(50, 100).evaluate(count: 15, of: 30)
        #expect(outcome.descriptionZH == "15/30，不少于百分之五十（至少 15）：通过")
        #expect(outcome.descriptionEN == "15 of 30, at least 50% (at least 15): passed")
        #expect(Threshold.atMost(1, 3).descriptionZH == "不超过三分之一")
        #expect(Threshold.moreThan(1, 2).descriptionEN == "more than 1/2")
        #expect(Threshold.atLeast(4, 5).fractionZH == "五分之四")
    }

    @Test("a threshold round-trips through JSON and a bad fraction is refused")
    func codable() throws {
        let third = Threshold.atMost(1, 3)
        let data = try JSONEncoder().encode(third)
        #expect(try JSONDecoder().decode(Threshold.self, from: data) == third)
        let bad = Data(#"{"comparison":"atLeast","numerator":1,"denominator":0}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Threshold.self, from: bad) }
        let overOne = Data(#"{"comparison":"atLeast","numerator":3,"denominator":2}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(Threshold.self, from: overOne) }
    }

    @Test("Chinese numerals for fractions and percentages", arguments: [
        (2, "二"), (10, "十"), (15, "十五"), (50, "五十"), (90, "九十"), (100, "一百"), (105, "一百零五"), (1010, "一千零一十"),
    ])
    func numerals(_ n: Int, _ text: String) {
        #expect(ChineseNumerals.text(n) == text)
    }
}

@Suite("CountRange — \"30—60人\" includes both ends")
struct CountRangeTests {
    @Test("30–60 contains 30 and 60 but not 29 or 61")
    func inclusive() {
        let range = CountRange(30, 60)
        #expect(range.contains(30) && range.contains(60))
        #expect(!range.contains(29) && !range.contains(61))
        #expect(range.text == "30–60")
        #expect(CountRange.exactly(1).text == "1")
    }

    @Test("a range with min above max does not decode")
    func decodingValidates() throws {
        let data = Data(#"{"min":7,"max":3}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CountRange.self, from: data) }
        let good = try JSONDecoder().decode(CountRange.self, from: Data(#"{"min":3,"max":7}"#.utf8))
        #expect(good == CountRange(3, 7))
    }
}
