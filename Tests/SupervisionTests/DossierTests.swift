import AgendaAPI
import Foundation
import SupervisionAPI
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinTesting

/// 一事一档 (issue 11 §6) across services: agenda runs beside supervision and the dossier
/// reads it over RPC; the session's sections say they are unavailable; a closed case's
/// dossier is frozen with its content hash.
@Suite(.supervisionService("dossier", region: 64, withAgenda: true), .serialized)
struct DossierTests {
    @Test("a full dossier: agenda's path, session's sections unavailable by name, the case; JSON and Markdown; frozen on closing")
    func fullDossier() async throws {
        let harness = try SupervisionHarness.current
        harness.clock.set(SupervisionHarness.startOfTime)
        let county = harness.county()
        let village = county.village(1)
        // The agenda side: a ledger item, a topic from it, adopted, researched, a meeting plan.
        let agenda = AgendaV1.Agenda.Client(harness.agenda!.server.client)
        let clerk = harness.agenda!.server.options(
            principal: "clerk", unitPath: county.path, permissions: ["agenda.read", "agenda.write", "agenda.advance"])
        let item = try await agenda.recordItem(
            .init(unitPath: village, channel: .doorToDoor, category: .infrastructure, text: "村道破损严重", reporter: "张三丰", contact: "13800005678"),
            options: clerk)
        let topic = try await agenda.createTopic(
            .init(unitPath: village, title: "村道修缮", category: .infrastructure, scale: .small, source: .ledger, itemIds: [item.id]),
            options: clerk)
        let names = (1...5).map { "委员\($0)" }
        _ = try await agenda.approveTopic(
            .init(topicId: topic.id, meetingOn: .init(year: 2025, month: 3, day: 3), present: names,
                  ballots: names.map { AgendaV1.Ballot(voter: $0, vote: .for) }),
            options: clerk)
        _ = try await agenda.addResearchRecord(
            .init(topicId: topic.id, kind: .siteVisit, summary: "实地查看村道", conductedOn: .init(year: 2025, month: 3, day: 3)), options: clerk)

        // The supervision side: the filed result's case, run and rated.
        let kase = try await county.assign(try await county.open(at: village, topic: topic.id, title: "村道修缮"))
        try await county.progress(kase, percent: 100)
        _ = try await county.api.inviteFeedback(.init(caseId: kase.id, residents: ["居民1"]), options: county.admin)
        _ = try await county.api.submitFeedback(.init(caseId: kase.id, rating: .satisfied, comment: "满意"), options: county.resident("居民1", at: village))

        let dossier = try await county.api.getDossier(.init(topicId: topic.id), options: county.admin)
        #expect(!dossier.frozen && dossier.caseIds == [kase.id] && dossier.title == "村道修缮")
        #expect(dossier.sections.map(\.key) == [
            "ledger", "topic", "approval", "research", "meeting_plan", "meetings", "attendance", "opinions", "rounds", "votes",
            "outcome", "publication", "objections", "filing", "case", "progress", "checks", "reports", "feedback",
        ])
        let sections = Dictionary(uniqueKeysWithValues: dossier.sections.map { ($0.key, $0) })
        let ledger = try #require(sections["ledger"])
        #expect(ledger.status == .available && ledger.source == "agenda")
        let reporter = ledger.entries.first?.fields.first { $0.name == "reporter" }?.value
        #expect(reporter == "张**", "the reporter is masked")
        #expect(ledger.entries.first?.fields.first { $0.name == "contact" }?.value != "13800005678")
        #expect(sections["topic"]?.entries.first?.summary == "村道修缮")
        #expect(sections["approval"]?.entries.first?.kind == "adopted")
        #expect(sections["research"]?.entries.first?.summary == "实地查看村道")
        #expect(sections["meeting_plan"]?.entries.first?.kind == "none")
        for key in ["meetings", "attendance", "opinions", "rounds", "votes", "outcome", "publication", "objections", "filing"] {
            #expect(sections[key]?.status == .unavailable && sections[key]?.unavailableReason == "unavailable: session service not configured", "\(key)")
        }
        #expect(sections["case"]?.entries.map(\.kind) == ["opened", "assigned", "completed"])
        #expect(sections["progress"]?.entries.count == 1 && sections["feedback"]?.entries.first?.summary == "满意")

        let json = try await county.api.exportDossier(.init(topicId: topic.id, format: .json), options: county.admin)
        #expect(json.contentType == "application/json" && json.content.contains("\"topic_id\":\"\(topic.id)\"") && json.contentHash.count == 64)
        let markdown = try await county.api.exportDossier(.init(topicId: topic.id, format: .markdown), options: county.admin)
        #expect(markdown.content.hasPrefix("# 一事一档 · Dossier: 村道修缮"))
        #expect(markdown.content.contains("> unavailable: session service not configured"))

        // Closing freezes it: the stored copy is answered from then on, its hash checked.
        harness.clock.set(instant("2025-03-10T10:00:00+08:00"))
        _ = try await county.api.closeCase(.init(caseId: kase.id, application: .full), options: county.admin)
        _ = try await agenda.recordItem(.init(unitPath: village, channel: .mailbox, category: .other, text: "后来的问题"), options: clerk)
        let frozen = try await county.api.getDossier(.init(topicId: topic.id), options: county.admin)
        #expect(frozen.frozen && frozen.hashVerified && frozen.assembledAt == timestamp(instant("2025-03-10T10:00:00+08:00")))
        #expect(frozen.sections.first { $0.key == "case" }?.entries.map(\.kind) == ["opened", "assigned", "completed", "closed"])
        let frozenJSON = try await county.api.exportDossier(.init(topicId: topic.id, format: .json), options: county.admin)
        #expect(frozenJSON.frozen && frozenJSON.contentHash == frozen.contentHash)
        // Edited in the database, the frozen copy no longer matches its hash.
        _ = try await harness.superuser.query(
            "UPDATE supervision.dossiers SET content = replace(content, '满意', '不满意') WHERE topic_id = $1::uuid", [.text(topic.id)])
        let altered = try await county.api.getDossier(.init(topicId: topic.id), options: county.admin)
        #expect(altered.frozen && !altered.hashVerified)
        await expectStatus(.notFound) { try await county.api.getDossier(.init(topicId: UUID().canonicalText), options: county.admin) }
    }
}
