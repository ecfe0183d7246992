import Foundation
import Logging
import TongxinPostgres
import TongxinRPC
import TongxinService

/// A service running in-process on a real TCP socket (127.0.0.1, a free port), behind the
/// same interceptors as in production (`MetricsInterceptor`, `AuthInterceptor`) plus
/// `HealthService`, with a connected `RPCClient` — so integration tests go through
/// framing, metadata, authentication and status mapping exactly as a gateway call would.
///
///     let server = try await TestServer.start(services: [MembershipService(environment: env)])
///     let options = server.options(principal: "clerk", unitPath: "u331082000000", permissions: ["membership.write"])
///     let unit = try await MembershipV1.Membership.Client(server.client).getUnit(request, options: options)
///     await server.shutdown()
public final class TestServer: Sendable {
    /// The token secret of every test server unless a test brings its own.
    public static let defaultSecret: [UInt8] = Array("tongxin-test-token-secret-32byte".utf8)

    /// 2100-01-01, for tests that need an instant far ahead (tokens themselves live at most
    /// 12 h; the server mints them at its clock's now, so they follow however far a test
    /// moves the clock).
    public static let farFuture: Int64 = 4_102_444_800

    public let server: RPCServer
    public let client: RPCClient
    public let port: Int
    /// Signs caller tokens; a service under test verifies them with the same secret.
    public let authority: TokenAuthority
    public let metrics: MetricsRegistry
    /// The audience tokens are minted for: the service's name.
    public let audience: String
    /// The clock the server verifies tokens against (and mints them at): see `start`.
    public let clock: any ServiceClock
    private let task: Task<Void, any Error>

    private init(server: RPCServer, client: RPCClient, port: Int, authority: TokenAuthority, metrics: MetricsRegistry,
                 audience: String, clock: any ServiceClock, task: Task<Void, any Error>) {
        self.audience = audience
        self.clock = clock
        self.server = server
        self.client = client
        self.port = port
        self.authority = authority
        self.metrics = metrics
        self.task = task
    }

    /// Starts `services` (plus `HealthService` named `serviceName`, and `AuditService` and
    /// `ChangesService` when there is a `pool`) and connects a client. The deadlines default to production's
    /// (`TONGXIN_DEFAULT_DEADLINE_SECONDS` 30, `TONGXIN_MAX_DEADLINE_SECONDS` 300).
    /// Tokens are verified (and minted by ``token(principal:unitPath:permissions:expiresAt:)``)
    /// against `authClock`, `clock` unless given: a suite whose tests move a shared
    /// ``ManualClock`` by days in parallel passes the wall clock, so a token minted just
    /// before another test's jump is not expired by it (tokens live at most 12 h).
    public static func start(
        services: [any RPCService],
        serviceName: String = "test",
        pool: PostgresPool? = nil,
        authority: TokenAuthority = TokenAuthority(secret: TestServer.defaultSecret),
        clock: any ServiceClock = SystemClock(),
        authClock: (any ServiceClock)? = nil,
        logger: Logger = TestServer.quietLogger,
        auditCheckpointKey: AuditCheckpointKey? = nil,
        defaultTimeout: Duration? = .seconds(30),
        maxTimeout: Duration? = .seconds(300)
    ) async throws -> TestServer {
        let clock = authClock ?? clock
        let metrics = MetricsRegistry()
        // Like ServiceRunner: Health, and Audit (VerifyAuditChain) and Changes (the change feed) when there is a database.
        let shared: [any RPCService] = [HealthService(serviceName: serviceName, pool: pool)]
            + (pool.map { [AuditService(pool: $0, checkpointKey: auditCheckpointKey), ChangesService(pool: $0)] } ?? [])
        let server = RPCServer(
            configuration: RPCServer.Configuration(
                host: "127.0.0.1", port: 0, idleTimeout: nil, keepAliveInterval: nil, drainTimeout: .seconds(5),
                defaultTimeout: defaultTimeout, maxTimeout: maxTimeout),
            services: services + shared,
            interceptors: [MetricsInterceptor(registry: metrics), AuthInterceptor(authority: authority, audience: serviceName, clock: clock)],
            logger: logger
        )
        let task = Task { try await server.run() }
        let port: Int
        do {
            port = try await server.port
        } catch {
            task.cancel()
            throw error
        }
        let client = RPCClient(
            configuration: RPCClient.Configuration(
                host: "127.0.0.1", port: port, connectTimeout: .seconds(2), keepAliveInterval: nil,
                defaultRetryPolicy: .none, defaultTimeout: .seconds(30)),
            logger: logger
        )
        return TestServer(server: server, client: client, port: port, authority: authority, metrics: metrics,
                          audience: serviceName, clock: clock, task: task)
    }

    /// The server clock's now, in seconds since the epoch.
    public var now: Int64 { Int64(clock.now().timeIntervalSince1970) }

    /// A signed token for `caller` as given (audience, issued-at and expiry unchanged).
    public func token(for caller: Caller) -> String {
        authority.issue(caller)
    }

    /// A signed token for a caller acting in `unitPath` with `permissions`, for this
    /// server's audience, issued at the clock's now and valid for an hour (or until `expiresAt`).
    public func token(principal: String = "test-clerk", unitPath: String, permissions: Set<String>, expiresAt: Int64? = nil) -> String {
        let now = self.now
        return token(for: Caller(principal: principal, unitPath: unitPath, permissions: permissions,
                                 expiresAt: expiresAt ?? now + 3600, issuedAt: min(now, expiresAt.map { $0 - 60 } ?? now),
                                 audience: audience))
    }

    /// A caller of this server's audience, issued at the clock's now, valid for an hour.
    public func caller(principal: String = "test-clerk", unitPath: String, permissions: Set<String>) -> Caller {
        Caller(principal: principal, unitPath: unitPath, permissions: permissions, audience: audience, now: now)
    }

    /// Call options carrying `authorization: Bearer <token>` for `caller`.
    public func options(for caller: Caller) -> CallOptions {
        CallOptions(metadata: [Metadata.Keys.authorization: "Bearer " + token(for: caller)])
    }

    /// Call options for a caller acting in `unitPath` with `permissions`.
    public func options(principal: String = "test-clerk", unitPath: String, permissions: Set<String>) -> CallOptions {
        options(for: caller(principal: principal, unitPath: unitPath, permissions: permissions))
    }

    /// Closes the client, drains the server and waits for it to stop.
    public func shutdown() async {
        await client.close()
        server.shutdownGracefully()
        _ = try? await task.value
    }

    public static let quietLogger = Logger(label: "tongxin.test.server") { _ in SwiftLogNoOpLogHandler() }
}
