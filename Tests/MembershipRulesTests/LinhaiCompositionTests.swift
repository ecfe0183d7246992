import Testing
@testable import MembershipRules

@Suite("Linhai town and village councils (000/001)")
struct LinhaiCompositionTests {
    @Test("a town council of 30 with exactly 50% non-party members passes")
    func townExactlyHalf() {
        #expect(Fixture.violations(Fixture.townCouncil(size: 30, nonParty: 15)).isEmpty)
    }

    @Test("a town council with one non-party member fewer than half fails the 50% rule")
    func townOneShort() {
        let violations = Fixture.violations(Fixture.townCouncil(size: 30, nonParty: 14))
        #expect(violations.map(\.rule) == [RuleID.nonPartyShare])
        let violation = violations[0]
        #expect(violation.count == 14 && violation.base == 30 && violation.minimum == 15)
        #expect(violation.messageZH == "党外人士 14 人，少于成员 30 人的百分之五十（至少 15 人）")
        #expect(violation.messageEN == "non-party members: 14 of 30 members, less than 50% (at least 15)")
    }

    @Test("town council sizes 30 and 60 pass; 29 and 61 fail", arguments: [(30, true), (60, true), (29, false), (61, false)])
    func townSize(_ size: Int, _ passes: Bool) {
        let ids = Fixture.ruleIDs(Fixture.townCouncil(size: size, nonParty: size / 2 + 1))
        #expect(ids.contains(RuleID.memberCount) == !passes)
        #expect(ids.allSatisfy { $0 == RuleID.memberCount })
    }

    @Test("the size violation gives the count and the range in both languages")
    func townSizeMessage() {
        let violation = Fixture.violations(Fixture.townCouncil(size: 29, nonParty: 15))[0]
        #expect(violation.count == 29 && violation.minimum == 30 && violation.maximum == 60)
        #expect(violation.message == "成员 29 人，不在 30–60 人范围内 / 29 members, outside 30–60")
    }

    @Test("ad-hoc members and observers are not counted: non-party guests do not lift the share")
    func guestsNotCounted() {
        // 14 non-party standing members + a non-party expert and observer would be 16 of 32.
        let roster = Fixture.townCouncil(size: 30, nonParty: 14)
        #expect(roster.members.count == 32)
        #expect(Fixture.ruleIDs(roster) == [RuleID.nonPartyShare])
    }

    @Test("the town council's chair must be the town's deputy party secretary")
    func townChair() {
        var roster = Fixture.townCouncil(size: 30, nonParty: 15)
        roster.members[0].person.posts = []
        let violations = Fixture.violations(roster)
        #expect(violations.map(\.rule) == [RuleID.chairPost])
        #expect(violations[0].subject == "chair")
    }

    @Test("a council without a chair, or with two, fails the one-chair rule")
    func oneChair() {
        var none = Fixture.townCouncil(size: 30, nonParty: 15)
        none.members[0].role = .fixedMember
        #expect(Fixture.ruleIDs(none) == [RuleID.chairCount])

        var two = Fixture.townCouncil(size: 30, nonParty: 15)
        two.members[1].role = .chair
        two.members[1].person.posts = [.townDeputyPartySecretary]
        #expect(Fixture.violations(two).map(\.count) == [2])
    }

    @Test("a village council passes at 20 and 50 members with half non-party, fails at 19 and 51",
          arguments: [(20, true), (50, true), (19, false), (51, false)])
    func villageSize(_ size: Int, _ passes: Bool) {
        let roster = Fixture.villageCouncil(size: size)
        let ids = Fixture.ruleIDs(roster)
        #expect(ids.isEmpty == passes)
        #expect(ids.allSatisfy { $0 == RuleID.memberCount })
    }

    @Test("a village council passes with exactly 50% non-party members and fails one below")
    func villageNonParty() {
        var roster = Fixture.villageCouncil(size: 20)
        #expect(Fixture.violations(roster).isEmpty)
        roster.members[1].person.isPartyMember = true
        #expect(Fixture.ruleIDs(roster) == [RuleID.nonPartyShare])
    }

    @Test("a village council's chair must be the village party secretary")
    func villageChair() {
        var roster = Fixture.villageCouncil(size: 20)
        roster.members[0].person.posts = [.villagersCommitteeDirector]
        #expect(Fixture.ruleIDs(roster) == [RuleID.chairPost])
    }
}
