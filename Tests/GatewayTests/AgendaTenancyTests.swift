import AgendaAPI
import Foundation
import GatewayAPI
import GatewayRules
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinTesting

/// Every agenda method through the gateway as a principal of another town: nothing crosses
/// (issue 12, "a test matrix runs every RPC method against principals of another town").
@Suite(.gateway("gw_agenda_tenancy"))
struct AgendaTenancyTests {
    @Test("every agenda method, acting for another town, its village or the county: NOT_FOUND for reads, PERMISSION_DENIED for actions")
    func actingElsewhere() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let town = try await harness.session("agenda-matrix-\(county.number)", .townAdmin, at: county.townPath(1), county: county)
        for method in AgendaV1.Agenda.allMethods {
            for target in [county.townPath(2), county.villagePath(2), county.path] {
                let code = await statusOf {
                    _ = try await harness.gateway.client.unaryBytes(
                        path: method.path, idempotent: method.idempotent, payload: [], options: with(town, unit: target))
                }
                #expect(code == (method.readOnly ? .notFound : .permissionDenied), "\(method.path) at \(target)")
            }
        }
    }

    @Test("every agenda method, acting for its own town but naming the other town's units, items and topics: NOT_FOUND, and nothing changes there")
    func namingTheOtherTown() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let owner = harness.tool(at: county.path, ["agenda.read", "agenda.write", "agenda.rules", "agenda.advance"])
        let agenda = harness.gateway.agenda
        let village2 = county.villagePath(2)
        // Town 2's ledger items, a draft topic, an approved urgent one with a plan entry, a scope entry.
        let item = try await agenda.recordItem(.init(unitPath: village2, channel: .doorToDoor, category: .infrastructure, text: "二镇的问题"), options: owner)
        let other = try await agenda.recordItem(.init(unitPath: village2, channel: .mailbox, category: .infrastructure, text: "二镇的另一个问题"), options: owner)
        let draft = try await agenda.createTopic(.init(unitPath: village2, title: "二镇议题", category: .infrastructure, scale: .small,
                                                       source: .partyCommittee), options: owner)
        let urgent = try await agenda.createTopic(.init(unitPath: village2, title: "二镇急事", category: .infrastructure, scale: .urgent,
                                                        source: .partyCommittee), options: owner)
        let names = ["委员1", "委员2"]
        _ = try await agenda.approveTopic(.init(topicId: urgent.id, meetingOn: .init(year: 2026, month: 1, day: 1), present: names,
                                                ballots: names.map { .init(voter: $0, vote: .for) }), options: owner)
        _ = try await agenda.setScopeEntry(.init(unitPath: village2, list: .negative, category: .religion, text: "宗教事务"), options: owner)

        let town = try await harness.session("agenda-naming-\(county.number)", .townAdmin, at: county.townPath(1), county: county)
        let meetingAt = CommonV1.Timestamp(seconds: Int64(harness.clock.now().timeIntervalSince1970) + 7 * 86400)
        let calls: [(String, () async throws -> Void)] = [
            ("RecordItem", { _ = try await agenda.recordItem(.init(unitPath: village2, channel: .doorToDoor, category: .land, text: "越权"), options: town) }),
            ("GetItem", { _ = try await agenda.getItem(.init(itemId: item.id), options: town) }),
            ("ListItems", { _ = try await agenda.listItems(.init(unitPath: village2), options: town) }),
            ("MergeItems", { _ = try await agenda.mergeItems(.init(targetId: item.id, sourceIds: [other.id]), options: town) }),
            ("SplitItem", { _ = try await agenda.splitItem(.init(itemId: item.id, parts: [.init(category: .land, text: "一"), .init(category: .disputes, text: "二")]), options: town) }),
            ("AnswerItem", { _ = try await agenda.answerItem(.init(itemId: item.id, status: .answered, answer: "越权答复"), options: town) }),
            ("SetScopeEntry", { _ = try await agenda.setScopeEntry(.init(unitPath: village2, list: .positive, category: .land, text: "越权"), options: town) }),
            ("RemoveScopeEntry", { _ = try await agenda.removeScopeEntry(.init(unitPath: village2, category: .religion), options: town) }),
            ("GetScopeLists", { _ = try await agenda.getScopeLists(.init(unitPath: village2), options: town) }),
            ("CreateTopic", { _ = try await agenda.createTopic(.init(unitPath: village2, title: "越权", category: .land, scale: .small, source: .partyCommittee), options: town) }),
            ("GetTopic", { _ = try await agenda.getTopic(.init(topicId: draft.id), options: town) }),
            ("ListTopics", { _ = try await agenda.listTopics(.init(unitPath: village2), options: town) }),
            ("CountTopics", { _ = try await agenda.countTopics(.init(unitPath: village2), options: town) }),
            ("ApproveTopic", { _ = try await agenda.approveTopic(.init(topicId: draft.id, meetingOn: .init(year: 2026, month: 1, day: 1), present: names, ballots: names.map { .init(voter: $0, vote: .for) }), options: town) }),
            ("ReviseTopic", { _ = try await agenda.reviseTopic(.init(topicId: draft.id, title: "改"), options: town) }),
            ("AdvanceTopic", { _ = try await agenda.advanceTopic(.init(topicId: urgent.id, to: .inMeeting), options: town) }),
            ("SetApprovalRule", { _ = try await agenda.setApprovalRule(.init(unitPath: village2, threshold: .init(numerator: 2, denominator: 3), inclusive: true), options: town) }),
            ("GetApprovalRule", { _ = try await agenda.getApprovalRule(.init(unitPath: village2), options: town) }),
            ("AddResearchRecord", { _ = try await agenda.addResearchRecord(.init(topicId: draft.id, kind: .siteVisit, summary: "越权", conductedOn: .init(year: 2026, month: 1, day: 1)), options: town) }),
            ("ListResearchRecords", { _ = try await agenda.listResearchRecords(.init(topicId: draft.id), options: town) }),
            ("PublishMeetingPlan", { _ = try await agenda.publishMeetingPlan(.init(topicId: urgent.id, meetingAt: meetingAt, place: "越权", participants: [.init(person: "委员1", role: .fixedMember)], agenda: ["一"]), options: town) }),
            ("GetMeetingPlan", { _ = try await agenda.getMeetingPlan(.init(topicId: urgent.id), options: town) }),
            ("SchedulePlanEntry", { _ = try await agenda.schedulePlanEntry(.init(unitPath: village2, year: 2026, quarter: 1, topicId: urgent.id), options: town) }),
            ("GetAnnualPlan", { _ = try await agenda.getAnnualPlan(.init(unitPath: village2, year: 2026), options: town) }),
        ]
        // The matrix covers every method the schema declares.
        #expect(Set(calls.map(\.0)) == Set(AgendaV1.Agenda.allMethods.map(\.name)))
        for (name, call) in calls {
            let code = await statusOf { try await call() }
            #expect(code == .notFound, "\(name): \(String(describing: code))")
        }
        // Nothing of town 2 moved.
        #expect(try await agenda.getItem(.init(itemId: item.id), options: owner).status == .new)
        #expect(try await agenda.getItem(.init(itemId: other.id), options: owner).status == .new)
        #expect(try await agenda.getTopic(.init(topicId: draft.id), options: owner).state == .draft)
        #expect(try await agenda.getTopic(.init(topicId: urgent.id), options: owner).state == .approved)
        #expect(try await agenda.getScopeLists(.init(unitPath: village2), options: owner).negative.map(\.category) == [.religion])
        #expect(try await agenda.listItems(.init(unitPath: village2), options: owner).items.count == 2)
        let written = try await harness.membership.superuser.query(
            "SELECT count(*) FROM audit.entries WHERE service = 'agenda' AND principal = $1", [.text("agenda-naming-\(county.number)")])
        #expect(try written.first?[0].decode(Int.self) == 0)
    }
}
