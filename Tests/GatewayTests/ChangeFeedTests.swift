import ChangesAPI
import Foundation
import GatewayAPI
@testable import GatewayCore
import GatewayRules
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinTesting

/// The merged change feed (变更订阅, issue 12 item 6): every service's changes of a unit's
/// subtree behind one opaque, resumable cursor.
@Suite(.gateway("gw_feed"))
struct GatewayChangeFeedTests {
    /// Reads the feed from `cursor` to its end, page by page.
    func drain(_ options: CallOptions, division: String = "", from cursor: String = "", limit: Int32 = 0,
               gateway: GatewayServer? = nil) async throws -> (changes: [ChangesV1.Change], cursor: String, unavailable: [String]) {
        let api = try (gateway ?? GatewayHarness.current.gateway).api
        var cursor = cursor
        var changes: [ChangesV1.Change] = []
        var unavailable: [String] = []
        for _ in 0..<100 {
            let page = try await api.listChanges(.init(divisionCode: division, cursor: cursor, limit: limit), options: options)
            changes += page.changes
            cursor = page.nextCursor
            unavailable = page.unavailable
            if !page.more { break }
        }
        return (changes, cursor, unavailable)
    }

    /// Waits (generously) until the feed after `cursor` holds at least `count` changes: a
    /// change shows once it is committed, which the writer's answer already guarantees, so
    /// this normally returns at once.
    func changes(_ options: CallOptions, after cursor: String, atLeast count: Int, division: String = "") async throws -> (changes: [ChangesV1.Change], cursor: String) {
        var result = try await drain(options, division: division, from: cursor)
        let deadline = ContinuousClock.now + .seconds(10)
        while result.changes.count < count, ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
            result = try await drain(options, division: division, from: cursor)
        }
        return (result.changes, result.cursor)
    }

    func submit(_ id: String, county: TestCounty, town: Int = 1, _ options: CallOptions) async throws -> GatewayV1.Appeal {
        try await GatewayHarness.current.gateway.api.submitAppeal(
            .init(externalId: id, divisionCode: county.villageCode(town), category: .publicOrder, text: "噪音扰民"), options: options)
    }

    @Test("a system offline for a day resumes from its cursor and gets every change of every service once, in pages")
    func resume() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let hotline = try await harness.integration("feed-\(county.number)", county: county)
        let clerk = try await harness.session("feed-clerk-\(county.number)", .villageClerk, at: county.villagePath(1), county: county)
        let start = try await drain(hotline)
        #expect(start.changes.isEmpty && !start.cursor.isEmpty && start.unavailable.isEmpty)
        // While it is offline: twelve appeals, each answered, and one closed (agenda's and the gateway's changes).
        for index in 0..<12 {
            let appeal = try await submit("GD-F-\(county.number)-\(index)", county: county, hotline)
            _ = try await harness.gateway.agenda.answerItem(.init(itemId: appeal.itemId, status: .answered, answer: "已处理"), options: clerk)
        }
        _ = try await harness.gateway.api.recordAppealEvent(
            .init(externalId: "GD-F-\(county.number)-0", kind: .close, eventId: "close-0"), options: hotline)
        // Back: pages of five until the end.
        let caught = try await drain(hotline, from: start.cursor, limit: 5)
        let agenda = caught.changes.filter { $0.service == "agenda" }
        let gateway = caught.changes.filter { $0.service == "gateway" }
        #expect(agenda.count == 24 && gateway.count == 13, "\(caught.changes.map { "\($0.service)/\($0.kind)/\($0.state)" })")
        #expect(Set(caught.changes.map { "\($0.service)/\($0.seq)" }).count == caught.changes.count)  // nothing twice
        #expect(agenda.map(\.seq) == agenda.map(\.seq).sorted() && gateway.map(\.seq) == gateway.map(\.seq).sorted())
        #expect(agenda.filter { $0.state == "ANSWERED" }.count == 12)
        #expect(gateway.last?.kind == "appeal.event" && gateway.last?.state == "CLOSED")
        let first = try #require(agenda.first)
        #expect(first.divisionCode == county.villageCode(1) && first.unitPath == county.villagePath(1))
        #expect(first.attributes.contains(.init(key: "appeal_source", value: "feed-\(county.number)")))
        #expect(first.attributes.contains(.init(key: "appeal_external_id", value: "GD-F-\(county.number)-0")))
        // Nothing new: the cursor stays, the page is empty.
        let quiet = try await drain(hotline, from: caught.cursor)
        #expect(quiet.changes.isEmpty)
        // One more change is the only one after the cursor.
        _ = try await submit("GD-F-\(county.number)-late", county: county, hotline)
        let late = try await changes(hotline, after: quiet.cursor, atLeast: 2)
        #expect(late.changes.map(\.kind).sorted() == ["appeal.accepted", "item.status"])
    }

    @Test("a unit's feed holds its subtree only; a cursor is bound to its unit; a malformed one is INVALID_ARGUMENT")
    func subtreeAndCursor() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let hotline = try await harness.integration("feed-tree-\(county.number)", county: county)
        _ = try await submit("GD-T1-\(county.number)", county: county, town: 1, hotline)
        _ = try await submit("GD-T2-\(county.number)", county: county, town: 2, hotline)
        let town1 = try await drain(hotline, division: county.townCode(1))
        #expect(!town1.changes.isEmpty && town1.changes.allSatisfy { $0.unitPath.hasPrefix(county.townPath(1)) })
        let all = try await drain(hotline)
        #expect(all.changes.count == 2 * town1.changes.count)
        // A town's clerk reads its own town and nothing of the other.
        let clerk = try await harness.session("feed-town-\(county.number)", .townAdmin, at: county.townPath(2), county: county)
        let own = try await drain(clerk)
        #expect(own.changes.allSatisfy { $0.unitPath.hasPrefix(county.townPath(2)) } && !own.changes.isEmpty)
        await expectRule(.notFound, nil) { try await drain(clerk, division: county.townCode(1)) }
        // The cursor of town 1 is no cursor of the county; garbage is no cursor at all.
        await expectRule(.invalidArgument, nil) { try await drain(hotline, from: town1.cursor) }
        await expectRule(.invalidArgument, nil) { try await drain(hotline, from: "cf1.bm90IGEgY3Vyc29y") }
        // Without changes.read: refused before anything is read.
        let chair = try await harness.session("feed-chair-\(county.number)", .councilChair, at: county.townPath(1), county: county)
        await expectRule(.permissionDenied, nil) { try await drain(chair) }
    }

    @Test("a service that cannot be read is named and keeps its place in the cursor; its changes come once it is back")
    func serviceDown() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let hotline = try await harness.integration("feed-down-\(county.number)", county: county)
        let start = try await drain(hotline)
        _ = try await submit("GD-DOWN-\(county.number)", county: county, hotline)
        // A gateway whose agenda route leads nowhere: the gateway's own change comes, agenda's waits.
        var routes = harness.routes
        routes["agenda"] = [("127.0.0.1", 1)]
        let broken = try await GatewayServer.start(pool: harness.gatewayPool, clock: harness.clock, routes: routes)
        defer { Task { await broken.shutdown() } }
        let partial = try await drain(hotline, from: start.cursor, gateway: broken)
        #expect(partial.unavailable == ["agenda"])
        #expect(partial.changes.map(\.service) == ["gateway"])
        // Resuming on a healthy gateway with that cursor: agenda's change, and nothing twice.
        let rest = try await drain(hotline, from: partial.cursor)
        #expect(rest.changes.map(\.service) == ["agenda"] && rest.unavailable.isEmpty)
    }

    @Test("the merge hands out each service's changes in its own order and moves the cursor only past what it handed out")
    func merge() throws {
        func change(_ service: String, _ seq: Int64, at seconds: Int64) -> ChangesV1.Change {
            .init(service: service, seq: seq, kind: "item.status", subject: "item/\(seq)", occurredAt: .init(seconds: seconds))
        }
        // Agenda's positions are in commit order, not in time order (3 committed after 4 was begun).
        let pages: [String: ChangesV1.ListChangesResponse] = [
            "agenda": .init(changes: [change("agenda", 3, at: 20), change("agenda", 4, at: 10), change("agenda", 5, at: 30)], lastSeq: 5, more: true),
            "gateway": .init(changes: [change("gateway", 7, at: 15)], lastSeq: 9, more: false),
            "membership": .init(changes: [], lastSeq: 2, more: false),
        ]
        let start = FeedCursor(unit: "u330100000000", positions: ["agenda": 2, "gateway": 6])
        let (out, next, more) = ChangeFeedMerge.merge(pages, cursor: start, limit: 2)
        #expect(out.map { "\($0.service)/\($0.seq)" } == ["gateway/7", "agenda/3"])
        #expect(next.positions == ["agenda": 3, "gateway": 9, "membership": 2])
        #expect(more)
        let all = ChangeFeedMerge.merge(pages, cursor: start, limit: 10)
        #expect(all.changes.map { "\($0.service)/\($0.seq)" } == ["gateway/7", "agenda/3", "agenda/4", "agenda/5"])
        #expect(all.cursor.positions == ["agenda": 5, "gateway": 9, "membership": 2] && all.more)  // agenda said more
        // The cursor round-trips, bound to its unit.
        #expect(try FeedCursor(decoding: all.cursor.encoded, unit: "u330100000000") == all.cursor)
        #expect(throws: FeedCursor.CursorError.otherUnit) { try FeedCursor(decoding: all.cursor.encoded, unit: "u330200000000") }
        #expect(throws: FeedCursor.CursorError.malformed) { try FeedCursor(decoding: "cf1.%%%", unit: "u330100000000") }
    }
}
