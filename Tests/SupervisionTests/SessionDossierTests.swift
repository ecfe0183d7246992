import AgendaAPI
import ChangesAPI
import Foundation
import SessionAPI
import SupervisionAPI
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// 一事一档 across the three services (issue 11 §6): agenda, session and supervision run for
/// real, each on its own database, talking only over RPC. A topic from the ledger is
/// approved, planned, sat on (a round, opinions, a vote), its result published, objected to
/// and filed; the filing reaches supervision through session's outbox and opens the case;
/// the dossier then shows every section in flow order with real content, people masked as
/// they must be, and both services' change feeds hold what happened, resumably.
@Suite(.supervisionService("sessdossier", region: 66, withSession: true), .serialized)
struct SessionDossierTests {
    @Test("a topic through meeting, vote, result, publication, objection and filing: GetDossier shows session's sections in order with real content")
    func dossierAcrossServices() async throws {
        let harness = try SupervisionHarness.current
        let county = harness.county()
        let village = county.village(1)
        let agendaHarness = try #require(harness.agenda)
        let sessionHarness = try #require(harness.session)
        let agenda = AgendaV1.Agenda.Client(agendaHarness.server.client)
        let session = SessionV1.Session.Client(sessionHarness.server.client)
        let clerk = agendaHarness.server.options(
            principal: "clerk", unitPath: county.path, permissions: ["agenda.read", "agenda.write", "agenda.rules", "agenda.advance"])
        let office = sessionHarness.server.options(
            principal: "镇干部", unitPath: county.path, permissions: ["session.read", "session.write", "session.vote"])
        func member(_ name: String) -> CallOptions {
            sessionHarness.server.options(principal: name, unitPath: county.path, permissions: ["session.read", "session.vote"])
        }

        // Agenda: a ledger item reported by a resident, the topic taken from it, adopted and planned.
        let item = try await agenda.recordItem(
            .init(unitPath: village, channel: .doorToDoor, category: .infrastructure, text: "村道破损严重", reporter: "张三丰", contact: "13800005678"),
            options: clerk)
        let created = try await agenda.createTopic(
            .init(unitPath: village, title: "村道修缮", category: .infrastructure, scale: .small, source: .ledger, itemIds: [item.id]),
            options: clerk)
        let committee = (1...5).map { "两委\($0)" }
        _ = try await agenda.approveTopic(
            .init(topicId: created.id, meetingOn: LocalDay.today(agendaHarness.clock), present: committee,
                  ballots: committee.map { AgendaV1.Ballot(voter: $0, vote: .for) }),
            options: clerk)
        _ = try await agenda.addResearchRecord(
            .init(topicId: created.id, kind: .siteVisit, summary: "实地查看村道", conductedOn: LocalDay.today(agendaHarness.clock)), options: clerk)
        let members = (1...5).map { "委员\($0)" }
        _ = try await agenda.publishMeetingPlan(
            .init(topicId: created.id, meetingAt: timestamp(harness.clock.now().addingTimeInterval(4 * 86400)), place: "村委会议室",
                  form: .deliberation, participants: members.map { AgendaV1.Participant(person: $0, role: .fixedMember) }
                      + [AgendaV1.Participant(person: "镇干部列席", role: .observer)],
                  agenda: ["讨论村道修缮方案"]),
            options: clerk)
        let topic = created.id

        // Session: the meeting from the plan; on the day, four members and the observer check in.
        let meeting = try await session.scheduleMeeting(
            .init(unitPath: village, body: .consultation, topicIds: [topic], host: "主持人王", recorder: "记录员李"), options: office)
        harness.advance(by: 4 * 86400)
        for person in members.prefix(4) + ["镇干部列席"] {
            _ = try await session.checkIn(.init(meetingId: meeting.id, person: person), options: office)
        }
        let opened = try await session.openMeeting(.init(meetingId: meeting.id), options: office)
        #expect(opened.quorum?.met == true)
        harness.advance(by: 600)
        _ = try await session.recordOpinion(
            .init(meetingId: meeting.id, topicId: topic, speaker: "委员1", position: .support, text: "尽快硬化村道"), options: office)
        harness.advance(by: 300)
        _ = try await session.recordOpinion(
            .init(meetingId: meeting.id, topicId: topic, speaker: "委员4", position: .oppose, text: "先筹措经费"), options: office)
        harness.advance(by: 600)
        let round = try await session.endRound(
            .init(meetingId: meeting.id, topicId: topic, outcome: .notReached, summary: "经费来源有分歧"), options: office)
        #expect(round.stage == .deliberating)
        // The vote: three of the four present in favour (过半数 of those present).
        harness.advance(by: 300)
        let vote = try await session.openVote(
            .init(meetingId: meeting.id, topicId: topic, question: "是否同意硬化村道1.2公里", method: .open), options: office)
        for (index, name) in members.prefix(4).enumerated() {
            _ = try await session.castVote(.init(voteId: vote.id, voter: name, choice: index < 3 ? .for : .against), options: member(name))
        }
        harness.advance(by: 300)
        let closed = try await session.closeVote(.init(voteId: vote.id), options: office)
        #expect(closed.tally?.passed == true)
        _ = try await session.closeMeeting(.init(meetingId: meeting.id), options: office)

        // Publication, an objection by a resident (dismissed), filing after the notice.
        let resultID = closed.resultId
        harness.advance(by: 86400)
        let published = try await session.publishResult(.init(resultId: resultID, noticeDays: 5), options: office)
        #expect(published.state == .published)
        harness.advance(by: 86400)
        let objection = try await session.raiseObjection(
            .init(resultId: resultID, objector: "李四喜", text: "施工期间影响通行"), options: office)
        harness.advance(by: 86400)
        _ = try await session.resolveObjection(
            .init(objectionId: objection.id, upheld: false, answer: "分段施工，保留便道"), options: office)
        harness.advance(by: 4 * 86400)
        let filed = try await session.fileResult(.init(resultId: resultID), options: office)
        #expect(filed.state == .filed && !filed.filingId.isEmpty)

        // The outbox: agenda learns the topic is filed, supervision opens the case.
        let deliverer = try harness.sessionDeliverer()
        var kase: SupervisionV1.ImplementationCase?
        var topicState = AgendaV1.TopicState.unspecified
        let end = ContinuousClock.now + .seconds(20)
        while kase == nil || topicState != .filed, ContinuousClock.now < end {
            _ = try? await deliverer.deliverPending()
            kase = try await county.api.listCases(.init(unitPath: village, topicId: topic), options: county.admin).cases.first
            topicState = try await agenda.getTopic(.init(topicId: topic), options: clerk).state
            if kase == nil || topicState != .filed { try await Task.sleep(for: .milliseconds(50)) }
        }
        #expect(topicState == .filed)
        let openedCase = try #require(kase, "the filing did not open a case")
        #expect(openedCase.filingId == filed.filingId && openedCase.resultId == resultID && openedCase.title == "村道修缮")
        let running = try await county.assign(openedCase)
        try await county.progress(running, percent: 60)

        // The dossier: every section in flow order, the session's with what happened.
        let dossier = try await county.api.getDossier(.init(topicId: topic), options: county.admin)
        #expect(dossier.sections.map(\.key) == DossierKeys.all)
        let sections = Dictionary(uniqueKeysWithValues: dossier.sections.map { ($0.key, $0) })
        for key in DossierKeys.session {
            #expect(sections[key]?.status == .available && sections[key]?.source == "session", "\(key): \(sections[key]?.unavailableReason ?? "missing")")
            #expect(sections[key]?.entries.allSatisfy { $0.kind != "none" } == true, "\(key) is empty")
        }
        func field(_ entry: SupervisionV1.DossierEntry?, _ name: String) -> String? { entry?.fields.first { $0.name == name }?.value }
        #expect(field(sections["ledger"]?.entries.first, "reporter") == "张**")
        #expect(field(sections["topic"]?.entries.first, "state")?.hasSuffix("filed") == true)
        #expect(sections["research"]?.entries.first?.summary == "实地查看村道" && sections["meeting_plan"]?.entries.first?.kind == "plan")
        let meetingEntry = sections["meetings"]?.entries.first
        #expect(sections["meetings"]?.entries.count == 1 && meetingEntry?.kind == "consultation")
        #expect(field(meetingEntry, "id") == meeting.id && field(meetingEntry, "place") == "村委会议室" && field(meetingEntry, "host") == "主持人王")
        let attendance = sections["attendance"]?.entries.first
        #expect(attendance?.kind == "quorate" && attendance?.summary.hasPrefix("应到 5 人，实到 4 人；列席 1 人") == true)
        #expect(field(attendance, "present") == "委员1、委员2、委员3、委员4" && field(attendance, "absent") == "委员5")
        #expect(sections["opinions"]?.entries.map(\.summary) == ["尽快硬化村道", "先筹措经费"])
        #expect(sections["opinions"]?.entries.map { field($0, "speaker") } == ["委员1", "委员4"])
        #expect(sections["rounds"]?.entries.map(\.kind) == ["notReached"] && field(sections["rounds"]?.entries.first, "summary") == "经费来源有分歧")
        let voteEntry = sections["votes"]?.entries.first
        #expect(voteEntry?.summary == "是否同意硬化村道1.2公里" && voteEntry?.kind == "closed")
        #expect(field(voteEntry, "in_favour") == "3" && field(voteEntry, "against") == "1" && field(voteEntry, "passed") == "通过 / passed")
        let outcome = sections["outcome"]?.entries.first
        #expect(outcome?.kind == "adopted" && field(outcome, "id") == resultID && field(outcome, "basis") == "表决 / vote")
        #expect(outcome?.summary.hasPrefix("是否同意硬化村道1.2公里") == true)
        #expect(sections["publication"]?.entries.first?.kind == "published" && field(sections["publication"]?.entries.first, "notice_days") == "5")
        let objectionEntry = sections["objections"]?.entries.first
        #expect(objectionEntry?.kind == "dismissed" && objectionEntry?.summary == "施工期间影响通行")
        #expect(field(objectionEntry, "objector") == "李**" && field(objectionEntry, "answer") == "分段施工，保留便道")
        #expect(field(sections["filing"]?.entries.first, "filing") == filed.filingId)
        #expect(sections["case"]?.entries.map(\.kind) == ["opened", "assigned"] && sections["progress"]?.entries.count == 1)
        // In time order within the path: the meeting before the vote before publication before filing.
        let instants = ["meetings", "votes", "publication", "filing", "case"].compactMap { sections[$0]?.entries.first?.at?.seconds }
        #expect(instants.count == 5 && instants == instants.sorted(), "\(instants)")
        let json = try await county.api.exportDossier(.init(topicId: topic, format: .json), options: county.admin)
        for secret in ["张三丰", "13800005678", "李四喜"] {
            #expect(!json.content.contains(secret), "\(secret) leaked into the dossier")
        }
        let markdown = try await county.api.exportDossier(.init(topicId: topic, format: .markdown), options: county.admin)
        #expect(markdown.content.contains("是否同意硬化村道1.2公里") && !markdown.content.contains("session service not configured"))

        // The case runs to its end and closes: the dossier is frozen with the session's sections.
        try await county.progress(running, percent: 100)
        _ = try await county.api.closeCase(.init(caseId: running.id, application: .full), options: county.admin)
        let frozen = try await county.api.getDossier(.init(topicId: topic), options: county.admin)
        #expect(frozen.frozen && frozen.hashVerified)
        #expect(frozen.sections.first { $0.key == "filing" }?.entries.first?.fields.contains { $0.value == filed.filingId } == true)

        // The change feeds: session's result changes and supervision's case changes, in order,
        // read in pages of two and resumed from the last position.
        let sessionFeed = try await feed(sessionHarness, at: county.path)
        #expect(sessionFeed.map { "\($0.kind)/\($0.state)" } == [
            "result.published/PUBLISHED", "result.objection/RAISED", "result.objection/RESOLVED", "result.filed/FILED",
        ])
        #expect(sessionFeed.allSatisfy { $0.subject == "result/\(resultID)" && $0.unitPath == village && $0.service == "session" })
        #expect(sessionFeed[2].attributes.contains(.init(key: "outcome", value: "DISMISSED")))
        #expect(sessionFeed[3].attributes.contains(.init(key: "filing", value: filed.filingId)))
        let supervisionFeed = try await feed(harness.base, at: county.path)
        #expect(supervisionFeed.map { "\($0.kind)/\($0.state)" } == [
            "case.opened/OPEN", "case.assigned/IN_PROGRESS", "case.progress/60", "case.progress/100", "case.closed/CLOSED",
        ])
        #expect(supervisionFeed.allSatisfy { $0.subject == "case/\(running.id)" && $0.service == "supervision" })
        #expect(supervisionFeed.last?.attributes.contains(.init(key: "application", value: "FULL")) == true)
        // No personal data leaves in the feed.
        for change in sessionFeed + supervisionFeed {
            for attribute in change.attributes {
                #expect(!["李四喜", "负责人甲", "张三丰"].contains(attribute.value), "\(change.kind): \(attribute.key)")
            }
        }
    }

    @Test("a topic that met but has no result yet: its meetings are shown, the later sections say there is nothing yet; another topic's meeting is not")
    func partialPath() async throws {
        let harness = try SupervisionHarness.current
        let county = harness.county()
        let village = county.village(1)
        let agendaHarness = try #require(harness.agenda)
        let sessionHarness = try #require(harness.session)
        let agenda = AgendaV1.Agenda.Client(agendaHarness.server.client)
        let session = SessionV1.Session.Client(sessionHarness.server.client)
        let clerk = agendaHarness.server.options(
            principal: "clerk", unitPath: county.path, permissions: ["agenda.read", "agenda.write", "agenda.rules", "agenda.advance"])
        let office = sessionHarness.server.options(principal: "镇干部", unitPath: county.path, permissions: ["session.read", "session.write"])
        var topics: [String] = []
        for title in ["路灯安装", "垃圾分类"] {
            let topic = try await agenda.createTopic(
                .init(unitPath: village, title: title, category: .infrastructure, scale: .urgent, source: .partyCommittee), options: clerk)
            let committee = (1...5).map { "两委\($0)" }
            _ = try await agenda.approveTopic(
                .init(topicId: topic.id, meetingOn: LocalDay.today(agendaHarness.clock), present: committee,
                      ballots: committee.map { AgendaV1.Ballot(voter: $0, vote: .for) }),
                options: clerk)
            _ = try await agenda.publishMeetingPlan(
                .init(topicId: topic.id, meetingAt: timestamp(harness.clock.now().addingTimeInterval(86400)), place: "村委会议室",
                      form: .deliberation, participants: [AgendaV1.Participant(person: "委员1", role: .fixedMember)], agenda: ["讨论"]),
                options: clerk)
            topics.append(topic.id)
        }
        _ = try await session.scheduleMeeting(
            .init(unitPath: village, body: .consultation, topicIds: [topics[0]], host: "主持人", recorder: "记录人"), options: office)
        let both = try await session.scheduleMeeting(
            .init(unitPath: village, body: .consultation, topicIds: topics, host: "主持人", recorder: "记录人"), options: office)
        // The dossier of a topic that met but has no result yet: meetings shown, the rest says so.
        let kase = try await county.open(at: village, topic: topics[1], title: "垃圾分类")
        let dossier = try await county.api.getDossier(.init(topicId: kase.topicId), options: county.admin)
        let sections = Dictionary(uniqueKeysWithValues: dossier.sections.map { ($0.key, $0) })
        #expect(sections["meetings"]?.entries.map { $0.fields.first { $0.name == "id" }?.value } == [both.id])
        #expect(sections["attendance"]?.entries.map(\.kind) == ["not_quorate"])
        #expect(sections["votes"]?.entries.map(\.kind) == ["none"] && sections["filing"]?.entries.map(\.kind) == ["none"])
        #expect(DossierKeys.session.allSatisfy { sections[$0]?.status == .available })
    }

    /// Every change of `harness`'s own feed under `unit`, read two at a time from the start,
    /// each page resumed after the previous page's last position.
    func feed(_ harness: ServiceHarness, at unit: String) async throws -> [ChangesV1.Change] {
        let api = ChangesV1.Changes.Client(harness.server.client)
        let options = harness.server.options(principal: "feed-reader", unitPath: unit, permissions: ["changes.read"])
        var changes: [ChangesV1.Change] = []
        var after: Int64 = 0
        for _ in 0..<50 {
            let page = try await api.listChanges(.init(afterSeq: after, limit: 2), options: options)
            #expect(page.changes.count <= 2)
            changes += page.changes
            #expect(page.lastSeq >= after)
            after = page.lastSeq
            if !page.more { break }
        }
        // Resumed at the end: nothing more.
        #expect(try await api.listChanges(.init(afterSeq: after), options: options).changes.isEmpty)
        #expect(changes.map(\.seq) == changes.map(\.seq).sorted() && Set(changes.map(\.seq)).count == changes.count)
        return changes
    }
}

enum DossierKeys {
    static let session = ["meetings", "attendance", "opinions", "rounds", "votes", "outcome", "publication", "objections", "filing"]
    static let all = ["ledger", "topic", "approval", "research", "meeting_plan"] + session
        + ["case", "progress", "checks", "reports", "feedback"]
}
