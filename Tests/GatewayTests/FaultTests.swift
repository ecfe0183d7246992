@preconcurrency import Crypto
import Foundation
import GatewayAPI
import GatewayCore
import MembershipAPI
import Synchronization
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// Faults under load with real processes (issue 14 item 7): the membership service runs as
/// the real `tongxin-membership` executable behind an in-process gateway on loopback, and is
/// killed with SIGKILL while writers call it through the gateway. Bounded: eight writers, a
/// few hundred writes, seconds.
@Suite("Faults under load: a service killed and restarted behind the gateway", .serialized)
struct FaultTests {
    static let secret = String(decoding: TestServer.defaultSecret, as: UTF8.self)

    /// A membership process on `port`, verifying the gateway's Ed25519 key.
    static func startMembership(_ database: TestDatabase, port: Int) async throws -> ServiceProcess {
        let publicKey = GatewayHarness.signingKey.publicKey.rawRepresentation.map { String(format: "%02x", $0) }.joined()
        let process = try ServiceProcess("membership", environment: [
            "TONGXIN_MEMBERSHIP_PORT": String(port),
            "TONGXIN_MEMBERSHIP_METRICS_PORT": "0",
            "TONGXIN_MEMBERSHIP_DATABASE_URL": database.url(role: "membership_svc"),
            "TONGXIN_AUTH_SECRET": secret,
            "TONGXIN_AUTH_ED25519_KEYS": "\(GatewayHarness.keyID):\(publicKey)",
            "TONGXIN_PII_KEY": String(repeating: "1f", count: 32),
            "TONGXIN_PII_HASH_KEY": String(repeating: "2e", count: 32),
            "TONGXIN_DRAIN_SECONDS": "2",
        ])
        #expect(try await process.waitUntilReady() == port)
        return process
    }

    /// A tooling token for the gateway (HS256, `aud: gateway`) acting at `unit`.
    static func tool(at unit: String, idempotencyKey: String? = nil) -> CallOptions {
        let token = TokenAuthority(secret: TestServer.defaultSecret).issue(
            Caller(principal: "fault-test", unitPath: unit, permissions: ["membership.read", "membership.write"], audience: "gateway",
                   now: Int64(Date().timeIntervalSince1970)))
        return CallOptions(timeout: .seconds(10), metadata: [Metadata.Keys.authorization: "Bearer " + token], idempotencyKey: idempotencyKey)
    }

    /// One writer's record: what was acknowledged, and how long the refused calls took.
    struct Tally: Sendable {
        var acknowledged: [String] = []
        var refusals: [Status.Code: Int] = [:]
        var slowestRefusal: Duration = .zero
    }

    /// Membership (a real process, migrated by its own `migrate` step) behind an in-process
    /// gateway, on `database`.
    static func deploy(_ database: TestDatabase) async throws -> (membership: ServiceProcess, port: Int, gateway: GatewayServer, pool: PostgresPool) {
        let migrated = try await database.withAuditOwnerLogin {
            try await ServiceProcess.run("membership", ["migrate"], environment: [
                "TONGXIN_MEMBERSHIP_OWNER_DATABASE_URL": database.url(role: "membership_owner"),
                "TONGXIN_AUDIT_OWNER_DATABASE_URL": database.url(role: "audit_owner"),
                "TONGXIN_KIT_OWNER_DATABASE_URL": database.url(role: "kit_owner"),
                "TONGXIN_AUTH_SECRET": Self.secret,
            ])
        }
        #expect(migrated.status == 0, "\(migrated.output)")
        try await SharedMigrations.apply(
            try GatewayMigrations.all(), schema: "gateway", ownerURL: database.url(role: "gateway_owner"), logger: TestDatabase.logger)
        let port = try unusedLoopbackPort()
        let membership = try await Self.startMembership(database, port: port)
        let pool = try database.pool(role: "gateway_svc")
        let gateway = try await GatewayServer.start(
            pool: pool, clock: ManualClock(GatewayHarness.startOfTime), routes: ["membership": [("127.0.0.1", port)]],
            tenantLimits: (100_000, 100_000, 1_024), healthInterval: .milliseconds(200))
        return (membership, port, gateway, pool)
    }

    static let county = "332199000000"
    static let countyPath = "u" + county

    /// Creates the county and one town per writer, then runs `writers` writers through the
    /// gateway — villages under their own town, each write retried with its idempotency
    /// key until acknowledged (all within 60 s) — while `fault` runs once a quarter of the
    /// writes are in. Answers every writer's tally.
    static func writeThrough(
        _ gateway: GatewayServer, database: TestDatabase, writers: Int, perWriter: Int,
        fault: @escaping @Sendable () async throws -> Void
    ) async throws -> [Tally] {
        _ = try await gateway.membership.createUnit(.init(divisionCode: county, name: "故障县", level: .county), options: tool(at: countyPath))
        for town in 1...writers {
            _ = try await gateway.membership.createUnit(
                .init(divisionCode: String(format: "3321990%02d000", town), name: "镇\(town)", level: .town, parent: .init(divisionCode: county)),
                options: tool(at: countyPath))
        }
        let superuser = try database.superuserPool()
        defer { Task { await superuser.close() } }
        return try await withThrowingTaskGroup(of: Tally.self) { group in
            for town in 1...writers {
                group.addTask {
                    var tally = Tally()
                    let deadline = ContinuousClock.now + .seconds(60)
                    for village in 1...perWriter {
                        let code = String(format: "3321990%02d%03d", town, village)
                        while ContinuousClock.now < deadline {
                            let attempt = ContinuousClock.now
                            do {
                                _ = try await gateway.membership.createUnit(
                                    .init(divisionCode: code, name: "村\(village)", level: .village,
                                          parent: .init(divisionCode: String(format: "3321990%02d000", town)), householdCount: 100),
                                    options: tool(at: countyPath, idempotencyKey: "fault-\(code)"))
                                tally.acknowledged.append(code)
                                break
                            } catch let error as RPCError {
                                tally.refusals[error.code, default: 0] += 1
                                tally.slowestRefusal = max(tally.slowestRefusal, .now - attempt)
                                try await Task.sleep(for: .milliseconds(50))
                            }
                        }
                    }
                    return tally
                }
            }
            // Once writes flow (a quarter in), the fault.
            for _ in 0..<1_200 {
                let done = (try? await superuser.query("SELECT count(*) AS n FROM membership.units WHERE level = 3").first?["n"].decode(Int.self)) ?? 0
                if done >= writers * perWriter / 4 { break }
                try await Task.sleep(for: .milliseconds(50))
            }
            try await fault()
            var all: [Tally] = []
            for try await tally in group { all.append(tally) }
            return all
        }
    }

