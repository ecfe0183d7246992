import AgendaAPI
import Foundation
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinTesting

/// Tenancy (ARCHITECTURE.md principle 4): a town sees only its subtree; another town's items
/// and topics do not exist for it; the schema is row-level secured and distributable.
@Suite(.agendaService("tenancy", region: 33))
struct TenancyTests {
    @Test("a town's clerk neither sees nor touches another town's items and topics")
    func crossTenant() async throws {
        let county = try AgendaHarness.current.county()
        let mine = try await county.item(at: county.village(1, town: 1), text: "本镇问题")
        let theirs = try await county.item(at: county.village(1, town: 2), text: "他镇问题")
        let theirTopic = try await county.topic(at: county.village(1, town: 2))
        let clerk = county.caller(at: county.town(1), Permissions.clerk.union([Permissions.rules]))
        let listed = try await county.api.listItems(.init(), options: clerk).items.map(\.id)
        #expect(listed == [mine.id])
        await expectStatus(.notFound) { try await county.api.getItem(.init(itemId: theirs.id), options: clerk) }
        await expectStatus(.notFound) { try await county.api.listItems(.init(unitPath: county.town(2)), options: clerk) }
        await expectStatus(.notFound) { try await county.item(at: county.village(1, town: 2), options: clerk) }
        await expectStatus(.notFound) {
            try await county.api.answerItem(.init(itemId: theirs.id, status: .answered, answer: "x"), options: clerk)
        }
        await expectStatus(.notFound) {
            try await county.api.mergeItems(.init(targetId: mine.id, sourceIds: [theirs.id]), options: clerk)
        }
        await expectStatus(.notFound) { try await county.api.getTopic(.init(topicId: theirTopic.id), options: clerk) }
        await expectStatus(.notFound) {
            try await county.api.advanceTopic(.init(topicId: theirTopic.id, to: .inMeeting), options: county.caller(at: county.town(1), [Permissions.advance]))
        }
        await expectStatus(.notFound) {
            try await county.api.setScopeEntry(.init(unitPath: county.town(2), list: .negative, category: .land, text: "x"), options: clerk)
        }
        let topics = try await county.api.listTopics(.init(), options: clerk).topics
        #expect(topics.isEmpty)
    }

    @Test("another county is invisible even with the same external reference")
    func otherCounty() async throws {
        let first = try AgendaHarness.current.county()
        let second = try AgendaHarness.current.county()
        let a = try await first.item(at: first.village(1), externalRef: "12345-shared")
        let b = try await second.item(at: second.village(1), externalRef: "12345-shared")
        #expect(a.id != b.id, "references are unique per county")
        await expectStatus(.notFound) { try await first.api.getItem(.init(itemId: b.id), options: first.admin) }
    }

    @Test("without a scope no row is visible (fail closed)")
    func failClosed() async throws {
        let county = try AgendaHarness.current.county()
        _ = try await county.item(at: county.village(1))
        let harness = try AgendaHarness.current
        let rows = try await harness.base.servicePool.query("SELECT count(*) FROM agenda.items")
        #expect(try rows.first?[0].decode(Int.self) == 0)
    }

    @Test("every agenda table forces row-level security, agenda_svc owns nothing and cannot bypass it")
    func rowLevelSecurity() async throws {
        let superuser = try AgendaHarness.current.superuser
        let unforced = try await superuser.query(
            """
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'agenda' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
               AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
            """)
        #expect(unforced.isEmpty, "\(unforced.map { (try? $0[0].decode(String.self)) ?? "?" })")
        let role = try await superuser.query("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = 'agenda_svc'")
        #expect(try role.first?[0].decode(Bool.self) == false && role.first?[1].decode(Bool.self) == false)
        let owned = try await superuser.count("SELECT count(*) FROM pg_class WHERE relowner = 'agenda_svc'::regrole")
        #expect(owned == 0)
    }

    @Test("the agenda schema is distributable by county")
    func distributable() async throws {
        try await assertDistributable(schema: "agenda", on: try AgendaHarness.current.superuser)
    }
}
