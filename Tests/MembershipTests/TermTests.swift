import TongxinTesting
import Foundation
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas

/// 换届 (issue 3 §6; 004: a council's term follows the villagers' committee's): ending a
/// term ends every seat in bulk and sends the council back through notice; history stays.
@Suite("Terms of office", .membershipService("terms"), .serialized)
struct TermTests {
    @Test("ending a term ends every seat and re-confirms the members through notice")
    func termChange() async throws {
        let harness = try MembershipHarness.current
        harness.clock.set(instant("2024-03-01T10:00:00+08:00"))
        let county = try await harness.county()
        let (council, members) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        try await county.constitute(council)
        harness.clock.set(instant("2024-06-15T09:00:00+08:00"))
        let village = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        try await county.nominate(try await county.person("特邀", in: village), to: council, as: .adHocMember, topic: "topic-1")

        let election = instant("2025-01-10T15:00:00+08:00")
        harness.clock.set(election)
        let next = try await county.api.endTerm(
            .init(councilId: council.id, nextTermStartsOn: .init(year: 2025, month: 1, day: 10), renominate: true), options: county.admin)
        #expect(next.status == .forming)
        #expect(next.constitutedAt == nil)
        #expect(next.currentTerm?.number == 2)
        #expect(next.currentTerm?.startsOn == CommonV1.Date(year: 2025, month: 1, day: 10))
        #expect(next.currentTerm?.endsOn == CommonV1.Date(year: 2030, month: 1, day: 10))
        // The outgoing standing members are nominated again; the ad-hoc member is not.
        #expect(next.seats.count == 20)
        #expect(next.seats.allSatisfy { $0.status == .nominated && $0.termNumber == 2 })
        #expect(Set(next.seats.map(\.personId)) == Set(members.map(\.id)))

        // Nobody is seated until the notice procedure has run again.
        let between = try await county.api.getRoster(.init(councilId: council.id), options: county.admin)
        #expect(between.entries.isEmpty)
        let history = try await county.api.getMembershipHistory(.init(councilId: council.id, page: .init(pageSize: 100)), options: county.admin)
        let firstTerm = history.seats.filter { $0.termNumber == 1 }
        #expect(firstTerm.count == 21)
        #expect(firstTerm.allSatisfy { $0.status == .ended && $0.endedAt?.seconds == Int64(election.timeIntervalSince1970) })
        #expect(firstTerm.filter { $0.role != .adHocMember }.allSatisfy { $0.endReason == "term 1 ended" })

        let confirmed = try await county.constitute(council)
        #expect(confirmed.status == .constituted)
        #expect(confirmed.currentTerm?.number == 2)
        #expect(confirmed.seats.allSatisfy { $0.status == .seated && $0.termNumber == 2 })
        let roster = try await county.api.getRoster(.init(councilId: council.id), options: county.admin)
        #expect(roster.termNumber == 2)
        #expect(roster.entries.count == 20)
    }

    @Test("without re-nomination the new term starts empty; an unknown council is NOT_FOUND")
    func emptyNextTerm() async throws {
        let harness = try MembershipHarness.current
        harness.clock.set(instant("2024-03-01T10:00:00+08:00"))
        let county = try await harness.county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        try await county.constitute(council)
        harness.clock.set(instant("2025-01-10T15:00:00+08:00"))
        let next = try await county.api.endTerm(.init(councilId: council.id), options: county.admin)
        #expect(next.status == .forming)
        #expect(next.seats.isEmpty)
        #expect(next.currentTerm?.startsOn == CommonV1.Date(year: 2025, month: 1, day: 10))
        await expectStatus(.failedPrecondition, rule: "notice.no_nominees", "没有待公示的提名人选") {
            try await county.publish(council)
        }
        await expectStatus(.notFound, "council not found") {
            try await county.api.endTerm(.init(councilId: UUID().uuidString), options: county.admin)
        }
        await expectStatus(.invalidArgument, field: "next_term_ends_on") {
            try await county.api.endTerm(
                .init(councilId: council.id, nextTermStartsOn: .init(year: 2025, month: 2, day: 1), nextTermEndsOn: .init(year: 2025, month: 1, day: 1)),
                options: county.admin)
        }
    }
}
