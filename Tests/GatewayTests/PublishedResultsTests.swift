import AgendaAPI
import ChangesAPI
import Foundation
import GatewayAPI
import SessionAPI
import SessionCore
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// 公开结果 in the open-data export (issue 12 item 6): a session service runs beside the
/// harness's agenda on the same database, and a gateway that routes it exports the
/// published and filed results of a unit and period — as JSON and CSV, to anyone, without
/// anyone's name — while a draft stays out; the same gateway's change feed carries the
/// session's result changes.
@Suite(.gateway("gw_results"), .serialized)
struct PublishedResultsTests {
    /// The session service on the harness's database (`session_svc`), reading agenda's topics
    /// and plans, with a gateway that routes it beside membership and agenda.
    final class SessionBeside: Sendable {
        let server: TestServer
        let pool: PostgresPool
        let gateway: GatewayServer

        init(server: TestServer, pool: PostgresPool, gateway: GatewayServer) {
            self.server = server
            self.pool = pool
            self.gateway = gateway
        }

        static func start(_ harness: GatewayHarness) async throws -> SessionBeside {
            try await SharedMigrations.apply(
                try SessionMigrations.all(), schema: "session", ownerURL: harness.membership.database.url(role: "session_owner"),
                logger: TestDatabase.logger)
            let pool = try harness.membership.database.pool(role: "session_svc")
            let directory = AgendaTopicDirectory(client: harness.agenda.client, tokens: TokenAuthority(secret: TestServer.defaultSecret))
            let server = try await TestServer.start(
                services: [SessionService(environment: SessionEnvironment(pool: pool, clock: harness.clock, topics: directory, logger: TestDatabase.logger))],
                serviceName: "session", pool: pool, authority: GatewayHarness.membershipAuthority, clock: harness.clock, authClock: SystemClock())
            var routes = harness.routes
            routes["session"] = [("127.0.0.1", server.port)]
            let gateway = try await GatewayServer.start(pool: harness.gatewayPool, clock: harness.clock, routes: routes)
            return SessionBeside(server: server, pool: pool, gateway: gateway)
        }

        func shutdown() async {
            await gateway.shutdown()
            await server.shutdown()
            await pool.close()
        }
    }

    /// A topic at `unit` adopted and planned at agenda, sat on at session until consensus:
    /// its draft result's id.
    func consensus(_ title: String, at unit: String, county: TestCounty, session: SessionBeside) async throws -> String {
        let harness = try GatewayHarness.current
        let agenda = AgendaV1.Agenda.Client(harness.agenda.client)
        let clerk = harness.agenda.options(principal: "镇干部", unitPath: county.path,
                                           permissions: ["agenda.read", "agenda.write", "agenda.rules", "agenda.advance"])
        let topic = try await agenda.createTopic(
            .init(unitPath: unit, title: title, category: .infrastructure, scale: .urgent, source: .partyCommittee), options: clerk)
        let committee = (1...5).map { "两委\($0)" }
        let today = try day(harness.clock.now())
        _ = try await agenda.approveTopic(
            .init(topicId: topic.id, meetingOn: today, present: committee, ballots: committee.map { AgendaV1.Ballot(voter: $0, vote: .for) }),
            options: clerk)
        let members = ["委员张三", "委员李四", "委员王五"]
        _ = try await agenda.publishMeetingPlan(
            .init(topicId: topic.id, meetingAt: ChangeFeed.timestamp(harness.clock.now().addingTimeInterval(3600)), place: "村委会议室",
                  form: .deliberation, participants: members.map { AgendaV1.Participant(person: $0, role: .fixedMember) }, agenda: ["讨论"]),
            options: clerk)
        let api = SessionV1.Session.Client(session.server.client)
        let office = session.server.options(principal: "镇干部", unitPath: county.path, permissions: ["session.read", "session.write"])
        let meeting = try await api.scheduleMeeting(
            .init(unitPath: unit, body: .consultation, topicIds: [topic.id], host: "主持人赵六", recorder: "记录员钱七"), options: office)
        for member in members { _ = try await api.checkIn(.init(meetingId: meeting.id, person: member), options: office) }
        _ = try await api.openMeeting(.init(meetingId: meeting.id), options: office)
        _ = try await api.recordOpinion(
            .init(meetingId: meeting.id, topicId: topic.id, speaker: "委员张三", position: .support, text: "同意"), options: office)
        let progress = try await api.endRound(
            .init(meetingId: meeting.id, topicId: topic.id, outcome: .consensus, summary: "\(title)：一致同意"), options: office)
        return progress.resultId
    }

