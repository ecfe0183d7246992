import Testing
@testable import MembershipRules

@Suite("Chengdu villagers' council (003)")
struct VillagersCouncilTests {
    @Test("8 groups of 3 with half of them cadres passes")
    func baseline() {
        #expect(Fixture.violations(Fixture.villagersCouncil()).isEmpty)
    }

    @Test("ordinary party members and masses at exactly 50% pass; one fewer fails")
    func ordinaryShare() {
        #expect(Fixture.violations(Fixture.villagersCouncil(cadres: 12)).isEmpty)
        let violations = Fixture.violations(Fixture.villagersCouncil(cadres: 13))
        #expect(violations.map(\.rule) == [RuleID.ordinaryMemberShare])
        #expect(violations[0].count == 11 && violations[0].base == 24 && violations[0].minimum == 12)
        #expect(violations[0].messageZH.hasPrefix("普通党员和群众 11 人"))
    }

    @Test("2 and 4 members per villager group pass; 1 and 5 fail", arguments: [(2, true), (4, true), (1, false), (5, false)])
    func perGroup(_ perGroup: Int, _ passes: Bool) {
        // 10 groups keep the total within 20–50 for 2 and 4 per group.
        let roster = Fixture.villagersCouncil(groups: 10, perGroup: perGroup, cadres: 0)
        let ids = Set(Fixture.ruleIDs(roster))
        #expect(ids.contains(RuleID.membersPerGroup) == !passes)
        #expect(ids.isSubset(of: [RuleID.membersPerGroup, RuleID.memberCount]))
    }

    @Test("20 and 50 members in all pass; 18 and 51 fail", arguments: [(10, 2, true), (25, 2, true), (6, 3, false), (17, 3, false)])
    func total(_ groups: Int, _ perGroup: Int, _ sizeOK: Bool) {
        let roster = Fixture.villagersCouncil(groups: groups, perGroup: perGroup, cadres: 0)
        #expect(Fixture.ruleIDs(roster).contains(RuleID.memberCount) == !sizeOK)
    }
}

@Suite("Village affairs supervision committee (Organic Law art. 32; 003)")
struct SupervisionCommitteeTests {
    @Test("3 and 7 members pass; 2 and 8 fail", arguments: [(3, true), (7, true), (2, false), (8, false)])
    func size(_ size: Int, _ passes: Bool) {
        #expect(Fixture.violations(Fixture.supervisionCommittee(size: size)).isEmpty == passes)
    }

    @Test("a villagers' committee member cannot sit on it")
    func committeeMember() {
        var roster = Fixture.supervisionCommittee()
        roster.members.append(Fixture.seat(Fixture.person("vc2")))
        let violations = Fixture.violations(roster)
        #expect(violations.map(\.rule) == [RuleID.committeeKinExcluded])
        #expect(violations[0].subject == "vc2")
    }

    @Test("a committee post on the person counts even if the context list misses them")
    func committeePost() {
        var roster = Fixture.supervisionCommittee()
        roster.members[2].person.posts = [.villagersCommitteeMember]
        #expect(Fixture.violations(roster).map(\.subject) == ["s2"])
    }

    @Test("the spouse of a villagers' committee member fails, with the relation in the message")
    func spouse() {
        let roster = Fixture.supervisionCommittee(kinship: [KinshipLink(person: "vc1", relative: "s3", relation: .spouse)])
        let violations = Fixture.violations(roster)
        #expect(violations.map(\.subject) == ["s3"])
        #expect(violations[0].messageZH == "s3 是村民委员会成员 vc1 的配偶（近亲属），不得担任村务监督委员会成员")
    }

