import TongxinTesting
import AgendaAPI
import Foundation
import Testing
import TongxinRPC
import TongxinSchemas

/// 问题台账 (issue 9 §1): record, idempotent intake by external reference, search, merge,
/// split, answer.
@Suite(.agendaService("ledger", region: 31))
struct LedgerTests {
    @Test("an item keeps its unit, channel, category and reporter; the contact is masked without pii.read")
    func record() async throws {
        let county = try AgendaHarness.current.county()
        let item = try await county.item(at: county.village(1), text: "路灯不亮", contact: "13800005678")
        #expect(item.status == .new && item.unitPath == county.village(1) && item.reporter == "张三")
        #expect(item.contact == "13800005678" && item.piiVisible)
        let clerk = county.caller(at: county.town(1), Permissions.clerk)
        let seen = try await county.api.getItem(AgendaV1.GetItemRequest(itemId: item.id), options: clerk)
        #expect(seen.contact == "*******5678" && !seen.piiVisible && seen.text == "路灯不亮")
        let stored = try await AgendaHarness.current.superuser.count(
            "SELECT count(*) FROM agenda.items WHERE id = $1::uuid AND position('13800005678' in encode(contact_sealed, 'escape')) = 0",
            [.text(item.id)])
        #expect(stored == 1, "the contact is stored sealed")
    }

    @Test("an anonymous item has no reporter")
    func anonymous() async throws {
        let county = try AgendaHarness.current.county()
        let item = try await county.item(at: county.village(1), reporter: "", contact: "")
        #expect(item.reporter == "" && item.contact == "")
    }

