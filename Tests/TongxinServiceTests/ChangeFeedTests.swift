import ChangesAPI
import Foundation
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
@testable import TongxinService
import TongxinTesting

/// The kit's change feed (变更订阅, issue 12 item 6): recorded with the mutation, positions in
/// commit order, read per subtree after a position, each service its own.
@Suite("The change feed", .serialized)
struct ChangeFeedTests {
    static let county = "u331100000000"
    static let town1 = county + ".u331100001000"
    static let village1 = town1 + ".u331100001001"
    static let town2 = county + ".u331100002000"
    let caller = Caller(principal: "clerk-07", unitPath: ChangeFeedTests.county, permissions: ["changes.read"], expiresAt: .max)

    /// Records `changes` in one transaction of `pool` as the kit does (with COMMIT), then runs `then`.
    func record(_ changes: [Change], pool: PostgresPool, as caller: Caller? = nil,
                then: @Sendable (PostgresTransaction) async throws -> Void = { _ in }) async throws {
        let scope = (caller ?? self.caller).scope
        try await pool.transaction(scope: scope) { tx in
            try await tx.execute("SELECT 1")
            let pending = PendingChanges()
            for change in changes { pending.append(change) }
            try pending.flush(into: tx, now: Date(timeIntervalSince1970: 1_767_225_600), traceID: "trace")
            try await then(tx)
        }
    }

    func item(_ n: Int, at unit: String = ChangeFeedTests.village1, state: String = "NEW") -> Change {
        Change(kind: "item.status", subject: "item/\(n)", unitPath: unit, state: state, externalRef: "12345-\(n)", detail: ["n": "\(n)"])
    }

    func list(_ server: TestServer, under: String = "", after: Int64 = 0, limit: Int32 = 0, externalRef: String = "",
              caller: Caller? = nil) async throws -> ChangesV1.ListChangesResponse {
        let caller = caller ?? server.caller(unitPath: Self.county, permissions: ["changes.read"])
        return try await ChangesV1.Changes.Client(server.client).listChanges(
            .init(unitPath: under, afterSeq: after, limit: limit, externalRef: externalRef), options: server.options(for: caller))
    }

