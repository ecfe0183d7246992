import TongxinTesting
import Foundation
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas

/// 公示 (issue 3 §5; 004: 5 days): nominees are published, residents object during the
/// window, and confirmation waits for the window's end and for every objection to be
/// resolved. The suite moves one clock, so its tests run one at a time.
@Suite("Public notice before confirmation", .membershipService("notice"), .serialized)
struct NoticeTests {
    /// Publishes a valid village council (`party` + `nonParty` members) at 2025-03-01 10:00
    /// Beijing time.
    func published(party: Int = 10, nonParty: Int = 10) async throws -> (County, MembershipV1.Council, [MembershipV1.Person], MembershipV1.Notice) {
        let harness = try MembershipHarness.current
        harness.clock.set(MembershipHarness.startOfTime)
        let county = try await harness.county()
        let (council, members) = try await county.villageCouncil(village: 1, party: party, nonParty: nonParty)
        let notice = try await county.publish(council)
        return (county, council, members, notice)
    }

    @Test("the window is five days from the day after publication, closing at 24:00 of the last day")
    func window() async throws {
        let (county, council, _, notice) = try await published()
        #expect(notice.status == .open)
        #expect(notice.firstDay == CommonV1.Date(year: 2025, month: 3, day: 2))
        #expect(notice.lastDay == CommonV1.Date(year: 2025, month: 3, day: 6))
        #expect(notice.closesAt?.seconds == Int64(instant("2025-03-07T00:00:00+08:00").timeIntervalSince1970))
        #expect(notice.nominees.count == 20)
        #expect(notice.nominees.allSatisfy { $0.status == .inNotice })
        #expect(try await county.getCouncil(council).status == .inNotice)
    }

    @Test("confirmation is refused before the window ends and accepted once it has")
    func confirmationWaitsForWindow() async throws {
        let (county, council, _, notice) = try await published()
        let clock = try MembershipHarness.current.clock
        clock.set(instant("2025-03-06T23:59:59+08:00"))
        await expectStatus(.failedPrecondition, rule: "confirmation.notice_open", "公示期至 2025-03-06 24时结束，期满前不能确认") {
            try await county.confirm(notice)
        }
        clock.set(instant("2025-03-07T00:00:00+08:00"))
        let confirmed = try await county.confirm(notice)
        #expect(confirmed.status == .constituted)
        #expect(confirmed.seats.allSatisfy { $0.status == .seated })
        #expect(confirmed.constitutedAt?.seconds == Int64(clock.now().timeIntervalSince1970))
        let again = try await county.api.getNotice(.init(noticeId: notice.id), options: county.admin)
        #expect(again.status == .confirmed)
        // Confirming twice changes nothing.
        #expect(try await county.confirm(notice).status == .constituted)
        _ = council
    }

    @Test("an unresolved objection blocks confirmation until it is resolved, with the resolution recorded")
    func objectionBlocks() async throws {
        let (county, council, members, notice) = try await published()
        let clock = try MembershipHarness.current.clock
        clock.set(instant("2025-03-04T09:30:00+08:00"))
        let seat = try #require(notice.nominees.first { $0.personId == members[3].id })
        let objection = try await county.api.fileObjection(
            .init(noticeId: notice.id, seatId: seat.id, objectorName: "村民刘某", reason: "该同志长期不在村"), options: county.admin)
        #expect(objection.outcome == .unspecified)

        clock.set(instant("2025-03-08T09:00:00+08:00"))
        await expectStatus(.failedPrecondition, rule: "confirmation.objection_open", "有 1 条异议尚未处理，不能确认") {
            try await county.confirm(notice)
        }
        await expectStatus(.invalidArgument, field: "resolution") {
            try await county.api.resolveObjection(.init(objectionId: objection.id, outcome: .dismissed), options: county.admin)
        }
        let resolved = try await county.api.resolveObjection(
            .init(objectionId: objection.id, outcome: .dismissed, resolution: "经核实，该同志常住本村"),
            options: county.caller(at: county.path, [Permissions.read, Permissions.write], principal: "town-party-office"))
        #expect(resolved.outcome == .dismissed)
        #expect(resolved.resolvedBy == "town-party-office")
        #expect(resolved.resolvedAt?.seconds == Int64(clock.now().timeIntervalSince1970))

        let confirmed = try await county.confirm(notice)
        #expect(confirmed.status == .constituted)
        #expect(confirmed.seats.contains { $0.id == seat.id && $0.status == .seated })
        let record = try await county.api.getNotice(.init(noticeId: notice.id), options: county.admin)
        #expect(record.objections.map(\.resolution) == ["经核实，该同志常住本村"])
        _ = council
    }

