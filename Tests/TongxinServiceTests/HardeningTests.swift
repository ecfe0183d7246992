import Foundation
import HealthAPI
import Logging
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// Expects `body` to fail with an `RPCError` of `code`.
func expectCode<T>(_ code: Status.Code, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> T) async {
    do {
        _ = try await body()
        Issue.record("expected \(code), but the call succeeded", sourceLocation: sourceLocation)
    } catch let error as RPCError {
        #expect(error.code == code, "\(error)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

/// Records the deadline each call reaches its handler with (relative to its arrival).
final class DeadlineRecorder: ServerInterceptor, @unchecked Sendable {
    private let lock = NSLock()
    private var remaining: [Duration?] = []

    func intercept(
        request: ServerRequest, context: ServerCallContext,
        next: (ServerRequest, ServerCallContext) async throws -> ServerResponse
    ) async throws -> ServerResponse {
        let left = context.remaining
        lock.withLock { remaining.append(left) }
        return try await next(request, context)
    }

    var last: Duration?? { lock.withLock { remaining.last } }
}

/// The database pool and the RPC server under load (Hardening issue, item 5).
@Suite("Hardening: pool bound, deadlines, cached health probe, role timeouts", .serialized)
struct HardeningTests {
    @Test("a caller beyond the pool's wait queue is refused at once with poolExhausted, which the kit answers RESOURCE_EXHAUSTED")
    func poolWaitersBounded() async throws {
        let db = try await TestDatabase.create(prefix: "poolwait")
        let pool = PostgresPool(
            configuration: try PostgresConfiguration(url: db.url(role: "membership_svc")), maxConnections: 1, maxWaiters: 1,
            logger: TestDatabase.logger)
        defer { Task { await pool.close() } }
        let holder = Task { try await pool.query("SELECT pg_sleep(1.5)") }
        while await pool.openConnections < 1 { try await Task.sleep(for: .milliseconds(10)) }
        try await Task.sleep(for: .milliseconds(100))
        let waiter = Task { try await pool.query("SELECT 1") }
        while await pool.waitingCallers < 1 { try await Task.sleep(for: .milliseconds(10)) }
        let started = ContinuousClock.now
        do {
            _ = try await pool.query("SELECT 1")
            Issue.record("a second waiter was queued beyond maxWaiters = 1")
        } catch let error as PostgresError {
            #expect(error.kind == .poolExhausted, "\(error)")
            #expect(ContinuousClock.now - started < .seconds(1))   // refused at once, not after the holder's 1.5 s
            #expect(ServiceFailure(error) == .resourceExhausted("too many calls are waiting for the database; retry later"))
            #expect(ServiceFailure(error).rpcError.code == .resourceExhausted)
            #expect(ServiceErrors.map(error)?.code == .resourceExhausted)
        }
        _ = try await holder.value
        _ = try await waiter.value   // the one within the bound was served
        #expect(ServiceConfiguration.fromEnvironmentForTest(["TONGXIN_DB_POOL_MAX_WAITERS": "7"]).databasePoolMaxWaiters == 7)
        #expect(ServiceConfiguration.fromEnvironmentForTest([:]).databasePoolMaxWaiters == 256)
    }

    @Test("a call without a deadline gets the server's default; none gets more than the maximum")
    func deadlines() async throws {
        let recorder = DeadlineRecorder()
        let server = RPCServer(
            configuration: .init(host: "127.0.0.1", port: 0, idleTimeout: nil, keepAliveInterval: nil,
                                 defaultTimeout: .seconds(30), maxTimeout: .seconds(300)),
            services: [HealthService(serviceName: "t", pool: nil)], interceptors: [recorder], logger: TestServer.quietLogger)
        let task = Task { try await server.run() }
        defer { server.shutdownGracefully(); task.cancel() }
        let client = RPCClient(configuration: .init(host: "127.0.0.1", port: try await server.port, defaultTimeout: nil),
                               logger: TestServer.quietLogger)
        let health = HealthV1.Health.Client(client)

        _ = try await health.ping(.init(), options: CallOptions())
        let defaulted = try #require(recorder.last ?? nil, "a call without a deadline ran without one")
        #expect(defaulted > .seconds(29) && defaulted <= .seconds(30))

        _ = try await health.ping(.init(), options: CallOptions(timeout: .seconds(3600)))
        let capped = try #require(recorder.last ?? nil)
        #expect(capped > .seconds(299) && capped <= .seconds(300))

        _ = try await health.ping(.init(), options: CallOptions(timeout: .seconds(5)))
        let own = try #require(recorder.last ?? nil)
        #expect(own > .seconds(4) && own <= .seconds(5))
        await client.close()

        let configuration = ServiceConfiguration.fromEnvironmentForTest([
            "TONGXIN_DEFAULT_DEADLINE_SECONDS": "12", "TONGXIN_MAX_DEADLINE_SECONDS": "60"])
        #expect(configuration.defaultDeadline == .seconds(12))
        #expect(configuration.maxDeadline == .seconds(60))
        #expect(ServiceConfiguration.fromEnvironmentForTest([:]).defaultDeadline == .seconds(30))
    }

    @Test("N concurrent Health/Check calls cost at most a couple of database round trips (one cached probe)")
    func cachedHealthProbe() async throws {
        let db = try await TestDatabase.create(prefix: "probe")
        let pool = try db.pool(role: "membership_svc", maxConnections: 4)
        defer { Task { await pool.close() } }
        let server = try await TestServer.start(services: [], pool: pool)
        let health = HealthV1.Health.Client(server.client)
        let before = pool.roundTrips.count
        let statuses = try await withThrowingTaskGroup(of: HealthV1.ServingStatus.self) { group in
            for _ in 0..<40 { group.addTask { try await health.check(.init()).status } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(statuses.count == 40)
        #expect(statuses.allSatisfy { $0 == .serving })
        #expect(pool.roundTrips.count - before <= 2, "\(pool.roundTrips.count - before) round trips for 40 checks")
        await server.shutdown()
    }

    @Test("a flood of 250 Health/Check calls (just under one connection's cap on calls in flight) leaves the pool to the business calls: one is served within its deadline meanwhile")
    func healthFloodLeavesPoolFree() async throws {
        let db = try await TestDatabase.create(prefix: "flood")
        let pool = try db.pool(role: "membership_svc", maxConnections: 2)
        defer { Task { await pool.close() } }
        let server = try await TestServer.start(services: [], pool: pool)
        let health = HealthV1.Health.Client(server.client)
        let before = pool.roundTrips.count
        let (served, business) = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<250 {
                group.addTask { try await health.check(.init()).status == .serving ? 1 : 0 }
            }
            // A business transaction on the same two-connection pool, with a 5 s deadline.
            let business = try await pool.transaction(readOnly: true, deadline: .now + .seconds(5)) { tx in
                try await tx.query("SELECT 42 AS answer").first?["answer"].decode(Int.self)
            }
            return (try await group.reduce(0, +), business)
        }
        #expect(served == 250)
        #expect(business == 42)
        // The checks shared the cached probe: a few round trips, not 250.
        #expect(pool.roundTrips.count - before <= 6, "\(pool.roundTrips.count - before) round trips")
        await server.shutdown()
    }

    @Test("Health never shows PostgreSQL's error text to its unauthenticated caller")
    func healthHidesDatabaseErrors() async throws {
        // A server that is not there, and a role that does not exist.
        let unreachable = PostgresPool(
            configuration: try PostgresConfiguration(url: "postgres://nobody:secret@127.0.0.1:1/none"), logger: TestDatabase.logger)
        let db = try await TestDatabase.create(prefix: "probeerr")
        var wrong = try PostgresConfiguration(url: db.url(role: "membership_svc"))
        wrong.password = "not-the-password"
        let refused = PostgresPool(configuration: wrong, logger: TestDatabase.logger)
        defer { Task { await unreachable.close(); await refused.close() } }
        for pool in [unreachable, refused] {
            let server = try await TestServer.start(services: [], pool: pool)
            let answer = try await HealthV1.Health.Client(server.client).check(.init())
            #expect(answer.status == .notServing)
            let detail = try #require(answer.dependencies.first?.detail)
            #expect(!detail.isEmpty)
            for leak in ["PostgresError", "password", "FATAL", "connection to server", "127.0.0.1", "nobody", "membership_svc"] {
                #expect(!detail.contains(leak), "\(detail)")
            }
            await server.shutdown()
        }
    }

    @Test("every *_svc role has statement_timeout and idle_in_transaction_session_timeout set in the database")
    func serviceRoleTimeouts() async throws {
        let db = try await TestDatabase.create(prefix: "roletimeouts")
        let superuser = try db.superuserPool()
        defer { Task { await superuser.close() } }
        let rows = try await superuser.query("""
            SELECT r.rolname, coalesce(s.setconfig, '{}') AS config
              FROM pg_roles r LEFT JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0
             WHERE r.rolname LIKE '%\\_svc' ORDER BY 1
            """)
        #expect(rows.count == 5)
        for row in rows {
            let role = try row["rolname"].decode(String.self)
            let config = try row["config"].decode([String].self)
            #expect(config.contains { $0.hasPrefix("statement_timeout=") }, "\(role): \(config)")
            #expect(config.contains { $0.hasPrefix("idle_in_transaction_session_timeout=") }, "\(role): \(config)")
        }
        // And it applies to a session of the role.
        let service = try db.pool(role: "membership_svc")
        defer { Task { await service.close() } }
        let timeout = try await service.query("SELECT current_setting('idle_in_transaction_session_timeout') AS t")
        #expect(try timeout.first?["t"].decode(String.self) != "0")
        // audit_owner cannot log in outside the migrate step.
        let login = try await TestDatabase.whileRolesAreStable {
            try await superuser.query("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'audit_owner'").first?["rolcanlogin"].decode(Bool.self)
        }
        #expect(login == false)
    }
}

extension ServiceConfiguration {
    /// The configuration of a service "t" from `variables` plus a valid auth secret.
    static func fromEnvironmentForTest(_ variables: [String: String]) -> ServiceConfiguration {
        var environment = variables
        environment["TONGXIN_AUTH_SECRET"] = String(repeating: "s", count: 32)
        return try! ServiceConfiguration.fromEnvironment(service: "t", defaultPort: 1, environment: environment)
    }
}
