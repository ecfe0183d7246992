import TongxinTesting
import Foundation
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas

/// Issue 8 §8: the supervision committee and the villager representatives are elected (推选)
/// by the villagers' assembly or the representatives' meeting (Organic Law arts. 25, 32): the
/// election is their confirmation, and its results are still published for 公示.
@Suite("Elected bodies", .membershipService("elections"), .serialized)
struct ElectionTests {
    /// A supervision committee with `candidates` nominated villagers, none on the committee.
    func committee(candidates: Int) async throws -> (County, MembershipV1.Council, [MembershipV1.Seat]) {
        let harness = try MembershipHarness.current
        harness.clock.set(MembershipHarness.startOfTime)
        let county = try await harness.county()
        let village = try await county.village(1)
        let council = try await county.council(.supervisionCommittee, at: village, name: "村务监督委员会")
        var seats: [MembershipV1.Seat] = []
        for index in 0..<candidates {
            let person = try await county.person("候选人\(index)", in: village)
            seats.append(try await county.nominate(person, to: council, as: index == 0 ? .chair : .fixedMember, source: .villagerGroup))
        }
        return (county, council, seats)
    }

    @Test("the candidates with more than half of those present are elected, the rest withdrawn; the results are published and then constitute the body")
    func electedThenPublished() async throws {
        let (county, council, seats) = try await committee(candidates: 6)
        await expectStatus(.failedPrecondition, rule: "election.required") { try await county.publish(council) }
        let election = try await county.api.recordElection(
            .init(councilId: council.id, body: .representativesMeeting, heldOn: CommonV1.Date(year: 2025, month: 3, day: 1),
                  eligible: 45, present: 30, votes: seats.enumerated().map { .init(seatId: $1.id, votes: $0 < 5 ? 16 : 15) }),
            options: county.admin)
        #expect(election.results.map(\.elected) == [true, true, true, true, true, false])
        let after = try await county.getCouncil(council)
        #expect(after.seats.count == 5 && after.seats.allSatisfy { $0.electionId == election.id })
        let notice = try await county.publish(council)
        #expect(notice.nominees.count == 5)
        county.harness.passNoticeWindow()
        // The election is the decision: no party-organisation meeting is asked for.
        let constituted = try await county.api.confirmNotice(.init(noticeId: notice.id), options: county.admin)
        #expect(constituted.status == .constituted)
        let record = try #require(try await county.api.getNotice(.init(noticeId: notice.id), options: county.admin).confirmation)
        #expect(record.electionId == election.id && record.decisionMeeting.isEmpty)
        let history = try await county.api.getMembershipHistory(.init(councilId: council.id, personId: seats[5].personId), options: county.admin)
        #expect(history.seats.first?.status == .withdrawn && history.seats.first?.endReason == "not elected")
        let audited = try await county.harness.superuser.query(
            "SELECT detail->>'elected' AS elected FROM audit.entries WHERE method = 'RecordElection' AND target = $1",
            [.text("council/\(council.id)")])
        #expect(audited.count == 1)
        #expect(try audited.first?["elected"].decode(String.self) == "5")
    }

    @Test("a representatives' meeting without two thirds of its members present elects nobody")
    func quorum() async throws {
        let (county, council, seats) = try await committee(candidates: 5)
        let error = await expectStatus(.failedPrecondition, rule: "election.quorum", "29") {
            try await county.api.recordElection(
                .init(councilId: council.id, body: .representativesMeeting, heldOn: CommonV1.Date(year: 2025, month: 3, day: 1),
                      eligible: 45, present: 29, votes: seats.map { .init(seatId: $0.id, votes: 20) }),
                options: county.admin)
        }
        #expect(error?.detail?.figure("election.quorum.present") == "29")
        #expect(try await county.getCouncil(council).seats.allSatisfy { $0.electionId.isEmpty })
        await expectStatus(.failedPrecondition, rule: "election.counts") {
            try await county.api.recordElection(
                .init(councilId: council.id, body: .villagersAssembly, heldOn: CommonV1.Date(year: 2025, month: 3, day: 1),
                      eligible: 100, present: 60, votes: seats.map { .init(seatId: $0.id, votes: 61) }),
                options: county.admin)
        }
    }

    @Test("a villagers' assembly short of half the villagers is still quorate with two thirds of the households represented (art. 22)")
    func householdQuorum() async throws {
        let (county, council, seats) = try await committee(candidates: 3)
        let election = try await county.api.recordElection(
            .init(councilId: council.id, body: .villagersAssembly, heldOn: CommonV1.Date(year: 2025, month: 3, day: 1),
                  eligible: 600, present: 250, votes: seats.map { .init(seatId: $0.id, votes: 200) },
                  households: 300, householdsPresent: 200),
            options: county.admin)
        #expect(election.results.allSatisfy(\.elected) && election.householdsPresent == 200)
    }

    @Test("a council the party organisation confirms is not elected")
    func notElectedBody() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        let seat = try #require(try await county.getCouncil(council).seats.first)
        await expectStatus(.failedPrecondition, rule: "election.not_elected_body") {
            try await county.api.recordElection(
                .init(councilId: council.id, body: .villagersAssembly, heldOn: CommonV1.Date(year: 2025, month: 3, day: 1),
                      eligible: 100, present: 60, votes: [.init(seatId: seat.id, votes: 50)]),
                options: county.admin)
        }
    }
}
