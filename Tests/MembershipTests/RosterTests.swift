import Foundation
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas

/// 名册 (issue 3 §6–7): who sat when, and the roster the session service counts quorums
/// and votes against — fixed members plus one topic's ad-hoc members, at an instant.
@Suite("Rosters and membership history", .membershipService("roster"), .serialized)
struct RosterTests {
    @Test("the roster on a past date lists who sat on the council that day")
    func pastDate() async throws {
        let harness = try MembershipHarness.current
        harness.clock.set(instant("2024-03-01T10:00:00+08:00"))
        let county = try await harness.county()
        let (council, members) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        try await county.constitute(council)   // confirmed 2024-03-08

        // The 2025 election: everyone is re-nominated except one, who is replaced.
        harness.clock.set(instant("2025-01-10T15:00:00+08:00"))
        let next = try await county.api.endTerm(.init(councilId: council.id, renominate: true), options: county.admin)
        let leaving = try #require(next.seats.first { $0.personId == members[19].id })
        _ = try await county.api.removeMember(.init(seatId: leaving.id, reason: "未再提名"), options: county.admin)
        let village = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        let newcomer = try await county.person("新成员", in: village)
        try await county.nominate(newcomer, to: council)
        try await county.constitute(council)   // confirmed 2025-01-17

        let may2024 = try await county.api.getRoster(.init(councilId: council.id, on: .init(year: 2024, month: 5, day: 1)), options: county.admin)
        #expect(may2024.termNumber == 1)
        #expect(may2024.entries.count == 20)
        #expect(may2024.entries.contains { $0.personId == members[19].id })
        #expect(!may2024.entries.contains { $0.personId == newcomer.id })
        #expect(may2024.entries.filter { $0.role == .chair }.map(\.personId) == [members[0].id])
        #expect(may2024.entries.allSatisfy { $0.voting })

        let duringNotice = try await county.api.getRoster(.init(councilId: council.id, on: .init(year: 2024, month: 3, day: 7)), options: county.admin)
        #expect(duringNotice.entries.isEmpty)
        let betweenTerms = try await county.api.getRoster(.init(councilId: council.id, on: .init(year: 2025, month: 1, day: 12)), options: county.admin)
        #expect(betweenTerms.entries.isEmpty)

        let now = try await county.api.getRoster(.init(councilId: council.id), options: county.admin)
        #expect(now.termNumber == 2)
        #expect(now.entries.count == 20)
        #expect(now.entries.contains { $0.personId == newcomer.id })
        #expect(!now.entries.contains { $0.personId == members[19].id })

        // The same by instant: the last moment of term 1.
        let lastMoment = try await county.api.getRoster(
            .init(councilId: council.id, at: .init(seconds: Int64(instant("2025-01-10T14:59:59+08:00").timeIntervalSince1970))),
            options: county.admin)
        #expect(lastMoment.termNumber == 1 && lastMoment.entries.count == 20)

        let history = try await county.api.getMembershipHistory(.init(councilId: council.id, personId: members[19].id), options: county.admin)
        #expect(history.seats.map(\.termNumber) == [1, 2])
        #expect(history.seats.map(\.status) == [.ended, .withdrawn])
    }

    @Test("a topic's roster adds its ad-hoc members; observers are listed without a vote; the topic's end ends them")
    func topicRoster() async throws {
        let harness = try MembershipHarness.current
        harness.clock.set(instant("2025-05-01T10:00:00+08:00"))
        let county = try await harness.county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        try await county.constitute(council)
        let village = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        let expert = try await county.person("水利专家", in: village, sector: "expert")
        let neighbour = try await county.person("另一议题代表", in: village)
        let observer = try await county.person("列席群众", in: village)
        try await county.nominate(expert, to: council, as: .adHocMember, topic: "topic-canal")
        try await county.nominate(neighbour, to: council, as: .adHocMember, topic: "topic-market")
        try await county.nominate(observer, to: council, as: .observer)

        let canal = try await county.api.getRoster(.init(councilId: council.id, topicId: "topic-canal"), options: county.admin)
        #expect(canal.entries.count == 22)
        let adHoc = try #require(canal.entries.first { $0.personId == expert.id })
        #expect(adHoc.role == .adHocMember && adHoc.topicId == "topic-canal" && adHoc.voting && adHoc.sector == "expert")
        #expect(!canal.entries.contains { $0.personId == neighbour.id })
        #expect(canal.entries.first { $0.personId == observer.id }?.voting == false)

        let fixedOnly = try await county.api.getRoster(.init(councilId: council.id), options: county.admin)
        #expect(fixedOnly.entries.count == 21)
        #expect(!fixedOnly.entries.contains { $0.role == .adHocMember })

        harness.clock.advance(by: 3600)
        let ended = try await county.api.endTopic(.init(councilId: council.id, topicId: "topic-canal"), options: county.admin)
        #expect(ended.ended == 1)
        let after = try await county.api.getRoster(.init(councilId: council.id, topicId: "topic-canal"), options: county.admin)
        #expect(after.entries.count == 21)
        let during = try await county.api.getRoster(
            .init(councilId: council.id, at: .init(seconds: Int64(harness.clock.now().timeIntervalSince1970) - 60), topicId: "topic-canal"),
            options: county.admin)
        #expect(during.entries.contains { $0.personId == expert.id })
    }
}