    func day(_ date: Date) throws -> CommonV1.Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "Asia/Shanghai"))
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        return .init(year: Int32(parts.year!), month: Int32(parts.month!), day: Int32(parts.day!))
    }

    @Test("a published and a filed result are exported as JSON and CSV to anyone, without names; a draft is not; the feed carries the result changes")
    func publishedResults() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let session = try await SessionBeside.start(harness)
        do {
            try await exercise(harness, county, session)
        } catch {
            await session.shutdown()
            throw error
        }
        await session.shutdown()
    }

    func exercise(_ harness: GatewayHarness, _ county: TestCounty, _ session: SessionBeside) async throws {
        let api = SessionV1.Session.Client(session.server.client)
        let office = session.server.options(
            principal: "镇干部", unitPath: county.path, permissions: ["session.read", "session.write", "session.vote", "public.read"])
        let start = harness.clock.now()
        let feedReader = try await harness.integration("results-feed-\(county.number)", county: county)
        let before = try await session.gateway.api.listChanges(.init(), options: feedReader)

        // Three results at village 1: one filed after its notice, one published, one left a draft;
        // and one published at village 2.
        let filedID = try await consensus("村道修缮", at: county.villagePath(1), county: county, session: session)
        let publishedID = try await consensus("路灯安装", at: county.villagePath(1), county: county, session: session)
        let draftID = try await consensus("垃圾分类", at: county.villagePath(1), county: county, session: session)
        let otherID = try await consensus("水渠清淤", at: county.villagePath(2), county: county, session: session)
        _ = try await api.publishResult(.init(resultId: filedID, noticeDays: 3), options: office)
        _ = try await api.raiseObjection(.init(resultId: filedID, objector: "村民孙八", text: "工期太长"), options: office)
        let objection = try await api.listObjections(.init(resultId: filedID), options: office).objections[0]
        _ = try await api.resolveObjection(.init(objectionId: objection.id, upheld: false, answer: "已压缩工期"), options: office)
        harness.clock.advance(by: 60)
        _ = try await api.publishResult(.init(resultId: publishedID), options: office)
        harness.clock.advance(by: 60)
        _ = try await api.publishResult(.init(resultId: otherID), options: office)
        // After the notice (holidays moved past): filed.
        harness.clock.advance(by: 8 * 86400)
        let filed = try await api.fileResult(.init(resultId: filedID), options: office)
        #expect(filed.state == .filed)

        // JSON, anonymously, by the village's division code.
        let from = try day(start.addingTimeInterval(-86400))
        let until = try day(start.addingTimeInterval(2 * 86400))
        let anonymous = CallOptions(timeout: .seconds(20))
        let json = try await session.gateway.api.exportOpenData(
            .init(divisionCode: county.villageCode(1), from: from, until: until, format: .json, sections: ["results"]), options: anonymous)
        let results = try #require(json.sections.first { $0.name == "results" })
        #expect(results.available && results.recordCount == 2 && results.contentType == "application/json", "\(results.unavailableReason)")
        let records = try #require(try JSONSerialization.jsonObject(with: Data(results.content.utf8)) as? [[String: String]])
        #expect(records.map { $0["result_id"] } == [filedID, publishedID])
        #expect(!records.contains { $0["result_id"] == draftID || $0["result_id"] == otherID })
        let first = try #require(records.first)
        #expect(first["topic_title"] == "村道修缮" && first["division_code"] == county.villageCode(1) && first["basis"] == "consensus")
        #expect(first["state"] == "filed" && first["adopted"] == "true" && first["notice_days"] == "3" && first["objection_count"] == "1")
        #expect(first["filed_at"]?.isEmpty == false && first["published_at"]?.isEmpty == false && first["votes_for"] == "")
        #expect(first["text"] == "村道修缮：一致同意")
        #expect(records.last?["state"] == "published" && records.last?["filed_at"] == "")
        for secret in ["委员张三", "委员李四", "主持人赵六", "记录员钱七", "村民孙八", "已压缩工期", "工期太长"] {
            #expect(!results.content.contains(secret), "\(secret) leaked")
        }

        // CSV for the town: both villages' public results, the draft still absent.
        let portal = try await harness.integration("results-portal-\(county.number)", county: county)
        let csv = try await session.gateway.api.exportOpenData(
            .init(divisionCode: county.townCode(1), from: from, until: until, format: .csv), options: portal)
        let notices = try #require(csv.sections.first { $0.name == "notices" })
        #expect(notices.available && notices.recordCount == 0)
        let table = try #require(csv.sections.first { $0.name == "results" })
        #expect(table.available && table.recordCount == 2 && table.contentType == "text/csv; charset=utf-8")
        let lines = table.content.split(separator: "\r\n")
        #expect(lines.first == "result_id,topic_id,topic_title,division_code,basis,adopted,state,meeting_at,published_at,notice_days,notice_last_day,filed_at,votes_for,votes_against,votes_abstaining,objection_count,text")
        #expect(lines.count == 3 && lines[1].hasPrefix(filedID + ",") && lines[2].hasPrefix(publishedID + ","))
        let county2 = try await session.gateway.api.exportOpenData(
            .init(divisionCode: county.code, from: from, until: until, format: .csv, sections: ["results"]), options: portal)
        #expect(county2.sections.first?.recordCount == 3 && county2.sections.first?.content.contains(otherID) == true)
        #expect(county2.sections.first?.content.contains(draftID) == false)
        // A period before any publication: available and empty.
        let earlier = try await session.gateway.api.exportOpenData(
            .init(divisionCode: county.villageCode(1), from: .init(year: 2020, month: 1, day: 1), until: .init(year: 2020, month: 2, day: 1),
                  format: .json, sections: ["results"]), options: anonymous)
        #expect(earlier.sections.first?.available == true && earlier.sections.first?.recordCount == 0 && earlier.sections.first?.content == "[]")

        // The listing itself pages by key and refuses a reversed period.
        let pageOne = try await api.listPublishedResults(.init(unitPath: county.path, page: .init(pageSize: 2)), options: office)
        #expect(pageOne.results.count == 2 && !(pageOne.page?.nextPageToken ?? "").isEmpty)
        let pageTwo = try await api.listPublishedResults(
            .init(unitPath: county.path, page: .init(pageSize: 2, pageToken: pageOne.page?.nextPageToken ?? "")), options: office)
        #expect((pageOne.results + pageTwo.results).map(\.resultId).sorted() == [filedID, publishedID, otherID].sorted())
        #expect(pageTwo.page?.nextPageToken == "")
        await expectRule(.invalidArgument, nil) {
            try await api.listPublishedResults(
                .init(publishedFrom: ChangeFeed.timestamp(start), publishedUntil: ChangeFeed.timestamp(start.addingTimeInterval(-1))), options: office)
        }

        // The gateway's feed holds the session's result changes after the earlier cursor, in order.
        var cursor = before.nextCursor
        var changes: [ChangesV1.Change] = []
        for _ in 0..<20 {
            let page = try await session.gateway.api.listChanges(.init(cursor: cursor, limit: 3), options: feedReader)
            changes += page.changes
            cursor = page.nextCursor
            #expect(page.unavailable.isEmpty)
            if !page.more { break }
        }
        let results2 = changes.filter { $0.service == "session" }
        #expect(results2.filter { $0.subject == "result/\(filedID)" }.map { "\($0.kind)/\($0.state)" } == [
            "result.published/PUBLISHED", "result.objection/RAISED", "result.objection/RESOLVED", "result.filed/FILED",
        ])
        #expect(results2.filter { $0.subject == "result/\(draftID)" }.isEmpty)
        #expect(results2.map(\.seq) == results2.map(\.seq).sorted())
        #expect(Set(results2.map(\.subject)) == ["result/\(filedID)", "result/\(publishedID)", "result/\(otherID)"])
        let quiet = try await session.gateway.api.listChanges(.init(cursor: cursor), options: feedReader)
        #expect(quiet.changes.isEmpty)
    }
}
