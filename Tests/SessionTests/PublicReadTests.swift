import AgendaAPI
import ChangesAPI
import Foundation
import SessionAPI
import SessionCore
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinTesting

/// The session's reads for the other services and the public: meetings by topic (the
/// dossier's), published results as open data (`public.read`), and the change feed of
/// results (published, objections, filed).
@Suite(.sessionService("session_public", region: 45), .serialized)
struct PublicReadTests {
    @Test("ListMeetings by topic: only the meetings that sat on it, in the caller's subtree; a malformed id is INVALID_ARGUMENT")
    func meetingsByTopic() async throws {
        let harness = try SessionHarness.current
        let county = harness.county()
        let roads = try await county.plannedTopic("村道修缮", members: 3, expert: false)
        let lights = try await county.plannedTopic("路灯安装", members: 3, expert: false)
        let first = try await county.meeting([roads])
        harness.session.clock.advance(by: 60)
        let both = try await county.meeting([roads, lights])
        let ofRoads = try await county.api.listMeetings(.init(topicId: roads.id), options: county.admin)
        #expect(ofRoads.meetings.map(\.id) == [both.id, first.id])  // newest first
        let ofLights = try await county.api.listMeetings(.init(unitPath: county.village, topicId: lights.id), options: county.admin)
        #expect(ofLights.meetings.map(\.id) == [both.id] && ofLights.meetings[0].topicIds == [roads.id, lights.id])
        let paged = try await county.api.listMeetings(.init(page: .init(pageSize: 1), topicId: roads.id), options: county.admin)
        #expect(paged.meetings.map(\.id) == [both.id])
        let rest = try await county.api.listMeetings(
            .init(page: .init(pageSize: 1, pageToken: paged.page?.nextPageToken ?? ""), topicId: roads.id), options: county.admin)
        #expect(rest.meetings.map(\.id) == [first.id] && rest.page?.nextPageToken == "")
        #expect(try await county.api.listMeetings(.init(topicId: UUID().canonicalText), options: county.admin).meetings.isEmpty)
        await expectStatus(.invalidArgument) { try await county.api.listMeetings(.init(topicId: "roads"), options: county.admin) }
        // Another county's caller sees none of them.
        let other = harness.county()
        #expect(try await county.api.listMeetings(.init(topicId: roads.id), options: other.admin).meetings.isEmpty)
    }

    @Test("ListPublishedResults: published and filed only, with public.read alone; an upheld objection withdraws a result; the feed records each step")
    func publishedResults() async throws {
        let harness = try SessionHarness.current
        let county = harness.county()
        let feedStart = try await feed(county).last?.seq ?? 0
        var results: [String] = []
        for title in ["村道修缮", "路灯安装", "垃圾分类"] {
            let topic = try await county.plannedTopic(title, members: 3, expert: false)
            let meeting = try await county.sit(try await county.meeting([topic]), ["委员1", "委员2", "委员3"])
            let progress = try await county.api.endRound(
                .init(meetingId: meeting.id, topicId: topic.id, outcome: .consensus, summary: "\(title)一致同意"), options: county.admin)
            results.append(progress.resultId)
        }
        let start = harness.session.clock.now()
        _ = try await county.api.publishResult(.init(resultId: results[0]), options: county.admin)
        harness.session.clock.advance(by: 60)
        _ = try await county.api.publishResult(.init(resultId: results[1]), options: county.admin)
        // results[2] stays a draft.
        let anyone = harness.session.server.options(principal: "anonymous", unitPath: county.village, permissions: ["public.read"])
        let listed = try await county.api.listPublishedResults(.init(), options: anyone)
        #expect(listed.results.map(\.resultId) == [results[0], results[1]])
        let first = try #require(listed.results.first)
        #expect(first.title == "村道修缮" && first.text == "村道修缮一致同意" && first.state == .published && first.basis == .consensus)
        #expect(first.divisionCode == String(county.village.suffix(12)) && first.unitPath == county.village && first.votes == nil)
        #expect(first.noticeDays == 5 && first.noticeLastDay != nil && first.meetingAt != nil && first.filedAt == nil)
        // The period is [from, until).
        let window = try await county.api.listPublishedResults(
            .init(publishedFrom: stamp(start), publishedUntil: stamp(start.addingTimeInterval(60))), options: anyone)
        #expect(window.results.map(\.resultId) == [results[0]])
        // session.read is not public.read.
        await expectStatus(.permissionDenied) {
            try await county.api.listPublishedResults(.init(), options: county.caller("clerk", ["session.read"]))
        }
        await expectStatus(.invalidArgument) {
            try await county.api.listPublishedResults(.init(publishedFrom: stamp(start), publishedUntil: stamp(start)), options: anyone)
        }

        // An objection upheld: the result is a draft again and leaves the public listing.
        let objection = try await county.api.raiseObjection(.init(resultId: results[1], objector: "村民甲", text: "数量不够"), options: county.admin)
        _ = try await county.api.resolveObjection(.init(objectionId: objection.id, upheld: true, answer: "增加数量"), options: county.admin)
        #expect(try await county.api.listPublishedResults(.init(), options: anyone).results.map(\.resultId) == [results[0]])
        // The other is filed after its notice, still public, now with its filing.
        harness.session.clock.advance(by: 8 * 86400)
        _ = try await county.api.fileResult(.init(resultId: results[0]), options: county.admin)
        let filed = try await county.api.listPublishedResults(.init(), options: anyone).results
        #expect(filed.map(\.resultId) == [results[0]] && filed.first?.state == .filed && filed.first?.filedAt != nil)

        // The feed, after where it stood: every step, in order, no names.
        let changes = try await feed(county, after: feedStart)
        #expect(changes.map { "\($0.subject.suffix(36))/\($0.kind)/\($0.state)" } == [
            "\(results[0])/result.published/PUBLISHED", "\(results[1])/result.published/PUBLISHED",
            "\(results[1])/result.objection/RAISED", "\(results[1])/result.objection/RESOLVED", "\(results[0])/result.filed/FILED",
        ])
        #expect(changes[3].attributes.contains(.init(key: "outcome", value: "UPHELD")))
        #expect(changes[3].attributes.contains(.init(key: "result_state", value: "DRAFT")))
        #expect(changes.allSatisfy { change in change.attributes.allSatisfy { $0.value != "村民甲" } })
    }

    /// The session's own feed for the county after `after`, read two at a time and resumed.
    func feed(_ county: County, after start: Int64 = 0) async throws -> [ChangesV1.Change] {
        let api = ChangesV1.Changes.Client(county.harness.session.server.client)
        let options = county.harness.session.server.options(principal: "feed", unitPath: county.path, permissions: ["changes.read"])
        var after = start
        var changes: [ChangesV1.Change] = []
        for _ in 0..<50 {
            let page = try await api.listChanges(.init(afterSeq: after, limit: 2), options: options)
            changes += page.changes
            after = page.lastSeq
            if !page.more { break }
        }
        return changes
    }
}
