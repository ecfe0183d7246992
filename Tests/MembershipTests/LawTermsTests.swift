import TongxinTesting
import Foundation
import MembershipCore
import MembershipRules
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas
import TongxinPostgres

/// Issue 8 §7: terms end by themselves — a council past its term's last day is EXPIRED to
/// every reader and takes no new business; term lengths are data; consecutive terms do not drift.
@Suite("Terms end by themselves", .membershipService("lawterms"), .serialized)
struct LawTermsTests {
    @Test("past its last day a council is EXPIRED through GetCouncil and GetRoster, takes no new member, and the next terms keep the date")
    func expiry() async throws {
        let harness = try MembershipHarness.current
        harness.clock.set(MembershipHarness.startOfTime)
        let county = try await harness.county()
        let (council, members) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        #expect(council.currentTerm?.endsOn == CommonV1.Date(year: 2030, month: 1, day: 1))
        try await county.constitute(council)

        harness.clock.set(instant("2030-01-01T23:59:59+08:00"))
        #expect(try await county.getCouncil(council).status == .constituted)
        harness.clock.set(instant("2030-01-02T00:00:00+08:00"))
        let expired = try await county.getCouncil(council)
        #expect(expired.status == .expired)
        let roster = try await county.api.getRoster(.init(councilId: council.id), options: county.admin)
        #expect(roster.councilStatus == .expired && roster.termEndsOn == CommonV1.Date(year: 2030, month: 1, day: 1))
        #expect(roster.entries.count == 20)
        let listed = try await county.api.listCouncils(.init(unit: county.ref), options: county.admin)
        #expect(listed.councils.first { $0.id == council.id }?.status == .expired)
        let village = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        let error = await expectStatus(.failedPrecondition, rule: "council.term_expired") {
            try await county.nominate(try await county.person("新人", in: village), to: council, as: .adHocMember, topic: "t1")
        }
        #expect(error?.detail?.figure("council.term_expired.term_ends_on") == "2030-01-01")
        await expectStatus(.failedPrecondition, rule: "council.term_expired") { try await county.publish(council) }

        // The next term is counted from the last day: 2030-01-01 … 2035-01-01, then 2040-01-01.
        let second = try await county.api.endTerm(.init(councilId: council.id, renominate: true), options: county.admin)
        #expect(second.currentTerm?.startsOn == CommonV1.Date(year: 2030, month: 1, day: 1))
        #expect(second.currentTerm?.endsOn == CommonV1.Date(year: 2035, month: 1, day: 1))
        #expect(second.status == .forming)
        try await county.constitute(second)
        harness.clock.set(instant("2035-01-02T08:00:00+08:00"))
        #expect(try await county.getCouncil(council).status == .expired)
        let third = try await county.api.endTerm(.init(councilId: council.id), options: county.admin)
        #expect(third.currentTerm?.startsOn == CommonV1.Date(year: 2035, month: 1, day: 1))
        #expect(third.currentTerm?.endsOn == CommonV1.Date(year: 2040, month: 1, day: 1))
        _ = members
    }

    @Test("a council created without term dates starts its term the day it is constituted and is EXPIRED five years later")
    func undatedCouncilEnds() async throws {
        let harness = try MembershipHarness.current
        harness.clock.set(MembershipHarness.startOfTime)
        let county = try await harness.county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10, termStartsOn: nil)
        #expect(council.currentTerm?.startsOn == nil && council.currentTerm?.endsOn == nil, "no dates while forming")
        // Published 1 March 2025, confirmed after the window: 8 March 2025 in Beijing.
        let constituted = try await county.constitute(council)
        #expect(constituted.status == .constituted)
        #expect(constituted.currentTerm?.startsOn == CommonV1.Date(year: 2025, month: 3, day: 8))
        #expect(constituted.currentTerm?.endsOn == CommonV1.Date(year: 2030, month: 3, day: 8))
        let stored = try await harness.superuser.count(
            "SELECT count(*) FROM membership.terms WHERE council_id = $1::uuid AND number = 1 AND starts_on = '2025-03-08' AND ends_on = '2030-03-08'",
            [.text(council.id)])
        #expect(stored == 1)

