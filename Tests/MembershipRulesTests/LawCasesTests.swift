import Foundation
import Testing
@testable import MembershipRules

/// Issue 8: the cases the law and the seeds hold against the composition rules, as pure rules.
@Suite("The law's cases — severity, kin, residence, derived flags, elections")
struct LawCasesTests {
    // MARK: §1 severity

    @Test("004's 原则上 20–30 and 一般 1/3 are advisory; statutes and unqualified numbers bind")
    func defaultSeverities() {
        let affairs = CompositionRuleSet.defaults(for: .villageAffairsCouncil)
        #expect(affairs.rule(RuleID.memberCount)?.severity == .advisory)
        #expect(affairs.rule(RuleID.cadreShare)?.severity == .advisory)
        #expect(affairs.rule(RuleID.representativesPerGroup)?.severity == .binding)
        #expect(affairs.rule(RuleID.committeeDirectorIncluded)?.severity == .binding)
        for kind in [CouncilKind.supervisionCommittee, .villagersRepresentativesMeeting, .townCouncil, .villageCouncil] {
            #expect(CompositionRuleSet.defaults(for: kind).rules.allSatisfy { $0.severity == .binding }, "\(kind)")
        }
    }

    @Test("an advisory violation carries its figures and severity; only binding ones are binding")
    func advisoryViolation() {
        let violations = Fixture.violations(Fixture.villageAffairsCouncil(fixed: 31, cadres: 11))
        let count = try? #require(violations.first { $0.rule == RuleID.memberCount })
        #expect(count?.severity == .advisory && count?.count == 31 && count?.maximum == 30)
        #expect(violations.allSatisfy { !$0.isBinding })
    }

