import Foundation
import Testing
@testable import SessionRules

@Suite("VoteRule — thresholds as data: fraction, base, inclusive or strict, exact integers")
struct VoteRuleTests {
    @Test("90%以上 of residents: 90 of 100 passes, 89 fails (inclusive)")
    func ninetyPercent() {
        let rule = VoteRule.ninetyPercentOfResidents
        let figures = VoteFigures(eligible: 100, present: 95)
        let ninety = rule.evaluate(inFavour: 90, figures: figures)
        #expect(ninety.passed && ninety.required == 90 && ninety.outcome.base == 100)
        #expect(!rule.evaluate(inFavour: 89, figures: figures).passed)
        #expect(ninety.descriptionZH == "同意 90/100（有表决权的人员），不少于百分之九十（至少 90）：通过")
    }

    @Test("过半数 of those present: 50 of 100 fails, 51 passes (strict)")
    func majority() {
        let rule = VoteRule.majorityOfPresent
        let figures = VoteFigures(eligible: 120, present: 100)
        #expect(!rule.evaluate(inFavour: 50, figures: figures).passed)
        let passed = rule.evaluate(inFavour: 51, figures: figures)
        #expect(passed.passed && passed.required == 51)
        #expect(passed.descriptionEN.contains("more than 1/2"))
    }

    @Test("三分之二以上 of those present: 2 of 3 passes, 66 of 100 fails, 67 passes; 20 of 30 passes")
    func twoThirds() {
        let rule = VoteRule.twoThirdsOfPresent
        #expect(rule.evaluate(inFavour: 2, figures: .init(eligible: 3, present: 3)).passed)
        #expect(!rule.evaluate(inFavour: 66, figures: .init(eligible: 100, present: 100)).passed)
        #expect(rule.evaluate(inFavour: 67, figures: .init(eligible: 100, present: 100)).passed)
        #expect(rule.evaluate(inFavour: 20, figures: .init(eligible: 30, present: 30)).passed)
        #expect(!rule.evaluate(inFavour: 19, figures: .init(eligible: 30, present: 30)).passed)
    }

    @Test("a base of households counts households, not people")
    func households() {
        let rule = VoteRule(.majority, of: .households)
        let figures = VoteFigures(eligible: 300, present: 250, households: 80)
        #expect(!rule.evaluate(inFavour: 40, figures: figures).passed)
        #expect(rule.evaluate(inFavour: 41, figures: figures).passed)
    }

    @Test("no floating point: 1/3 of 3,000,000,001 is exact at its boundary")
    func exactFractions() {
        let rule = VoteRule(.atLeast(1, 3), of: .eligible)
        let figures = VoteFigures(eligible: 3_000_000_001, present: 0)
        #expect(!rule.evaluate(inFavour: 1_000_000_000, figures: figures).passed)
        #expect(rule.evaluate(inFavour: 1_000_000_001, figures: figures).passed)
    }

    @Test("validated: the wire's parts, refused outside 0 < n ≤ d ≤ 1000")
    func validation() throws {
        #expect(try VoteRule.validated(numerator: 9, denominator: 10, inclusive: true, base: .eligible).threshold == .atLeast(9, 10))
        #expect(try VoteRule.validated(numerator: 1, denominator: 2, inclusive: false, base: .present) == .majorityOfPresent)
        for (n, d) in [(0, 2), (3, 2), (1, 0), (1, 1001)] {
            #expect(throws: DomainViolation.self) { try VoteRule.validated(numerator: n, denominator: d, inclusive: true, base: .present) }
        }
    }

    @Test("a tally adds paper to electronic ballots and shows both; more ballots than voters is refused")
    func tally() throws {
        let tally = try Tally.count(
            electronic: BallotCounts(inFavour: 60, against: 5, abstaining: 1), paper: BallotCounts(inFavour: 30, against: 3, abstaining: 1),
            rule: .ninetyPercentOfResidents, figures: VoteFigures(eligible: 100, present: 100))
        #expect(tally.total == BallotCounts(inFavour: 90, against: 8, abstaining: 2))
        #expect(tally.outcome.passed)
        #expect(tally.descriptionZH.hasPrefix("电子票 同意 60、反对 5、弃权 1；纸质票 同意 30、反对 3、弃权 1；"))
        #expect(throws: DomainViolation.self) {
            try Tally.count(electronic: BallotCounts(inFavour: 60), paper: BallotCounts(inFavour: 41),
                            rule: .majorityOfPresent, figures: VoteFigures(eligible: 100, present: 100))
        }
    }
}

@Suite("Quorum — per form, and the statutory rules of the bodies")
struct QuorumTests {
    @Test("a consultation: more than half of the fixed members (5 of 9 quorate, 4 of 9 not; 4 of 8 not)")
    func consultation() {
        let rule = QuorumRules().rule(body: .consultation, form: .deliberation)
        #expect(rule.evaluate(QuorumCounts(fixedMembers: 9, fixedMembersPresent: 5)).met)
        let four = rule.evaluate(QuorumCounts(fixedMembers: 9, fixedMembersPresent: 4))
        #expect(!four.met)
        #expect(four.descriptionZH == "固定成员 4/9，超过二分之一（至少 5）：未达到法定人数")
        #expect(!rule.evaluate(QuorumCounts(fixedMembers: 8, fixedMembersPresent: 4)).met)
    }

    @Test("a form may set its own rule (坝坝会: two thirds of the fixed members)")
    func perForm() {
        let rules = QuorumRules(byForm: [.openAir: QuorumRule([QuorumClause(.twoThirdsOrMore, of: .fixedMembers)])])
        #expect(!rules.rule(body: .consultation, form: .openAir).evaluate(QuorumCounts(fixedMembers: 9, fixedMembersPresent: 5)).met)
        #expect(rules.rule(body: .consultation, form: .openAir).evaluate(QuorumCounts(fixedMembers: 9, fixedMembersPresent: 6)).met)
        #expect(rules.rule(body: .consultation, form: .deliberation).evaluate(QuorumCounts(fixedMembers: 9, fixedMembersPresent: 5)).met)
    }

    @Test("villagers' assembly: exactly half the villagers is not quorate; one more is; or two thirds of the households")
    func assembly() {
        let rule = QuorumRules().rule(body: .villagersAssembly, form: .deliberation)
        #expect(!rule.evaluate(QuorumCounts(members: 200, membersPresent: 100, households: 90, householdsPresent: 59)).met)
        #expect(rule.evaluate(QuorumCounts(members: 200, membersPresent: 101, households: 90, householdsPresent: 0)).met)
        // 三分之二以上 of households: 60 of 90 is exactly two thirds and is quorate.
        #expect(rule.evaluate(QuorumCounts(members: 200, membersPresent: 100, households: 90, householdsPresent: 60)).met)
    }

    @Test("representatives' meeting: two thirds or more of its members (30 of 45 quorate, 29 not)")
    func representatives() {
        let rule = QuorumRules().rule(body: .representativesMeeting, form: .deliberation)
        #expect(rule.evaluate(QuorumCounts(members: 45, membersPresent: 30)).met)
        #expect(!rule.evaluate(QuorumCounts(members: 45, membersPresent: 29)).met)
    }
}
