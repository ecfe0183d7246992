import Foundation
import Logging
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinService

/// One service of a test suite, run for real: a fresh database bootstrapped like production
/// (roles, `audit` and `kit` schemas), the service's migrations applied as `<service>_owner`,
/// the service connected as `<service>_svc` (row-level security applies) behind a real
/// `RPCServer` with the production interceptors on a loopback port, and a ``ManualClock``
/// that handlers read (tokens are checked on the wall clock, see `TestServer.start`).
///
///     let harness = try await ServiceHarness.start(service: "agenda", prefix: "ledger",
///                                                  migrations: try AgendaMigrations.all()) { context in
///         [AgendaService(environment: .init(pool: context.pool, clock: context.clock, ...))]
///     }
///
/// A service's own harness wraps this one (its client, fixtures) and its suites use
/// ``HarnessTrait`` to share one harness per suite.
public final class ServiceHarness: Sendable {
    /// What a service factory gets.
    public struct Context: Sendable {
        public let pool: PostgresPool
        public let clock: ManualClock
        public let authority: TokenAuthority
        public let logger: Logger
    }

    public let service: String
    public let database: TestDatabase
    /// Connected as `<service>_svc`, like the service.
    public let servicePool: PostgresPool
    /// For assertions about stored bytes, catalogs and the audit log.
    public let superuser: PostgresPool
    public let clock: ManualClock
    public let server: TestServer

    private init(service: String, database: TestDatabase, servicePool: PostgresPool, superuser: PostgresPool, clock: ManualClock, server: TestServer) {
        self.service = service
        self.database = database
        self.servicePool = servicePool
        self.superuser = superuser
        self.clock = clock
        self.server = server
    }

    public static func start(
        service: String, prefix: String, migrations: [Migration], startOfTime: Date = Date(),
        authority: TokenAuthority = TokenAuthority(secret: TestServer.defaultSecret),
        makeServices: @Sendable (Context) throws -> [any RPCService]
    ) async throws -> ServiceHarness {
        let database = try await TestDatabase.create(prefix: prefix)
        if !migrations.isEmpty {
            try await SharedMigrations.apply(
                migrations, schema: service, ownerURL: database.url(role: "\(service)_owner"), logger: TestDatabase.logger)
        }
        let pool = try database.pool(role: "\(service)_svc")
        let clock = ManualClock(startOfTime)
        let services = try makeServices(Context(pool: pool, clock: clock, authority: authority, logger: TestDatabase.logger))
        // Handlers read the manual clock; tokens (at most 12 h) are checked on the wall clock,
        // so tests that move the manual clock by days in parallel do not expire each other's.
        let server = try await TestServer.start(
            services: services, serviceName: service, pool: pool, authority: authority, clock: clock,
            authClock: SystemClock(), auditCheckpointKey: auditCheckpointKey)
        return ServiceHarness(
            service: service, database: database, servicePool: pool, superuser: try database.superuserPool(),
            clock: clock, server: server)
    }

    /// The audit checkpoint key of every harness (TONGXIN_AUDIT_CHECKPOINT_KEY in production).
    public static let auditCheckpointKey = AuditCheckpointKey(Array(repeating: 0x5a, count: 32))

    /// A checkpointer like the one ``ServiceRunner`` runs, on the service's pool; tests call
    /// `checkpointNow()` instead of waiting for its interval.
    public var checkpointer: AuditCheckpointer {
        AuditCheckpointer(pool: servicePool, key: Self.auditCheckpointKey, interval: .seconds(60), logger: TestDatabase.logger)
    }

    public func close() async {
        await server.shutdown()
        await servicePool.close()
        await superuser.close()
    }
}

/// A harness a suite shares (``HarnessTrait``).
public protocol SuiteHarness: Sendable {
    func close() async
}

/// Starts one harness around a whole suite, binds it for the suite's tests (usually to a
/// `@TaskLocal`), and closes it afterwards, also when the suite fails:
///
///     extension Trait where Self == HarnessTrait<AgendaHarness> {
///         static func agendaService(_ prefix: String) -> Self {
///             HarnessTrait(start: { try await AgendaHarness.start(prefix: prefix) },
///                          bind: { harness, body in try await AgendaHarness.$bound.withValue(harness, operation: body) })
///         }
///     }
public struct HarnessTrait<Harness: SuiteHarness>: SuiteTrait, TestScoping {
    let start: @Sendable () async throws -> Harness
    let bind: @Sendable (Harness, @Sendable () async throws -> Void) async throws -> Void

    public init(
        start: @escaping @Sendable () async throws -> Harness,
        bind: @escaping @Sendable (Harness, @Sendable () async throws -> Void) async throws -> Void
    ) {
        self.start = start
        self.bind = bind
    }

    public func scopeProvider(for test: Test, testCase: Test.Case?) -> Self? {
        test.isSuite ? self : nil
    }

    public func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let harness = try await start()
        do {
            try await bind(harness, function)
        } catch {
            await harness.close()
            throw error
        }
        await harness.close()
    }
}