    @Test("a change commits with its mutation, rolls back with it, and is listed in order with its division code")
    func recordedWithTheMutation() async throws {
        let db = try await TestDatabase.create(prefix: "feed")
        let pool = try db.pool(role: "agenda_svc")
        let server = try await TestServer.start(services: [], serviceName: "agenda", pool: pool)
        defer { Task { await server.shutdown(); await pool.close() } }
        try await record([item(1), item(2, state: "ANSWERED")], pool: pool)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await record([item(3)], pool: pool) { _ in throw Boom() } }
        try await record([item(4)], pool: pool)
        let page = try await list(server)
        #expect(page.changes.map(\.seq) == [1, 2, 3])
        #expect(page.changes.map(\.subject) == ["item/1", "item/2", "item/4"])
        let first = try #require(page.changes.first)
        #expect(first.service == "agenda")
        #expect(first.divisionCode == "331100001001")
        #expect(first.externalRef == "12345-1")
        #expect(first.attributes == [.init(key: "n", value: "1")])
        #expect(first.occurredAt?.seconds == 1_767_225_600)
        #expect(page.lastSeq == 3 && !page.more)
        // Resuming after the last position lists nothing and stays there.
        let after = try await list(server, after: 3)
        #expect(after.changes.isEmpty && after.lastSeq == 3)
    }

    @Test("positions follow commit order: a change that commits late is never skipped by a reader that resumes")
    func commitOrder() async throws {
        let db = try await TestDatabase.create(prefix: "feedorder")
        let pool = try db.pool(role: "agenda_svc")
        let server = try await TestServer.start(services: [], serviceName: "agenda", pool: pool)
        defer { Task { await server.shutdown(); await pool.close() } }
        let holding = AsyncGate()
        let release = AsyncGate()
        // T1 records a change and holds its transaction open (position 1 taken, not committed).
        let slow = Task {
            try await record([item(1)], pool: pool) { tx in
                _ = try await tx.query("SELECT kit.record_change('\(Self.village1)'::ltree, 'item.status', 'item/early', '', '', '{}', now(), '')")
                await holding.open()
                await release.wait()
            }
        }
        await holding.wait()
        // T2 starts after T1 took its position and commits first in wall time terms: it waits
        // for T1's head lock, so it cannot take a position below T1's.
        let fast = Task { try await record([item(2)], pool: pool) }
        try await Task.sleep(for: .milliseconds(200))
        let meanwhile = try await list(server)
        #expect(meanwhile.changes.isEmpty && meanwhile.lastSeq == 0)
        await release.open()
        _ = try await slow.value
        _ = try await fast.value
        let all = try await list(server)
        #expect(all.changes.map(\.subject) == ["item/early", "item/1", "item/2"])
        #expect(all.changes.map(\.seq) == [1, 2, 3])
    }

    @Test("a subtree's feed: another town's changes are not listed, and a reader that reached the end resumes at the head")
    func subtree() async throws {
        let db = try await TestDatabase.create(prefix: "feedtree")
        let pool = try db.pool(role: "agenda_svc")
        let server = try await TestServer.start(services: [], serviceName: "agenda", pool: pool)
        defer { Task { await server.shutdown(); await pool.close() } }
        try await record([item(1), item(2, at: Self.town2), item(3), item(4, at: Self.town2)], pool: pool)
        let town1 = try await list(server, under: Self.town1)
        #expect(town1.changes.map(\.subject) == ["item/1", "item/3"])
        #expect(town1.lastSeq == 4)
        // A town's clerk: its own subtree only; the other town's is NOT_FOUND.
        let clerk = server.caller(unitPath: Self.town1, permissions: ["changes.read"])
        #expect(try await list(server, caller: clerk).changes.map(\.subject) == ["item/1", "item/3"])
        await expectCode(.notFound) { try await list(server, under: Self.town2, caller: clerk) }
        await expectCode(.invalidArgument) { try await list(server, under: "town-2", caller: clerk) }
        await expectCode(.permissionDenied) {
            try await list(server, caller: server.caller(unitPath: Self.county, permissions: ["agenda.read"]))
        }
        // Paging: a limit cuts the list and says more follows; resuming continues.
        let first = try await list(server, limit: 3)
        #expect(first.changes.map(\.seq) == [1, 2, 3] && first.more && first.lastSeq == 3)
        let rest = try await list(server, after: first.lastSeq, limit: 3)
        #expect(rest.changes.map(\.seq) == [4] && !rest.more)
        // One work order's history.
        #expect(try await list(server, externalRef: "12345-2").changes.map(\.seq) == [2])
    }

    @Test("a service lists only its own changes; a change outside the transaction's scope is refused")
    func ownServiceOnly() async throws {
        let db = try await TestDatabase.create(prefix: "feedown")
        let agenda = try db.pool(role: "agenda_svc")
        let membership = try db.pool(role: "membership_svc")
        let agendaServer = try await TestServer.start(services: [], serviceName: "agenda", pool: agenda)
        let membershipServer = try await TestServer.start(services: [], serviceName: "membership", pool: membership)
        defer { Task { await agendaServer.shutdown(); await membershipServer.shutdown(); await agenda.close(); await membership.close() } }
        try await record([item(1)], pool: agenda)
        try await record([Change(kind: "notice.published", subject: "notice/1", unitPath: Self.village1)], pool: membership)
        #expect(try await list(agendaServer).changes.map(\.subject) == ["item/1"])
        #expect(try await list(membershipServer).changes.map(\.subject) == ["notice/1"])
        // Positions are per service: each starts at 1.
        #expect(try await list(membershipServer).changes.map(\.seq) == [1])
        // Direct SQL sees no other service's rows either.
        let rows = try await membership.transaction(scope: caller.scope, readOnly: true) { tx in
            try await tx.query("SELECT service FROM kit.changes")
        }
        #expect(try rows.map { try $0["service"].decode(String.self) } == ["membership"])
        let town = Caller(principal: "clerk-07", unitPath: Self.town1, permissions: [], expiresAt: .max)
        await #expect(throws: PostgresError.self) { try await record([item(9, at: Self.town2)], pool: agenda, as: town) }
        do {
            try await record([item(9, at: Self.town2)], pool: agenda, as: town)
        } catch let error as PostgresError {
            #expect(ServiceFailure(error) == .outsideScope)
        }
        // Nobody writes the table but through kit.record_change.
        await #expect(throws: PostgresError.self) {
            try await agenda.transaction(scope: caller.scope) { tx in
                try await tx.execute("INSERT INTO kit.changes (county_code, service, seq, unit_path, kind, subject, principal, occurred_at) VALUES ('331100000000', 'agenda', 99, '\(Self.county)', 'a.b', 's', 'p', now())")
            }
        }
    }
}

/// Opens once; everyone waiting goes on.
actor AsyncGate {
    private var isOpen = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func open() {
        isOpen = true
        for waiter in waiters { waiter.resume() }
        waiters = []
    }

    func wait() async {
        if isOpen { return }
        await withCheckedContinuation { waiters.append($0) }
    }
}
