import TongxinTesting
import AgendaAPI
import Foundation
import Testing
import TongxinRPC
import TongxinSchemas

/// Intake from government systems and retries: external references, idempotency keys, audit.
@Suite(.agendaService("intake", region: 37))
struct IntakeTests {
    @Test("an external reference recorded under another town is ALREADY_EXISTS for a town clerk, without its content")
    func referenceOutsideScope() async throws {
        let county = try AgendaHarness.current.county()
        _ = try await county.item(at: county.village(1, town: 1), channel: .governmentHotline, text: "一镇的工单", externalRef: "12345-0001")
        let clerk = county.caller(at: county.town(2), Permissions.clerk)
        let error = await expectStatus(.alreadyExists, field: "external_ref") {
            try await county.item(at: county.village(1, town: 2), channel: .governmentHotline, text: "另一内容", externalRef: "12345-0001", options: clerk)
        }
        #expect(error?.message.contains("一镇的工单") == false)
    }

    @Test("SplitItem retried with the same x-idempotency-key answers the first result and splits once")
    func idempotencyKey() async throws {
        let county = try AgendaHarness.current.county()
        let item = try await county.item(at: county.village(1), text: "两件事")
        var options = county.admin
        options.metadata.idempotencyKey = "split-\(item.id)"
        let request = AgendaV1.SplitItemRequest(itemId: item.id, parts: [.init(category: .land, text: "一"), .init(category: .disputes, text: "二")])
        let first = try await county.api.splitItem(request, options: options)
        let second = try await county.api.splitItem(request, options: options)
        #expect(first == second)
        let parts = try await AgendaHarness.current.superuser.count(
            "SELECT count(*) FROM agenda.items WHERE split_from = $1::uuid", [.text(item.id)])
        #expect(parts == 2)
    }

    @Test("every mutation is audited in the unit's chain with the caller as principal")
    func audited() async throws {
        let county = try AgendaHarness.current.county()
        let clerk = county.caller(at: county.town(1), Permissions.clerk, principal: "书记员甲")
        let target = try await county.item(at: county.village(1), options: clerk)
        let source = try await county.item(at: county.village(1), options: clerk)
        _ = try await county.api.mergeItems(.init(targetId: target.id, sourceIds: [source.id]), options: clerk)
        let entries = try await AgendaHarness.current.superuser.query(
            "SELECT method, principal, unit_path::text FROM audit.entries WHERE target = $1 ORDER BY seq", [.text("item/\(target.id)")])
        let methods = try entries.map { try $0[0].decode(String.self) }
        #expect(methods == ["RecordItem", "MergeItems"])
        #expect(try entries.allSatisfy { try $0[1].decode(String.self) == "书记员甲" && $0[2].decode(String.self) == county.village(1) })
    }
}