    @Test("an upheld objection withdraws its nominee; the others are confirmed")
    func upheldObjection() async throws {
        let (county, council, members, notice) = try await published(party: 10, nonParty: 11)
        let clock = try MembershipHarness.current.clock
        clock.set(instant("2025-03-02T08:00:00+08:00"))
        let seat = try #require(notice.nominees.first { $0.personId == members[20].id })
        let objection = try await county.api.fileObjection(
            .init(noticeId: notice.id, seatId: seat.id, objectorName: "村民", reason: "不符合条件"), options: county.admin)
        _ = try await county.api.resolveObjection(
            .init(objectionId: objection.id, outcome: .upheld, resolution: "异议成立，撤回提名"), options: county.admin)
        clock.set(instant("2025-03-07T00:00:00+08:00"))
        let confirmed = try await county.confirm(notice)
        #expect(confirmed.status == .constituted)
        #expect(confirmed.seats.count == 20)
        #expect(!confirmed.seats.contains { $0.id == seat.id })
        let history = try await county.api.getMembershipHistory(.init(councilId: council.id, personId: members[20].id), options: county.admin)
        #expect(history.seats.map(\.status) == [.withdrawn])
        #expect(history.seats.first?.endReason == "objection upheld")
    }

    @Test("objections are refused once the window has closed")
    func lateObjection() async throws {
        let (county, _, _, notice) = try await published()
        try MembershipHarness.current.clock.set(instant("2025-03-07T00:00:00+08:00"))
        await expectStatus(.failedPrecondition, rule: "notice.closed", "2025-03-06") {
            try await county.api.fileObjection(.init(noticeId: notice.id, objectorName: "迟到者", reason: "太晚了"), options: county.admin)
        }
    }

    @Test("re-publishing supersedes the open notice, but not while it has an unresolved objection")
    func republish() async throws {
        let (county, council, _, notice) = try await published()
        let objection = try await county.api.fileObjection(
            .init(noticeId: notice.id, objectorName: "村民", reason: "名单不全"), options: county.admin)
        await expectStatus(.failedPrecondition, rule: "confirmation.objection_open", "1 条异议未处理") {
            try await county.publish(council)
        }
        _ = try await county.api.resolveObjection(.init(objectionId: objection.id, outcome: .dismissed, resolution: "名单完整"), options: county.admin)
        let second = try await county.publish(council)
        #expect(second.nominees.count == 20)
        #expect(try await county.api.getNotice(.init(noticeId: notice.id), options: county.admin).status == .superseded)
        try MembershipHarness.current.passNoticeWindow()
        await expectStatus(.failedPrecondition, rule: "notice.superseded") { try await county.confirm(notice) }
        #expect(try await county.confirm(second).status == .constituted)
    }

    @Test("an unknown notice or objection is NOT_FOUND")
    func unknownNotice() async throws {
        let county = try await MembershipHarness.current.county()
        await expectStatus(.notFound, "notice not found", "未找到公示") {
            try await county.api.confirmNotice(.init(noticeId: UUID().uuidString), options: county.admin)
        }
        await expectStatus(.notFound, "objection not found", "未找到异议") {
            try await county.api.resolveObjection(
                .init(objectionId: UUID().uuidString, outcome: .dismissed, resolution: "无"), options: county.admin)
        }
    }
}
