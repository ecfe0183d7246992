import AgendaAPI
import Foundation
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas

/// What agenda records in the change feed for the items government systems follow
/// (issue 12 item 6): appeals (items with an external reference), the items they are merged
/// into, their parts, and their topics — and nothing for items nobody outside follows.
@Suite(.agendaService("appealfeed", region: 38))
struct AppealFeedTests {
    /// (kind, subject, state) of the changes recorded under `reference`, in feed order.
    func feed(_ reference: String) async throws -> [String] {
        try await AgendaHarness.current.superuser.query(
            "SELECT kind, subject, state FROM kit.changes WHERE service = 'agenda' AND external_ref = $1 ORDER BY seq", [.text(reference)]
        ).map { "\(try $0[0].decode(String.self)) \(try $0[1].decode(String.self)) \(try $0[2].decode(String.self))" }
    }

    @Test("an appeal's item records its status; a local item records nothing; an answer and a merge are followed")
    func followed() async throws {
        let county = try AgendaHarness.current.county()
        let appeal = try await county.item(at: county.village(1), channel: .governmentHotline, externalRef: "hl:\(county.code)-1")
        let local = try await county.item(at: county.village(1), text: "本地问题")
        #expect(try await feed("hl:\(county.code)-1") == ["item.status item/\(appeal.id) NEW"])
        let none = try await AgendaHarness.current.superuser.query(
            "SELECT count(*) FROM kit.changes WHERE subject = $1", [.text("item/\(local.id)")])
        #expect(try none.first?[0].decode(Int.self) == 0)
        _ = try await county.api.mergeItems(.init(targetId: local.id, sourceIds: [appeal.id]), options: county.admin)
        _ = try await county.api.answerItem(.init(itemId: local.id, status: .answered, answer: "已处理"), options: county.admin)
        #expect(try await feed("hl:\(county.code)-1") == [
            "item.status item/\(appeal.id) NEW", "item.status item/\(appeal.id) MERGED", "item.status item/\(local.id) NEW",
            "item.status item/\(local.id) ANSWERED",
        ])
    }

    @Test("a split appeal follows its parts; a topic that takes one up records its moves")
    func splitAndTopic() async throws {
        let county = try AgendaHarness.current.county()
        let reference = "hl:\(county.code)-2"
        let appeal = try await county.item(at: county.village(1), channel: .governmentHotline, text: "两件事", externalRef: reference)
        let split = try await county.api.splitItem(.init(itemId: appeal.id, parts: [.init(category: .land, text: "一"), .init(category: .disputes, text: "二")]),
                                                   options: county.admin)
        let topic = try await county.topic(at: county.village(1), source: .ledger, items: [split.parts[0].id])
        _ = try await county.vote(topic, inFavour: 3, of: 4)
        let changes = try await feed(reference)
        #expect(changes == [
            "item.status item/\(appeal.id) NEW", "item.status item/\(appeal.id) SPLIT",
            "item.status item/\(split.parts[0].id) NEW", "item.status item/\(split.parts[1].id) NEW",
            "item.status item/\(split.parts[0].id) BECAME_TOPIC", "topic.state topic/\(topic.id) DRAFT",
            "topic.state topic/\(topic.id) APPROVED",
        ])
    }
}
