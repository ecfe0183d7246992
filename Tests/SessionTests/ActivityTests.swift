import AgendaAPI
import Foundation
import SessionAPI
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// `CountActivity` — the counts the gateway's county dashboard asks the session service for.
@Suite(.sessionService("session_count", region: 45), .serialized)
struct ActivityTests {
    @Test("meetings whose time falls in the period and results filed in it are counted in the caller's subtree; the total of filings is not bound to the period")
    func counts() async throws {
        let harness = try SessionHarness.current
        let county = harness.county()
        let start = harness.session.clock.now()
        func count(_ unit: String, from: Date, until: Date, options: CallOptions? = nil) async throws -> SessionV1.ActivityCounts {
            try await county.api.countActivity(
                .init(unitPath: unit, from: CommonV1.Timestamp(from), until: CommonV1.Timestamp(until)),
                options: options ?? county.caller("看板", ["session.read"]))
        }
        let empty = try await count(county.path, from: start, until: start.addingTimeInterval(30 * 86400))
        #expect(empty == SessionV1.ActivityCounts(unitPath: county.path))

        // One meeting tomorrow that decides, is closed, and whose result is filed after its notice.
        let topic = try await county.plannedTopic("路灯安装", members: 5, expert: false)
        let meeting = try await county.sit(try await county.meeting([topic]), (1...5).map { "委员\($0)" })
        let progress = try await county.api.endRound(
            .init(meetingId: meeting.id, topicId: topic.id, outcome: .consensus, summary: "安装路灯十盏"), options: county.admin)
        _ = try await county.api.closeMeeting(.init(meetingId: meeting.id), options: county.admin)
        _ = try await county.api.publishResult(.init(resultId: progress.resultId, noticeDays: 3), options: county.admin)
        // A second meeting, scheduled and never held.
        let other = try await county.plannedTopic("村道硬化", members: 5, expert: false)
        _ = try await county.meeting([other])
        // Not yet filed.
        let month = try await count(county.path, from: start, until: start.addingTimeInterval(30 * 86400))
        #expect(month.meetings == 2 && month.meetingsClosed == 1 && month.resultsFiled == 0 && month.resultsFiledTotal == 0)
        harness.session.clock.advance(by: 6 * 86400)
        _ = try await county.api.fileResult(.init(resultId: progress.resultId), options: county.admin)

        let filed = try await count(county.village, from: start, until: start.addingTimeInterval(30 * 86400))
        #expect(filed == SessionV1.ActivityCounts(unitPath: county.village, meetings: 2, meetingsClosed: 1, resultsFiled: 1, resultsFiledTotal: 1))
        // A period before the meetings and the filing: nothing in it; the filed total stays.
        let before = try await count(county.path, from: start.addingTimeInterval(-30 * 86400), until: start)
        #expect(before == SessionV1.ActivityCounts(unitPath: county.path, resultsFiledTotal: 1))
        // The period's end is excluded: a period ending at the meeting's time leaves it out.
        let meetingAt = try #require(meeting.meetingAt).date
        let upTo = try await count(county.path, from: start, until: meetingAt)
        #expect(upTo.meetings == 0)
        // "" is the caller's scope.
        #expect(try await county.api.countActivity(
            .init(from: CommonV1.Timestamp(start), until: CommonV1.Timestamp(start.addingTimeInterval(30 * 86400))),
            options: county.caller("看板", ["session.read"])).unitPath == county.path)

        // Another county is NOT_FOUND; without session.read PERMISSION_DENIED; a bad period INVALID_ARGUMENT.
        let stranger = harness.county()
        await expectStatus(.notFound) {
            try await count(county.path, from: start, until: start.addingTimeInterval(86400), options: stranger.caller("外县", ["session.read"]))
        }
        await expectStatus(.permissionDenied) {
            try await count(county.path, from: start, until: start.addingTimeInterval(86400), options: county.caller("投票人", ["session.vote"]))
        }
        await expectStatus(.invalidArgument) { try await count(county.path, from: start, until: start) }
        await expectStatus(.invalidArgument) { try await count(county.path, from: start, until: start.addingTimeInterval(400 * 86400)) }
        await expectStatus(.invalidArgument) {
            try await county.api.countActivity(.init(unitPath: county.path, from: CommonV1.Timestamp(start)), options: county.caller("看板", ["session.read"]))
        }
    }
}
