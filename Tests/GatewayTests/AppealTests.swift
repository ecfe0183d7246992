import AgendaAPI
import Foundation
import GatewayAPI
import GatewayRules
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinTesting

/// Appeal intake from government systems (12345 hotline work orders) and the closed loop as
/// their status (issue 12 item 6).
@Suite(.gateway("gw_appeals"))
struct AppealTests {
    func appeal(_ id: String, county: TestCounty, town: Int = 1, text: String = "路灯不亮", responder: String = "") -> GatewayV1.SubmitAppealRequest {
        GatewayV1.SubmitAppealRequest(externalId: id, divisionCode: county.villageCode(town), category: .infrastructure, text: text,
                                      reporter: "李四", contact: "13900001234", responder: responder)
    }

    func count(_ sql: String, _ binds: [PostgresValue]) async throws -> Int {
        try await GatewayHarness.current.membership.superuser.query(sql, binds).first?[0].decode(Int.self) ?? -1
    }

    @Test("a work order pushed twenty times at once and again later lands in the ledger once, with one appeal, one audit entry and one change")
    func exactlyOnce() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let hotline = try await harness.integration("hotline-\(county.number)", county: county)
        let id = "GD20260101\(county.number)"
        let answers = try await withThrowingTaskGroup(of: GatewayV1.Appeal.self) { group in
            for _ in 0..<20 {
                group.addTask { try await harness.gateway.api.submitAppeal(appeal(id, county: county), options: hotline) }
            }
            var answers: [GatewayV1.Appeal] = []
            for try await answer in group { answers.append(answer) }
            return answers
        }
        let again = try await harness.gateway.api.submitAppeal(appeal(id, county: county, text: "重复推送，内容不同"), options: hotline)
        let items = Set(answers.map(\.itemId) + [again.itemId])
        #expect(items.count == 1)
        #expect(answers.allSatisfy { $0.stage == .accepted && $0.divisionCode == county.villageCode(1) && $0.unitPath == county.villagePath(1) })
        let reference = "hotline-\(county.number):\(id)"
        #expect(try await count("SELECT count(*) FROM agenda.items WHERE external_ref = $1", [.text(reference)]) == 1)
        #expect(try await count("SELECT count(*) FROM gateway.appeals WHERE external_id = $1", [.text(id)]) == 1)
        #expect(try await count("SELECT count(*) FROM audit.entries WHERE method = 'SubmitAppeal' AND target = $1", [.text("appeal/\(reference)")]) == 1)
        #expect(try await count("SELECT count(*) FROM audit.entries WHERE method = 'RecordItem' AND detail->>'external_ref' = $1", [.text(reference)]) == 1)
        #expect(try await count("SELECT count(*) FROM kit.changes WHERE external_ref = $1 AND kind = 'appeal.accepted'", [.text(reference)]) == 1)
        #expect(try await count("SELECT count(*) FROM kit.changes WHERE external_ref = $1 AND kind = 'item.status'", [.text(reference)]) == 1)
        // The ledger dedups on the reference by itself: agenda's RecordItem through the gateway
        // with the same reference answers the same item.
        let direct = try await harness.gateway.agenda.recordItem(
            .init(unitPath: county.villagePath(1), channel: .governmentHotline, category: .infrastructure, text: "直接登记",
                  externalRef: reference), options: hotline)
        #expect(direct.id == again.itemId)
        // The item keeps the reporter; the contact is sealed and shown masked to the hotline (no pii.read).
        let item = try await harness.gateway.agenda.getItem(.init(itemId: again.itemId), options: hotline)
        #expect(item.channel == .governmentHotline && item.reporter == "李四" && item.contact == "*******1234" && !item.piiVisible)
        #expect(item.text == "路灯不亮")
    }

    @Test("the closed loop 受理→派单→办理→回复→督办→办结→回访→评价, each step where its owner records it")
    func closedLoop() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let hotline = try await harness.integration("hotline-loop-\(county.number)", county: county)
        let clerk = try await harness.session("clerk-loop-\(county.number)", .villageClerk, at: county.villagePath(1), county: county)
        let api = harness.gateway.api
        let id = "GD-LOOP-\(county.number)"
        var appeal = try await api.submitAppeal(appeal(id, county: county), options: hotline)
        #expect(appeal.stage == .accepted && appeal.steps.map(\.stage) == [.accepted])
        func event(_ kind: GatewayV1.AppealEventKind, _ eventID: String, satisfaction: GatewayV1.Satisfaction = .unspecified) async throws -> GatewayV1.Appeal {
            try await api.recordAppealEvent(.init(externalId: id, kind: kind, eventId: eventID, note: "按时处理", satisfaction: satisfaction), options: hotline)
        }
        // 办结 before any reply, 回访 before 办结: refused, naming the rule.
        await expectRule(.failedPrecondition, "appeal.not_replied") { try await event(.close, "C1") }
        await expectRule(.failedPrecondition, "appeal.not_closed") { try await event(.revisit, "V1") }
        // 催办 before the reply is recorded, the stage waits for the reply.
        appeal = try await event(.supervise, "S1")
        #expect(appeal.stage == .accepted && appeal.events.map(\.eventId) == ["S1"])
        // 派单 and 办理: the village names who answers and studies it.
        _ = try await harness.gateway.agenda.answerItem(.init(itemId: appeal.itemId, status: .underStudy, responder: "王主任"), options: clerk)
        appeal = try await api.getAppeal(.init(externalId: id), options: hotline)
        #expect(appeal.stage == .handling)
        #expect(appeal.steps.map(\.stage) == [.accepted, .dispatched, .handling])
        // 回复: answered in the ledger; the answer travels to the hotline.
        _ = try await harness.gateway.agenda.answerItem(.init(itemId: appeal.itemId, status: .answered, answer: "已更换路灯"), options: clerk)
        appeal = try await api.getAppeal(.init(externalId: id), options: hotline)
        #expect(appeal.stage == .supervised)  // the earlier 督办 counts once replied
        #expect(appeal.replies.map(\.answer) == ["已更换路灯"])
        #expect(appeal.replies.first?.status == .answered)
        appeal = try await event(.close, "C1")
        #expect(appeal.stage == .closed)
        // A repeat of the same event id changes nothing; the same id for another kind is refused.
        #expect(try await event(.close, "C1").events.count == 2)
        await expectRule(.invalidArgument, nil) { try await event(.revisit, "C1") }
        await expectRule(.failedPrecondition, "appeal.already_closed") { try await event(.close, "C2") }
        await expectRule(.failedPrecondition, "appeal.closed") { try await event(.supervise, "S2") }
        appeal = try await event(.revisit, "V1")
        #expect(appeal.stage == .revisited)
        await expectRule(.invalidArgument, nil) { try await event(.rate, "R1") }  // no satisfaction
        appeal = try await event(.rate, "R1", satisfaction: .satisfied)
        #expect(appeal.stage == .rated)
        #expect(appeal.steps.map(\.stage) == [.accepted, .dispatched, .handling, .replied, .supervised, .closed, .revisited, .rated])
        #expect(appeal.events.last?.satisfaction == .satisfied)
        // A reader of the county (the town administrator) sees it too, naming the source.
        let town = try await harness.session("town-loop-\(county.number)", .townAdmin, at: county.townPath(1), county: county)
        let seen = try await api.getAppeal(.init(externalId: id, source: "hotline-loop-\(county.number)"), options: town)
        #expect(seen.stage == .rated)
        // Audited: the submission and each event, in the village's chain, the hotline as principal.
        let methods = try await harness.membership.superuser.query(
            "SELECT method, principal FROM audit.entries WHERE target = $1 ORDER BY occurred_at, seq", [.text("appeal/hotline-loop-\(county.number):\(id)")])
        #expect(try methods.map { try $0[0].decode(String.self) } == ["SubmitAppeal"] + Array(repeating: "RecordAppealEvent", count: 4))
        #expect(try methods.allSatisfy { try $0[1].decode(String.self) == "hotline-loop-\(county.number)" })
    }

    @Test("an appeal follows the item it is merged into, and a topic that takes it up until the result is published")
    func followsMergeAndTopic() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let hotline = try await harness.integration("hotline-follow-\(county.number)", county: county)
        let admin = try await harness.session("admin-follow-\(county.number)", .townAdmin, at: county.townPath(1), county: county)
        let api = harness.gateway.api
        let agenda = harness.gateway.agenda
        // Merged into an item raised at a door-to-door visit, which is then answered.
        let merged = try await api.submitAppeal(appeal("GD-M-\(county.number)", county: county), options: hotline)
        let local = try await agenda.recordItem(.init(unitPath: county.villagePath(1), channel: .doorToDoor, category: .infrastructure,
                                                      text: "村口路灯坏了"), options: admin)
        _ = try await agenda.mergeItems(.init(targetId: local.id, sourceIds: [merged.itemId]), options: admin)
        var status = try await api.getAppeal(.init(externalId: "GD-M-\(county.number)"), options: hotline)
        #expect(status.stage == .accepted)
        _ = try await agenda.answerItem(.init(itemId: local.id, status: .answered, answer: "已统一维修", responder: "张书记"), options: admin)
        status = try await api.getAppeal(.init(externalId: "GD-M-\(county.number)"), options: hotline)
        #expect(status.stage == .replied)
        #expect(status.replies.map(\.itemId) == [local.id] && status.replies.map(\.answer) == ["已统一维修"])

        // Taken up by an urgent topic: handling until the consultation's result is published.
        let topical = try await api.submitAppeal(appeal("GD-T-\(county.number)", county: county, text: "村道积水"), options: hotline)
        let topic = try await agenda.createTopic(.init(unitPath: county.villagePath(1), title: "村道排水", category: .infrastructure,
                                                       scale: .urgent, source: .ledger, itemIds: [topical.itemId]), options: admin)
        status = try await api.getAppeal(.init(externalId: "GD-T-\(county.number)"), options: hotline)
        #expect(status.stage == .handling)
        let names = ["委员1", "委员2", "委员3"]
        _ = try await agenda.approveTopic(.init(topicId: topic.id, meetingOn: .init(year: 2026, month: 1, day: 1), present: names,
                                                ballots: names.map { .init(voter: $0, vote: .for) }), options: admin)
        let meetingAt = harness.clock.now().addingTimeInterval(3600)
        _ = try await agenda.publishMeetingPlan(.init(topicId: topic.id, meetingAt: .init(seconds: Int64(meetingAt.timeIntervalSince1970)),
                                                      place: "村委会", participants: [.init(person: "委员1", role: .fixedMember)],
                                                      agenda: ["排水方案"]), options: admin)
        for state in [AgendaV1.TopicState.inMeeting, .resolved] {
            _ = try await agenda.advanceTopic(.init(topicId: topic.id, to: state), options: admin)
        }
        #expect(try await api.getAppeal(.init(externalId: "GD-T-\(county.number)"), options: hotline).stage == .handling)
        _ = try await agenda.advanceTopic(.init(topicId: topic.id, to: .published), options: admin)
        status = try await api.getAppeal(.init(externalId: "GD-T-\(county.number)"), options: hotline)
        #expect(status.stage == .replied)
        #expect(status.replies.first?.topicId == topic.id && status.replies.first?.topicState == .published)
    }

    @Test("units by division code: a code outside the client's grant or unknown is NOT_FOUND, a malformed one INVALID_ARGUMENT; another client's work order does not exist")
    func divisionCodes() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let town1 = try await harness.integration("hotline-t1-\(county.number)", county: county, at: county.townPath(1))
        let api = harness.gateway.api
        _ = try await api.submitAppeal(appeal("GD-D-\(county.number)", county: county), options: town1)
        await expectRule(.notFound, nil) { try await api.submitAppeal(appeal("GD-D2-\(county.number)", county: county, town: 2), options: town1) }
        var unknown = appeal("GD-D3-\(county.number)", county: county)
        unknown.divisionCode = String(county.code.prefix(6)) + "009009"
        await expectRule(.notFound, nil) { try await api.submitAppeal(unknown, options: town1) }
        var malformed = appeal("GD-D4-\(county.number)", county: county)
        malformed.divisionCode = "33x"
        await expectRule(.invalidArgument, nil) { try await api.submitAppeal(malformed, options: town1) }
        await expectRule(.invalidArgument, nil) { try await api.submitAppeal(appeal("工单 1", county: county), options: town1) }
        var uncategorised = appeal("GD-D5-\(county.number)", county: county)
        uncategorised.category = .unspecified
        await expectRule(.invalidArgument, nil) { try await api.submitAppeal(uncategorised, options: town1) }
        // The same work order id from another system is another appeal.
        let other = try await harness.integration("platform-\(county.number)", county: county)
        let second = try await api.submitAppeal(appeal("GD-D-\(county.number)", county: county), options: other)
        let first = try await api.getAppeal(.init(externalId: "GD-D-\(county.number)"), options: town1)
        #expect(first.itemId != second.itemId)
        // Another client's work order, named or not: it records nothing on it, and a work order of its own name does not exist.
        await expectRule(.notFound, nil) {
            try await api.recordAppealEvent(.init(externalId: "GD-D3-\(county.number)", kind: .supervise, eventId: "S"), options: other)
        }
        // Only integration clients submit: a town administrator may read appeals, not push them.
        let admin = try await harness.session("admin-d-\(county.number)", .townAdmin, at: county.townPath(1), county: county)
        await expectRule(.permissionDenied, nil) { try await api.submitAppeal(appeal("GD-D6-\(county.number)", county: county), options: admin) }
        // A client of another county finds nothing of this one.
        let elsewhere = try await harness.county()
        let foreign = try await harness.integration("hotline-x-\(elsewhere.number)", county: elsewhere)
        await expectRule(.notFound, nil) { try await api.submitAppeal(appeal("GD-X-\(county.number)", county: county), options: foreign) }
        await expectRule(.notFound, nil) {
            try await api.getAppeal(.init(externalId: "GD-D-\(county.number)", source: "hotline-t1-\(county.number)"), options: foreign)
        }
    }
}

@Suite(.gateway("gw_appeal_schema"))
struct AppealSchemaTests {
    @Test("the appeal tables and the change feed are tenant tables: forced row-level security, the county leading every key")
    func distributable() async throws {
        let superuser = try GatewayHarness.current.membership.superuser
        try await assertDistributable(schema: "gateway", on: superuser)
        try await assertDistributable(schema: "kit", on: superuser)
        let rows = try await superuser.query(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE (n.nspname, c.relname) IN (('gateway', 'appeals'), ('gateway', 'appeal_events'), ('kit', 'changes'))
               AND c.relrowsecurity AND c.relforcerowsecurity
            """)
        #expect(rows.count == 3)
    }
}

/// Expects `body` to fail with `code` and, when given, the error detail's `rule`.
func expectRule<T>(_ code: Status.Code, _ rule: String?, sourceLocation: SourceLocation = #_sourceLocation,
                   _ body: () async throws -> T) async {
    do {
        _ = try await body()
        Issue.record("expected \(code) \(rule ?? ""), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
        if let rule { #expect(error.detail?.rule == rule, "\(error)", sourceLocation: sourceLocation) }
    } catch {
        Issue.record("expected an RPCError \(code), got \(error)", sourceLocation: sourceLocation)
    }
}