    @Test("severity is data: a definition may say advisory, and absent means binding")
    func severityJSON() throws {
        let json = #"{"kind":"memberCount","id":"composition.member_count","range":{"min":20,"max":50},"base":"standingMembers","source":"001","severity":"advisory"}"#
        let rule = try JSONDecoder().decode(CompositionRule.self, from: Data(json.utf8))
        #expect(rule.severity == .advisory)
        let plain = try JSONDecoder().decode(CompositionRule.self, from: Data(json.replacingOccurrences(of: #","severity":"advisory""#, with: "").utf8))
        #expect(plain.severity == .binding)
    }

    @Test("confirmation: binding refuses, advisories need a reason and are then returned to record")
    func confirmationGate() {
        let violations = Fixture.violations(Fixture.villageAffairsCouncil(fixed: 31, cadres: 11))
        let unexplained = ConfirmationGate.composition(violations, acceptance: " ")
        #expect(unexplained.binding.isEmpty)
        #expect(unexplained.refusal?.rule == "confirmation.advisory_not_accepted")
        let accepted = ConfirmationGate.composition(violations, acceptance: "本村外出务工人员多，经党支部研究保留31人")
        #expect(accepted.refusal == nil && accepted.advisories.count == 2)
        var roster = Fixture.villageAffairsCouncil()
        roster.members.removeAll { $0.person.id == "supervisor" }
        let binding = ConfirmationGate.composition(Fixture.violations(roster), acceptance: "")
        #expect(binding.binding.map(\.rule) == [RuleID.supervisoryDirectorIncluded])
    }

    // MARK: 004's base

    @Test("004's fixed members are the '10' of 1+1+10+X: neither the chair nor the honorary chair counts")
    func fixedBase() {
        let roster = Fixture.villageAffairsCouncil(fixed: 20, cadres: 6)
        #expect(roster.members(in: .fixedMembers).count == 20)
        #expect(roster.members(in: .standingMembers).count == 22)
        #expect(!CouncilRole.chair.isFixed && !CouncilRole.honoraryChair.isFixed && CouncilRole.fixedMember.isFixed)
        // 7 cadres of 20 is over a third, though 7 of 21 (the chair counted) would not be.
        let over = Fixture.violations(Fixture.villageAffairsCouncil(fixed: 20, cadres: 7))
        #expect(over.first { $0.rule == RuleID.cadreShare }?.base == 20)
    }

    // MARK: §2, §3 kin and committees

    @Test("people of one household are close relatives of a committee member; a rule may switch households off")
    func householdKin() {
        var roster = Fixture.supervisionCommittee()
        roster.context.households = ["vc1": "village/7"]
        roster.members[2].person.householdID = "village/7"
        let violations = Fixture.violations(roster)
        #expect(violations.map(\.rule) == [RuleID.committeeKinExcluded])
        #expect(violations.first?.subject == "s2")
        let relaxed = CompositionRuleSet.defaults(for: .supervisionCommittee).merging(CompositionRuleOverride(rules: [
            .committeeKinExclusion(CommitteeKinExclusionRule(base: .standingMembers, source: "test", sameHousehold: false)),
        ]))
        #expect(CompositionChecker.check(roster: roster, rules: relaxed).isEmpty)
    }

    @Test("a rule's definition says which recorded relations count: close relatives by default, wider if it says so")
    func relationsCounted() {
        let cousin = KinshipLink(person: "vc1", relative: "s3", relation: .cousin)
        #expect(Fixture.violations(Fixture.supervisionCommittee(kinship: [cousin])).isEmpty)
        let wide = CompositionRuleSet.defaults(for: .supervisionCommittee).merging(CompositionRuleOverride(rules: [
            .committeeKinExclusion(CommitteeKinExclusionRule(
                base: .standingMembers, source: "province", relations: Set(KinshipRelation.allCases))),
        ]))
        let violations = CompositionChecker.check(roster: Fixture.supervisionCommittee(kinship: [cousin]), rules: wide)
        #expect(violations.map(\.subject) == ["s3"])
    }

    @Test("art. 32 covers the villagers' committee; the party branch committee only when the rule says so")
    func partyBranchReading() {
        var roster = Fixture.supervisionCommittee()
        roster.members[1].person.posts = [.villagePartyBranchMember]
        roster.context.partyBranchCommittee = ["pb1"]
        roster.context.kinship = [KinshipLink(person: "pb1", relative: "s2", relation: .spouse)]
        #expect(Fixture.violations(roster).isEmpty)
        let twoCommittees = CompositionRuleSet.defaults(for: .supervisionCommittee).merging(CompositionRuleOverride(rules: [
            .committeeKinExclusion(CommitteeKinExclusionRule(base: .standingMembers, source: "2017 guidance", partyBranchCommittee: true)),
        ]))
        let violations = CompositionChecker.check(roster: roster, rules: twoCommittees)
        #expect(violations.compactMap(\.subject) == ["s1", "s2"])
        #expect(violations[0].messageZH.contains("村“两委”成员"))
    }

    // MARK: §4 residence

    @Test("members come from the council's unit; observers, 004's honorary chair and outside experts may not")
    func residence() {
        var roster = Fixture.villageAffairsCouncil()
        for index in roster.members.indices where ["town-leader", "engineer", "neighbour"].contains(roster.members[index].person.id) {
            roster.members[index].fromOutsideUnit = true
        }
        #expect(Fixture.violations(roster).isEmpty)
        let f0 = roster.members.firstIndex { $0.person.id == "f0" }!
        roster.members[f0].fromOutsideUnit = true
        roster.context.unitCode = "331001001001"
        let violations = Fixture.violations(roster)
        #expect(violations.map(\.rule) == [RuleID.residence])
        #expect(violations[0].subject == "f0" && violations[0].messageZH.contains("331001001001"))
        var town = Fixture.townCouncil(size: 30, nonParty: 15)
        town.members[1].fromOutsideUnit = true
        #expect(Fixture.ruleIDs(town) == [RuleID.residence])
    }

    // MARK: §5 derived flags

    @Test("a committee post makes a grassroots cadre whatever the flag says")
    func derivedCadre() {
        var roster = Fixture.villageAffairsCouncil(fixed: 30, cadres: 10)
        let f0 = roster.members.firstIndex { $0.person.id == "f0" }!
        roster.members[f0].person.posts = [.villagersCommitteeMember]
        #expect(!roster.members[f0].person.isGrassrootsCadre)
        #expect(roster.members[f0].person.countsAsGrassrootsCadre)
        let violation = Fixture.violations(roster).first { $0.rule == RuleID.cadreShare }
        #expect(violation?.count == 11)
    }

    @Test("an unrecorded gender makes the women-representatives rule uncheckable, never a man")
    func unknownGender() {
        var roster = Fixture.representativesMeeting(committee: 4, representatives: 16, women: 7)
        let rep = roster.members.firstIndex { $0.person.id == "rep10" }!
        roster.members[rep].person.gender = .unspecified
        let violations = Fixture.violations(roster)
        #expect(violations.map(\.rule) == [RuleID.womenRepresentativeShare])
        #expect(violations[0].field == "gender" && violations[0].subject == "rep10")
    }

    @Test("a household count of 0 is unknown: the per-household rule reports it cannot check")
    func unknownHouseholds() {
        var roster = Fixture.representativesMeeting()
        roster.context.villagerGroups = [VillagerGroup(id: "g1", households: 160), VillagerGroup(id: "g2", households: 0)]
        let violations = Fixture.violations(roster)
        #expect(violations.map(\.rule) == [RuleID.householdsPerRepresentative])
        #expect(violations[0].field == "household_count" && violations[0].subject == "g2")
    }

    // MARK: §8 elections

    @Test("an election needs its quorum and elects with more than half of those present")
    func election() throws {
        let meeting = Election(
            body: .representativesMeeting, heldOn: LocalDate(2025, 3, 1), eligible: 45, present: 30,
            tallies: [.init(candidate: "a", votes: 16), .init(candidate: "b", votes: 15)])
        let outcome = try meeting.outcome()
        #expect(outcome.map(\.elected) == [true, false])
        var short = meeting
        short.present = 29
        #expect(throws: DomainViolation.self) { try short.outcome() }
        do { _ = try short.outcome() } catch { #expect(error.rule == "election.quorum") }
        var assembly = meeting
        assembly.body = .villagersAssembly
        assembly.eligible = 60
        #expect(throws: DomainViolation.self) { try assembly.outcome() }
        // Art. 22's other quorum: two thirds of the households represented.
        assembly.households = 30
        assembly.householdsPresent = 19
        #expect(throws: DomainViolation.self) { try assembly.outcome() }
        assembly.householdsPresent = 20
        #expect(try assembly.outcome().map(\.elected) == [true, false])
        assembly.households = 0
        assembly.householdsPresent = 0
        assembly.present = 31
        assembly.tallies = [.init(candidate: "a", votes: 16)]
        #expect(try assembly.outcome().map(\.elected) == [true])
        #expect(ConfirmationPath.of(.supervisionCommittee) == .election)
        #expect(ConfirmationPath.sitsExOfficio(.villagersRepresentativesMeeting, posts: [.villagersCommitteeMember]))
        #expect(!ConfirmationPath.sitsExOfficio(.supervisionCommittee, posts: [.villagersCommitteeMember]))
        #expect(!ConfirmationPath.sitsExOfficio(.villagersRepresentativesMeeting, posts: []))
        #expect(ConfirmationPath.of(.villageAffairsCouncil) == .partyOrganisation)
    }

    // MARK: §9, §10

    @Test("nomination sources are stored by explicit codes; standing seats need one")
    func nominationSources() {
        #expect(NominationSource.allCases.map(\.code) == [0, 1, 2, 3, 4])
        #expect(NominationSource(code: 2) == .partyOrganisation && NominationSource(code: 9) == nil)
        #expect(NominationSource.isRequired(for: .fixedMember) && !NominationSource.isRequired(for: .observer))
        #expect(RuleSeverity.allCases.map(\.code) == [1, 2] && ElectingBody.allCases.map(\.code) == [1, 2])
    }

    @Test("every default rule of every kind has a summary in both languages")
    func summaries() {
        for kind in CouncilKind.allCases {
            for rule in CompositionRuleSet.defaults(for: kind).rules {
                #expect(!rule.summaryZH.isEmpty && !rule.summaryEN.isEmpty, "\(kind) \(rule.id)")
            }
        }
        #expect(CompositionRuleSet.defaults(for: .villageAffairsCouncil).rule(RuleID.cadreShare)?.summaryZH == "基层干部不超过三分之一固定成员总数（原则上/一般，指导性）")
    }
}