        harness.clock.set(instant("2030-03-08T23:59:59+08:00"))
        #expect(try await county.getCouncil(council).status == .constituted)
        harness.clock.set(instant("2030-03-09T00:00:00+08:00"))
        #expect(try await county.getCouncil(council).status == .expired)
        let roster = try await county.api.getRoster(.init(councilId: council.id), options: county.admin)
        #expect(roster.councilStatus == .expired && roster.termEndsOn == CommonV1.Date(year: 2030, month: 3, day: 8))
        await expectStatus(.failedPrecondition, rule: "council.term_expired", "2030-03-08") { try await county.publish(council) }
    }

    @Test("a council given its term dates keeps them when it is constituted")
    func datedCouncilKeepsItsTerm() async throws {
        let harness = try MembershipHarness.current
        harness.clock.set(MembershipHarness.startOfTime)
        let county = try await harness.county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        let constituted = try await county.constitute(council)
        #expect(constituted.currentTerm?.startsOn == CommonV1.Date(year: 2025, month: 1, day: 1))
        #expect(constituted.currentTerm?.endsOn == CommonV1.Date(year: 2030, month: 1, day: 1))
    }
}

/// Issue 8 §7, §11 with a deployment's own configuration: a town council term of three years,
/// the deployment's time zone for "today", and (§3) the two-committee reading of art. 32.
@Suite(
    "A deployment's configuration: term lengths, time zone, the two-committee reading",
    .membershipService("lawdeploy", configure: { environment in
        environment.terms = TermLengths([.townCouncil: 3])
        environment.notice = NoticeSettings(timeZone: TimeZone(identifier: "UTC")!)
        environment.rules = CompositionDefaults(deployment: [.supervisionCommittee: CompositionRuleOverride(rules: [
            .committeeKinExclusion(CommitteeKinExclusionRule(
                base: .standingMembers, source: "Organic Law art. 32; 2017 guidance", partyBranchCommittee: true)),
        ])])
    }),
    .serialized
)
struct LawDeploymentTests {
    @Test("term length is data per kind: a town council of this deployment serves three years")
    func termLength() async throws {
        let harness = try MembershipHarness.current
        harness.clock.set(MembershipHarness.startOfTime)
        let county = try await harness.county()
        let town = try await county.town(1)
        let council = try await county.council(.townCouncil, at: town)
        #expect(council.currentTerm?.endsOn == CommonV1.Date(year: 2028, month: 1, day: 1))
    }

    @Test("today is the deployment's: at 04:00 Beijing time on 2 March it is still 1 March in UTC")
    func timeZone() async throws {
        let harness = try MembershipHarness.current
        harness.clock.set(instant("2025-03-02T04:00:00+08:00"))
        let county = try await harness.county()
        let village = try await county.village(1)
        let council = try await county.api.createCouncil(
            .init(unit: village.ref, kind: .villageCouncil, name: "无任期日期"), options: county.admin)
        let next = try await county.api.endTerm(.init(councilId: council.id), options: county.admin)
        #expect(next.currentTerm?.startsOn == CommonV1.Date(year: 2025, month: 3, day: 1))
        for index in 0..<2 { try await county.nominate(try await county.person("成员\(index)", in: village), to: council) }
        let notice = try await county.publish(council)
        #expect(notice.firstDay == CommonV1.Date(year: 2025, month: 3, day: 2))
        #expect(notice.closesAt?.seconds == Int64(instant("2025-03-07T00:00:00Z").timeIntervalSince1970))
    }

    @Test("where the deployment reads art. 32 as covering both committees, a party committee member's spouse may not supervise")
    func twoCommittees() async throws {
        let harness = try MembershipHarness.current
        harness.clock.set(MembershipHarness.startOfTime)
        let county = try await harness.county()
        let village = try await county.village(1)
        let branch = try await county.person("支委", in: village, party: true, sector: "villagePartyBranch", posts: ["villagePartyBranchMember"])
        let council = try await county.council(.supervisionCommittee, at: village, name: "村务监督委员会")
        let spouse = try await county.person("支委配偶", in: village)
        _ = try await county.api.addKinship(.init(personId: branch.id, relativeId: spouse.id, relation: "spouse"), options: county.admin)
        try await county.nominate(spouse, to: council, as: .chair)
        for index in 0..<2 { try await county.nominate(try await county.person("监委\(index)", in: village), to: council) }
        let check = try await county.check(council)
        #expect(check.violations.map(\.ruleId) == ["composition.committee_kin_excluded"])
        #expect(check.violations.first?.subject == spouse.id)
        let rules = try await county.api.getCompositionRules(.init(unit: village.ref, kind: .supervisionCommittee), options: county.admin)
        let rule = try #require(rules.rules.first { $0.id == "composition.committee_kin_excluded" })
        #expect(rule.origin == "deployment" && rule.lockedBy == "statute")
        #expect(rule.summary?.zh.contains("村“两委”成员") == true)
    }
}
