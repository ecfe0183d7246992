import Testing
@testable import MembershipRules

@Suite("1+1+10+X village affairs council (004)")
struct VillageAffairsCouncilTests {
    @Test("a council of 30 fixed members with 10 cadres, one representative per group, passes")
    func baseline() {
        #expect(Fixture.violations(Fixture.villageAffairsCouncil()).isEmpty)
    }

    @Test("cadres at exactly 1/3 of fixed members pass; one more fails with the figures")
    func cadreCap() {
        #expect(Fixture.violations(Fixture.villageAffairsCouncil(fixed: 30, cadres: 10)).isEmpty)
        let violations = Fixture.violations(Fixture.villageAffairsCouncil(fixed: 30, cadres: 11))
        #expect(violations.map(\.rule) == [RuleID.cadreShare])
        let violation = violations[0]
        #expect(violation.count == 11 && violation.base == 30 && violation.maximum == 10)
        #expect(violation.messageZH == "基层干部 11 人，超过固定成员 30 人的三分之一（至多 10 人）")
        #expect(violation.messageEN == "grassroots cadres: 11 of 30 fixed members, more than 1/3 (at most 10)")
    }

    @Test("the cadre cap counts fixed members only: cadre ad-hoc members and both chairs are outside it")
    func cadreCapIgnoresGuests() {
        let roster = Fixture.villageAffairsCouncil(fixed: 30, cadres: 10)
        let cadres = roster.members.count { $0.person.isGrassrootsCadre }
        #expect(cadres == 14)
        #expect(roster.members(in: .fixedMembers).count == 30)
        #expect(Fixture.violations(roster).isEmpty)
    }

    @Test("fixed members 20 and 30 pass; 19 and 31 fail", arguments: [(20, true), (30, true), (19, false), (31, false)])
    func fixedSize(_ fixed: Int, _ passes: Bool) {
        let ids = Fixture.ruleIDs(Fixture.villageAffairsCouncil(fixed: fixed, cadres: 6))
        #expect(ids.isEmpty == passes)
        #expect(ids.allSatisfy { $0 == RuleID.memberCount })
    }

    @Test("a villager group with no representative, or with three, fails the 1–2 per group rule")
    func representativesPerGroup() {
        var roster = Fixture.villageAffairsCouncil()
        // rep2 moves to group g1: g1 has 2 (allowed), g2 has none.
        let index = roster.members.firstIndex { $0.person.id == "rep2" }!
        roster.members[index].person.villagerGroupID = "g1"
        let violations = Fixture.violations(roster)
        #expect(violations.map(\.rule) == [RuleID.representativesPerGroup])
        #expect(violations[0].subject == "g2" && violations[0].count == 0)

        let third = roster.members.firstIndex { $0.person.id == "rep3" }!
        roster.members[third].person.villagerGroupID = "g1"
        let subjects = Fixture.violations(roster).map { "\($0.subject ?? "")=\($0.count ?? -1)" }
        #expect(subjects == ["g1=3", "g2=0", "g3=0"])
    }

    @Test("the villagers' committee director must be a fixed member; as an ad-hoc member they do not count")
    func directorIncluded() {
        var roster = Fixture.villageAffairsCouncil()
        let index = roster.members.firstIndex { $0.person.id == "director" }!
        roster.members[index].role = .adHocMember
        roster.members[index].topicID = "road"
        let ids = Fixture.ruleIDs(roster)
        #expect(ids.contains(RuleID.committeeDirectorIncluded))
        #expect(!ids.contains(RuleID.supervisoryDirectorIncluded))
    }

    @Test("the supervision committee director must be a fixed member")
    func supervisorIncluded() {
        var roster = Fixture.villageAffairsCouncil()
        roster.members.removeAll { $0.person.id == "supervisor" }
        #expect(Fixture.ruleIDs(roster).contains(RuleID.supervisoryDirectorIncluded))
    }

    @Test("exactly one honorary chair, held by the town leader responsible for the village")
    func honoraryChair() {
        var roster = Fixture.villageAffairsCouncil()
        let index = roster.members.firstIndex { $0.role == .honoraryChair }!
        roster.members[index].person.posts = []
        #expect(Fixture.ruleIDs(roster) == [RuleID.honoraryChairPost])
        roster.members.remove(at: index)
        #expect(Fixture.ruleIDs(roster) == [RuleID.honoraryChairCount])
    }

    @Test("a fixed member from outside the 10 categories fails; an expert as ad-hoc member is fine")
    func tenCategories() {
        var roster = Fixture.villageAffairsCouncil()
        roster.members.append(.adHoc(Fixture.person("professor", sector: .expert), topic: "road"))
        #expect(Fixture.violations(roster).isEmpty)
        let index = roster.members.firstIndex { $0.person.id == "f0" }!
        roster.members[index].person.sector = .expert
        let violations = Fixture.violations(roster)
        #expect(violations.map(\.rule) == [RuleID.fixedMemberSectors])
        #expect(violations[0].subject == "f0")
    }

    @Test("every violated rule is reported, not just the first")
    func allViolationsReported() {
        var roster = Fixture.villageAffairsCouncil(fixed: 30, cadres: 11)
        roster.members.removeAll { $0.person.id == "supervisor" || $0.person.id == "rep1" }
        let ids = Set(Fixture.ruleIDs(roster))
        #expect(ids == [RuleID.supervisoryDirectorIncluded, RuleID.representativesPerGroup, RuleID.cadreShare])
    }

    @Test("per-group rules cannot be checked without the unit's villager groups, and say so")
    func missingContext() {
        var roster = Fixture.villageAffairsCouncil()
        roster.context.villagerGroups = []
        let violations = Fixture.violations(roster)
        #expect(violations.map(\.rule) == [RuleID.representativesPerGroup])
        #expect(violations[0].field == "villager_groups")
    }
}