    @Test("the same external reference pushed by 20 concurrent callers makes exactly one item")
    func concurrentIntake() async throws {
        let county = try AgendaHarness.current.county()
        let unit = county.village(2)
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await county.item(at: unit, channel: .governmentHotline, text: "12345 工单：噪音扰民", externalRef: "12345-2025-000777").id
                }
            }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        let rows = try await AgendaHarness.current.superuser.count(
            "SELECT count(*) FROM agenda.items WHERE external_ref = '12345-2025-000777' AND county_code = $1", [.text(county.code)])
        #expect(rows == 1)
        let audits = try await AgendaHarness.current.superuser.count(
            "SELECT count(*) FROM audit.entries WHERE method = 'RecordItem' AND target = $1", [.text("item/\(ids.first!)")])
        #expect(audits == 1)
    }

    @Test("filters: unit subtree, channel, category, status and received date")
    func filters() async throws {
        let county = try AgendaHarness.current.county()
        let march = instant("2025-03-01T09:00:00+08:00")
        let a = try await county.item(at: county.village(1), channel: .mailbox, category: .land, receivedAt: march)
        let b = try await county.item(at: county.village(2), channel: .openAirMeeting, category: .land, receivedAt: march.addingTimeInterval(86_400))
        let c = try await county.item(at: county.village(1, town: 2), channel: .mailbox, category: .disputes, receivedAt: march.addingTimeInterval(2 * 86_400))
        func ids(_ request: AgendaV1.ListItemsRequest) async throws -> Set<String> {
            Set(try await county.api.listItems(request, options: county.admin).items.map(\.id))
        }
        #expect(try await ids(.init(unitPath: county.town(1))) == [a.id, b.id])
        #expect(try await ids(.init(unitPath: county.path, channels: [.mailbox])) == [a.id, c.id])
        #expect(try await ids(.init(unitPath: county.path, categories: [.land])) == [a.id, b.id])
        #expect(try await ids(.init(unitPath: county.path, channels: [.mailbox], categories: [.disputes])) == [c.id])
        #expect(try await ids(.init(unitPath: county.path, receivedFrom: timestamp(march.addingTimeInterval(3600)),
                                    receivedUntil: timestamp(march.addingTimeInterval(2 * 86_400)))) == [b.id])
        _ = try await county.api.answerItem(.init(itemId: b.id, status: .answered, answer: "已安排维修"), options: county.admin)
        #expect(try await ids(.init(unitPath: county.path, statuses: [.answered])) == [b.id])
        #expect(try await ids(.init(unitPath: county.path, statuses: [.new])) == [a.id, c.id])
        let listed = try await county.api.listItems(.init(unitPath: county.path), options: county.admin).items.map(\.id)
        #expect(listed == [c.id, b.id, a.id], "newest first")
    }

    @Test("merge keeps every source and reporter; a merged item cannot be answered or merged again elsewhere")
    func merge() async throws {
        let county = try AgendaHarness.current.county()
        let unit = county.village(1)
        let target = try await county.item(at: unit, reporter: "甲")
        let first = try await county.item(at: unit, reporter: "乙", contact: "13911112222")
        let second = try await county.item(at: unit, reporter: "丙")
        let merged = try await county.api.mergeItems(.init(targetId: target.id, sourceIds: [first.id, second.id]), options: county.admin)
        #expect(Set(merged.mergedSources.map(\.reporter)) == ["乙", "丙"])
        #expect(merged.mergedSources.first { $0.reporter == "乙" }?.contact == "13911112222")
        let source = try await county.api.getItem(.init(itemId: first.id), options: county.admin)
        #expect(source.status == .merged && source.mergedInto == target.id)
        let again = try await county.api.mergeItems(.init(targetId: target.id, sourceIds: [first.id]), options: county.admin)
        #expect(again.mergedSources.count == 2, "merging again changes nothing")
        await expectStatus(.failedPrecondition, rule: "item.transition", "merged") {
            try await county.api.answerItem(.init(itemId: first.id, status: .answered, answer: "x"), options: county.admin)
        }
        let other = try await county.item(at: unit)
        await expectStatus(.failedPrecondition, rule: "item.transition") {
            try await county.api.mergeItems(.init(targetId: other.id, sourceIds: [first.id]), options: county.admin)
        }
        await expectStatus(.failedPrecondition, rule: "merge.target_closed") {
            try await county.api.mergeItems(.init(targetId: first.id, sourceIds: [other.id]), options: county.admin)
        }
        // A target that is merged on carries its sources along.
        let top = try await county.item(at: unit, reporter: "丁")
        let all = try await county.api.mergeItems(.init(targetId: top.id, sourceIds: [target.id]), options: county.admin)
        #expect(Set(all.mergedSources.map(\.reporter)) == ["甲", "乙", "丙"])
    }

    @Test("split makes one item per part with the reporter kept; the original is SPLIT")
    func split() async throws {
        let county = try AgendaHarness.current.county()
        let item = try await county.item(at: county.village(1), text: "路灯不亮，垃圾清运不及时", reporter: "戊", contact: "13700001234")
        let result = try await county.api.splitItem(
            .init(itemId: item.id, parts: [.init(category: .infrastructure, text: "路灯不亮"), .init(category: .publicServices, text: "垃圾清运不及时")]),
            options: county.admin)
        #expect(result.original?.status == .split)
        #expect(result.parts.count == 2 && result.parts.allSatisfy { $0.splitFrom == item.id && $0.reporter == "戊" && $0.contact == "13700001234" })
        #expect(result.parts.map(\.category) == [.infrastructure, .publicServices])
        await expectStatus(.invalidArgument, field: "parts") {
            try await county.api.splitItem(.init(itemId: result.parts[0].id, parts: [.init(category: .land, text: "x")]), options: county.admin)
        }
        await expectStatus(.failedPrecondition, rule: "item.transition") {
            try await county.api.splitItem(
                .init(itemId: item.id, parts: [.init(category: .land, text: "a"), .init(category: .land, text: "b")]), options: county.admin)
        }
    }

    @Test("answer: under study, then answered with the answer and who gave it; a repeat is harmless")
    func answer() async throws {
        let county = try AgendaHarness.current.county()
        let item = try await county.item(at: county.village(1))
        let studied = try await county.api.answerItem(.init(itemId: item.id, status: .underStudy), options: county.admin)
        #expect(studied.status == .underStudy)
        let answered = try await county.api.answerItem(.init(itemId: item.id, status: .answered, answer: "已列入维修计划"), options: county.admin)
        #expect(answered.status == .answered && answered.answer == "已列入维修计划" && answered.answeredBy == "clerk" && answered.answeredAt != nil)
        let repeated = try await county.api.answerItem(.init(itemId: item.id, status: .answered, answer: "已列入维修计划"), options: county.admin)
        #expect(repeated == answered)
        let assigned = try await county.api.answerItem(
            .init(itemId: item.id, status: .answered, answer: "已列入维修计划", responder: "村委会主任"), options: county.admin)
        #expect(assigned.responder == "村委会主任" && assigned.answer == "已列入维修计划")
        let recorded = try await county.api.recordItem(
            .init(unitPath: county.village(1), channel: .mailbox, category: .land, text: "宅基地", responder: "包村干部"), options: county.admin)
        #expect(recorded.responder == "包村干部")
        await expectStatus(.invalidArgument, field: "answer") {
            try await county.api.answerItem(.init(itemId: (try await county.item(at: county.village(1))).id, status: .answered), options: county.admin)
        }
    }

    @Test("bad input: unknown item NOT_FOUND, malformed path and missing fields INVALID_ARGUMENT naming the field")
    func badInput() async throws {
        let county = try AgendaHarness.current.county()
        await expectStatus(.notFound) {
            try await county.api.getItem(.init(itemId: UUID().uuidString.lowercased()), options: county.admin)
        }
        await expectStatus(.notFound) { try await county.api.getItem(.init(itemId: "nope"), options: county.admin) }
        await expectStatus(.invalidArgument, field: "unit_path") { try await county.item(at: "331001000000") }
        await expectStatus(.invalidArgument, field: "channel") {
            try await county.api.recordItem(.init(unitPath: county.village(1), category: .land, text: "x"), options: county.admin)
        }
        await expectStatus(.invalidArgument, field: "text") { try await county.item(at: county.village(1), text: "  ") }
        await expectStatus(.invalidArgument, field: "page.page_token") {
            try await county.api.listItems(.init(page: .init(pageToken: "garbage")), options: county.admin)
        }
    }

    @Test("a reader without agenda.write cannot record")
    func permission() async throws {
        let county = try AgendaHarness.current.county()
        await expectStatus(.permissionDenied) {
            try await county.item(at: county.village(1), options: county.caller(at: county.path, [Permissions.read]))
        }
    }
}