    @Test("close relatives either way round: the committee member's parent, child, sibling, grandchild all fail",
          arguments: [KinshipRelation.parent, .child, .sibling, .grandparent, .grandchild])
    func closeRelatives(_ relation: KinshipRelation) {
        let forward = Fixture.supervisionCommittee(kinship: [KinshipLink(person: "vc2", relative: "s1", relation: relation)])
        let backward = Fixture.supervisionCommittee(kinship: [KinshipLink(person: "s1", relative: "vc2", relation: relation)])
        #expect(Fixture.violations(forward).map(\.subject) == ["s1"])
        #expect(Fixture.violations(backward).map(\.subject) == ["s1"])
    }

    @Test("in-laws, cousins, uncles are not close relatives under art. 1045 and may serve",
          arguments: [KinshipRelation.parentInLaw, .childInLaw, .siblingInLaw, .uncleOrAunt, .nephewOrNiece, .cousin])
    func notClose(_ relation: KinshipRelation) {
        let roster = Fixture.supervisionCommittee(kinship: [KinshipLink(person: "vc1", relative: "s1", relation: relation)])
        #expect(Fixture.violations(roster).isEmpty)
    }

    @Test("a close relative of someone not on the committee may serve")
    func relativeOfOutsider() {
        let roster = Fixture.supervisionCommittee(kinship: [KinshipLink(person: "farmer", relative: "s1", relation: .spouse)])
        #expect(Fixture.violations(roster).isEmpty)
    }
}

@Suite("Villagers' representatives' meeting (Organic Law art. 25)")
struct RepresentativesMeetingTests {
    @Test("16 representatives of 20 (4/5) with 7 women (≥ 1/3) for 160 households passes")
    func baseline() {
        #expect(Fixture.violations(Fixture.representativesMeeting()).isEmpty)
    }

    @Test("representatives at exactly 4/5 pass; one committee member more makes them fewer than 4/5")
    func representativeShare() {
        #expect(Fixture.violations(Fixture.representativesMeeting(committee: 4, representatives: 16)).isEmpty)
        let violations = Fixture.violations(Fixture.representativesMeeting(committee: 5, representatives: 16))
        #expect(violations.map(\.rule) == [RuleID.representativeShare])
        #expect(violations[0].count == 16 && violations[0].base == 21 && violations[0].minimum == 17)
    }

    @Test("women representatives: 7 of 20 (≥ 1/3) pass, 6 fail")
    func womenShare() {
        #expect(Fixture.violations(Fixture.representativesMeeting(women: 7)).isEmpty)
        let violations = Fixture.violations(Fixture.representativesMeeting(women: 6))
        #expect(violations.map(\.rule) == [RuleID.womenRepresentativeShare])
        #expect(violations[0].minimum == 7)
        #expect(violations[0].messageEN == "women villager representatives: 6 of 20 members, less than 1/3 (at least 7)")
    }

    @Test("a woman on the villagers' committee is not a woman representative")
    func committeeWomenDoNotCount() {
        var roster = Fixture.representativesMeeting(women: 6)
        roster.members[0].person.gender = .female
        #expect(Fixture.ruleIDs(roster) == [RuleID.womenRepresentativeShare])
    }

    @Test("16 representatives serve 80 to 240 households: 80 and 240 pass, 79 and 241 fail",
          arguments: [(80, true), (240, true), (79, false), (241, false)])
    func householdsPerRepresentative(_ households: Int, _ passes: Bool) {
        let violations = Fixture.violations(Fixture.representativesMeeting(households: households))
        #expect(violations.isEmpty == passes)
        if !passes {
            #expect(violations.map(\.rule) == [RuleID.householdsPerRepresentative])
            #expect(violations[0].count == 16 && violations[0].base == households)
        }
    }

    @Test("the households violation says how many representatives there should be")
    func householdsMessage() {
        let violation = Fixture.violations(Fixture.representativesMeeting(households: 241))[0]
        #expect(violation.minimum == 17 && violation.maximum == 48)
        #expect(violation.messageZH == "村民代表 16 人，全村 241 户，按每 5–15 户推选 1 人应为 17–48 人")
    }
}