    /// Every write acknowledged, each present exactly once, nothing else written.
    static func expectEveryWrite(_ tallies: [Tally], writers: Int, perWriter: Int, database: TestDatabase, _ label: String) async throws
        -> [Status.Code: Int]
    {
        let acknowledged = tallies.flatMap(\.acknowledged)
        var refusals: [Status.Code: Int] = [:]
        for tally in tallies { refusals.merge(tally.refusals, uniquingKeysWith: +) }
        let slowest = tallies.map(\.slowestRefusal).max() ?? .zero
        print("FAULT \(label): \(acknowledged.count) writes acknowledged of \(writers * perWriter); refusals \(refusals.map { "\($0.key): \($0.value)" }.sorted()); slowest refusal \(slowest)")
        #expect(acknowledged.count == writers * perWriter)
        #expect(slowest < .seconds(10), "a refused call took \(slowest)")
        let superuser = try database.superuserPool()
        let rows = try await superuser.query("SELECT division_code FROM membership.units WHERE level = 3 ORDER BY division_code")
        await superuser.close()
        #expect(try rows.map { try $0["division_code"].decode(String.self) } == acknowledged.sorted())
        return refusals
    }

    @Test("SIGKILL of membership under load: calls through the gateway fail fast with UNAVAILABLE, never hang; after a restart on the same port the writers go on, and every acknowledged write is there exactly once")
    func killMembershipUnderLoad() async throws {
        let database = try await TestDatabase.create(prefix: "fault")
        let deployment = try await Self.deploy(database)
        let membership = Mutex(deployment.membership)
        let (writers, perWriter) = (8, 40)
        let tallies = try await Self.writeThrough(deployment.gateway, database: database, writers: writers, perWriter: perWriter) {
            // SIGKILL; two seconds of load against nothing; the same executable again on the same port.
            let victim = membership.withLock { $0 }
            await victim.kill()
            try await Task.sleep(for: .seconds(2))
            let restarted = try await Self.startMembership(database, port: deployment.port)
            membership.withLock { $0 = restarted }
        }
        let refusals = try await Self.expectEveryWrite(tallies, writers: writers, perWriter: perWriter, database: database, "kill -9 membership")
        // The service was really down meanwhile, and a dead instance produced only what it
        // should: UNAVAILABLE (or a deadline for a call in flight on the killed connection).
        #expect((refusals[.unavailable] ?? 0) > 0, "no call met the killed service: \(refusals)")
        #expect(Set(refusals.keys).isSubset(of: [.unavailable, .deadlineExceeded]), "\(refusals)")

        #expect(await membership.withLock { $0 }.terminate() == 0)
        await deployment.gateway.shutdown()
        await deployment.pool.close()
    }

    @Test(
        "PostgreSQL restarted under load: membership and the gateway recover by themselves, without a restart, and every acknowledged write is there exactly once",
        .enabled(if: PrivateCluster.binariesPresent, "needs the PostgreSQL 15 binaries (Scripts/setup.sh)"))
    func restartPostgresUnderLoad() async throws {
        let cluster = try PrivateCluster(name: "fault-test")
        try await cluster.start()
        do {
            let url = try await cluster.url()
            let database = try await TestDatabase.create(prefix: "pgfault", clusterURL: url)
            let deployment = try await Self.deploy(database)
            let (writers, perWriter) = (8, 40)
            let tallies = try await Self.writeThrough(deployment.gateway, database: database, writers: writers, perWriter: perWriter) {
                try await cluster.stop()
                try await Task.sleep(for: .seconds(1))
                try await cluster.start()
            }
            let refusals = try await Self.expectEveryWrite(tallies, writers: writers, perWriter: perWriter, database: database, "PostgreSQL restart")
            #expect(!refusals.isEmpty, "no call met the stopped database")
            // Database failures map to UNAVAILABLE (retry), never INTERNAL.
            #expect(Set(refusals.keys).isSubset(of: [.unavailable, .deadlineExceeded, .aborted]), "\(refusals)")
            // The same process served throughout.
            #expect(deployment.membership.log.components(separatedBy: "\"msg\":\"ready\"").count == 2, "membership started more than once")
            #expect(await deployment.membership.terminate() == 0)
            await deployment.gateway.shutdown()
            await deployment.pool.close()
        } catch {
            try? await cluster.stop()
            throw error
        }
        try await cluster.stop()
    }
}
