@preconcurrency import Crypto
import Foundation
import AgendaAPI
import AgendaCore
import GatewayAPI
import GatewayCore
import GatewayRules
import Logging
import MembershipAPI
import MembershipCore
import SessionAPI
import SessionCore
import SupervisionAPI
import SupervisionCore
import Synchronization
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// The gateway in front of real membership and agenda services: one fresh database with the
/// three schemas, membership on ``ServiceHarness`` and agenda beside it on the same database
/// (both verifying the gateway's Ed25519 key as well as the test HS256 secret), and the
/// gateway as `gateway_svc` behind a real `RPCServer` with its production interceptor on
/// loopback, its sessions and lockouts on a ``ManualClock`` that agenda's handlers read too.
/// Each test takes a county of its own (``county()``).
///
/// With `withSessionAndSupervision` (the dashboard's suite) the session and supervision
/// services run too, on the same database, each on a ``ManualClock`` of its own (so a test
/// may move their days without touching the gateway's sessions), and the gateway routes them.
final class GatewayHarness: SuiteHarness {
    static let keyID = "gw-test"
    static let signingKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 7, count: 32))
    /// What membership verifies: the test secret (HS256, for setting up units) and the gateway's public key.
    static let membershipAuthority = TokenAuthority(secret: TestServer.defaultSecret).verifying(keyID, .edDSA(signingKey.publicKey))
    /// Cheap scrypt for tests (the production default is 2^15).
    static let hasher = PasswordHasher(logN: 10)
    static let startOfTime = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01

    let membership: ServiceHarness
    let agenda: TestServer
    let agendaPool: PostgresPool
    let gatewayPool: PostgresPool
    let clock: ManualClock
    let gateway: GatewayServer
    /// The session and supervision services (`withSessionAndSupervision` only).
    let extra: ExtraServices?
    private let counties = Atomic<Int>(0)

    /// Session and supervision beside membership and agenda.
    struct ExtraServices: Sendable {
        let session: TestServer
        let sessionPool: PostgresPool
        let sessionClock: ManualClock
        let supervision: TestServer
        let supervisionPool: PostgresPool
        let supervisionClock: ManualClock

        /// The session service as the executable builds it, on the harness's database (a test
        /// may start one of its own, and stop it).
        static func sessionService(pool: PostgresPool, clock: ManualClock, agenda: TestServer) -> SessionService {
            SessionService(environment: SessionEnvironment(
                pool: pool, clock: clock, topics: AgendaTopicDirectory(client: agenda.client, tokens: TokenAuthority(secret: TestServer.defaultSecret)),
                logger: TestDatabase.logger))
        }
    }

    private init(membership: ServiceHarness, agenda: TestServer, agendaPool: PostgresPool, gatewayPool: PostgresPool, clock: ManualClock,
                 gateway: GatewayServer, extra: ExtraServices?) {
        self.membership = membership
        self.agenda = agenda
        self.agendaPool = agendaPool
        self.gatewayPool = gatewayPool
        self.clock = clock
        self.gateway = gateway
        self.extra = extra
    }

    static let vault = PIIVault(encryptionKey: Array(repeating: 0x5A, count: 32), hashKey: Array(repeating: 0xA5, count: 32))

    /// The routes of a gateway in front of this harness's services.
    var routes: [String: [(host: String, port: Int)]] {
        var routes = ["membership": [("127.0.0.1", membership.server.port)], "agenda": [("127.0.0.1", agenda.port)]]
        if let extra {
            routes["session"] = [("127.0.0.1", extra.session.port)]
            routes["supervision"] = [("127.0.0.1", extra.supervision.port)]
        }
        return routes
    }

    static func start(prefix: String, withSessionAndSupervision: Bool = false) async throws -> GatewayHarness {
        let membership = try await ServiceHarness.start(
            service: "membership", prefix: prefix, migrations: try MembershipMigrations.all(), authority: membershipAuthority
        ) { context in
            [MembershipService(environment: MembershipEnvironment(
                pool: context.pool, tokens: context.authority, vault: PIIVault(encryptionKey: Array(repeating: 0x5A, count: 32), hashKey: Array(repeating: 0xA5, count: 32)),
                clock: context.clock, logger: context.logger))]
        }
        try await SharedMigrations.apply(
            try GatewayMigrations.all(), schema: "gateway", ownerURL: membership.database.url(role: "gateway_owner"), logger: TestDatabase.logger)
        try await SharedMigrations.apply(
            try AgendaMigrations.all(), schema: "agenda", ownerURL: membership.database.url(role: "agenda_owner"), logger: TestDatabase.logger)
        let pool = try membership.database.pool(role: "gateway_svc")
        let clock = ManualClock(startOfTime)
        let agendaPool = try membership.database.pool(role: "agenda_svc")
        let agenda = try await TestServer.start(
            services: [AgendaService(environment: AgendaEnvironment(pool: agendaPool, vault: vault, clock: clock, logger: TestDatabase.logger))],
            serviceName: "agenda", pool: agendaPool, authority: membershipAuthority, clock: clock, authClock: SystemClock())
        var routes = ["membership": [("127.0.0.1", membership.server.port)], "agenda": [("127.0.0.1", agenda.port)]]
        var extra: ExtraServices?
        if withSessionAndSupervision {
            for (schema, migrations) in [("session", try SessionMigrations.all()), ("supervision", try SupervisionMigrations.all())] {
                try await SharedMigrations.apply(
                    migrations, schema: schema, ownerURL: membership.database.url(role: "\(schema)_owner"), logger: TestDatabase.logger)
            }
            let sessionPool = try membership.database.pool(role: "session_svc")
            let sessionClock = ManualClock(startOfTime)
            let session = try await TestServer.start(
                services: [ExtraServices.sessionService(pool: sessionPool, clock: sessionClock, agenda: agenda)],
                serviceName: "session", pool: sessionPool, authority: membershipAuthority, clock: sessionClock, authClock: SystemClock())
            let supervisionPool = try membership.database.pool(role: "supervision_svc")
            let supervisionClock = ManualClock(startOfTime)
            let supervision = try await TestServer.start(
                services: [SupervisionService(environment: SupervisionEnvironment(pool: supervisionPool, clock: supervisionClock, logger: TestDatabase.logger))],
                serviceName: "supervision", pool: supervisionPool, authority: membershipAuthority, clock: supervisionClock, authClock: SystemClock())
            extra = ExtraServices(session: session, sessionPool: sessionPool, sessionClock: sessionClock, supervision: supervision,
                                  supervisionPool: supervisionPool, supervisionClock: supervisionClock)
            routes["session"] = [("127.0.0.1", session.port)]
            routes["supervision"] = [("127.0.0.1", supervision.port)]
        }
        let gateway = try await GatewayServer.start(pool: pool, clock: clock, routes: routes)
        return GatewayHarness(membership: membership, agenda: agenda, agendaPool: agendaPool, gatewayPool: pool, clock: clock, gateway: gateway,
                              extra: extra)
    }

    func close() async {
        await gateway.shutdown()
        if let extra {
            await extra.session.shutdown()
            await extra.supervision.shutdown()
            await extra.sessionPool.close()
            await extra.supervisionPool.close()
        }
        await agenda.shutdown()
        await agendaPool.close()
        await gatewayPool.close()
        await membership.close()
    }

    /// A county `3320NN000000` of this test's own with two towns and a village in each,
    /// created directly at membership (HS256 test token).
    func county() async throws -> TestCounty {
        let number = counties.add(1, ordering: .relaxed).newValue
        let county = TestCounty(number: number)
        let options = membership.server.options(unitPath: county.path, permissions: ["membership.read", "membership.write"])
        let api = MembershipV1.Membership.Client(membership.server.client)
        _ = try await api.createUnit(.init(divisionCode: county.code, name: "网关县\(number)", level: .county), options: options)
        for town in [1, 2] {
            _ = try await api.createUnit(.init(divisionCode: county.townCode(town), name: "镇\(town)", level: .town,
                                               parent: .init(divisionCode: county.code)), options: options)
            _ = try await api.createUnit(.init(divisionCode: county.villageCode(town), name: "村\(town)", level: .village,
                                               parent: .init(divisionCode: county.townCode(town)), householdCount: 300), options: options)
        }
        return county
    }

    /// Options carrying a tooling token (HS256, `aud: gateway`) acting at `unit` with `permissions`.
    func tool(at unit: String, _ permissions: Set<String>) -> CallOptions {
        let token = TokenAuthority(secret: TestServer.defaultSecret).issue(
            Caller(principal: "test-tool", unitPath: unit, permissions: permissions, audience: "gateway",
                   now: Int64(Date().timeIntervalSince1970)))
        return CallOptions(timeout: .seconds(10), metadata: [Metadata.Keys.authorization: "Bearer " + token])
    }

    static let password = "correct horse battery staple"

    /// An account `name` with `role` at `unit`, created and granted by tooling, and a
    /// session of it (the options carry its token).
    func session(_ name: String, _ role: Role, at unit: String, county: TestCounty) async throws -> CallOptions {
        do {
            try await createAccount(name, county: county)
        } catch { throw TestDatabaseError(message: "CreateAccount \(name): \(error)") }
        do {
            _ = try await gateway.api.grantRole(.init(account: name, role: role.rawValue, unitPath: unit),
                                                options: tool(at: county.path, [GatewayPermission.grants]))
        } catch { throw TestDatabaseError(message: "GrantRole \(name): \(error)") }
        do {
            return try await login(name)
        } catch { throw TestDatabaseError(message: "Login \(name): \(error)") }
    }

    func createAccount(_ name: String, county: TestCounty) async throws {
        _ = try await gateway.api.createAccount(
            .init(name: name, displayName: name, kind: .person, password: Self.password, homeUnitPath: county.path),
            options: tool(at: county.path, [GatewayPermission.accounts]))
    }

    /// An integration client `name` (a 12345 hotline) with the integration client role at
    /// `unit` (the county when nil), calling with an API key.
    func integration(_ name: String, county: TestCounty, at unit: String? = nil) async throws -> CallOptions {
        let admin = tool(at: county.path, [GatewayPermission.accounts])
        _ = try await gateway.api.createAccount(
            .init(name: name, displayName: "12345热线", kind: .integration, homeUnitPath: county.path), options: admin)
        _ = try await gateway.api.grantRole(.init(account: name, role: Role.integrationClient.rawValue, unitPath: unit ?? county.path),
                                            options: tool(at: county.path, [GatewayPermission.grants]))
        let key = try await gateway.api.createAPIKey(.init(account: name), options: admin)
        return CallOptions(timeout: .seconds(20), metadata: [Metadata.Keys.authorization: "Bearer " + key.key])
    }

    func login(_ name: String, password: String = GatewayHarness.password) async throws -> CallOptions {
        let session = try await gateway.api.login(.init(account: name, password: password), options: CallOptions(timeout: .seconds(10)))
        return CallOptions(timeout: .seconds(10), metadata: [Metadata.Keys.authorization: "Bearer " + session.sessionToken])
    }

    @TaskLocal static var bound: GatewayHarness?

    static var current: GatewayHarness {
        get throws {
            guard let bound else { throw TestDatabaseError(message: "the suite lacks the .gateway trait") }
            return bound
        }
    }
}

extension Trait where Self == HarnessTrait<GatewayHarness> {
    static func gateway(_ prefix: String, withSessionAndSupervision: Bool = false) -> Self {
        HarnessTrait(start: { try await GatewayHarness.start(prefix: prefix, withSessionAndSupervision: withSessionAndSupervision) },
                     bind: { harness, body in try await GatewayHarness.$bound.withValue(harness, operation: body) })
    }
}

/// A test's county `3320NN000000`, towns `3320NN00T000`, villages `3320NN00T001`.
struct TestCounty: Sendable {
    let number: Int
    var code: String { "3320" + String(format: "%02d", number) + "000000" }
    var path: String { "u" + code }
    func townCode(_ town: Int) -> String { "3320" + String(format: "%02d", number) + String(format: "%03d", town) + "000" }
    func villageCode(_ town: Int) -> String { "3320" + String(format: "%02d", number) + String(format: "%03d", town) + "001" }
    func townPath(_ town: Int) -> String { path + ".u" + townCode(town) }
    func villagePath(_ town: Int) -> String { townPath(town) + ".u" + villageCode(town) }
}

/// A gateway on a loopback port, built by ``GatewayAssembly`` like the executable.
final class GatewayServer: Sendable {
    let server: RPCServer
    let client: RPCClient
    let port: Int
    private let task: Task<Void, any Error>
    private let background: Task<Void, any Error>

    var api: GatewayV1.Gateway.Client { GatewayV1.Gateway.Client(client) }
    var membership: MembershipV1.Membership.Client { MembershipV1.Membership.Client(client) }
    var agenda: AgendaV1.Agenda.Client { AgendaV1.Agenda.Client(client) }

    private init(server: RPCServer, client: RPCClient, port: Int, task: Task<Void, any Error>, background: Task<Void, any Error>) {
        self.server = server
        self.client = client
        self.port = port
        self.task = task
        self.background = background
    }

    static func start(
        pool: PostgresPool, clock: any ServiceClock, routes: [String: [(host: String, port: Int)]],
        tenantLimits: (rate: Double, burst: Double, inFlight: Int)? = (1000, 1000, 256), healthInterval: Duration = .milliseconds(200),
        dashboardSectionTimeout: Duration = .seconds(3)
    ) async throws -> GatewayServer {
        let options = GatewayAssembly.Options(
            routes: routes, signingKeyID: GatewayHarness.keyID, signingKey: GatewayHarness.signingKey,
            tooling: TokenAuthority(secret: TestServer.defaultSecret), hasher: GatewayHarness.hasher, tenantLimits: tenantLimits,
            healthInterval: healthInterval, dashboardSectionTimeout: dashboardSectionTimeout)
        let setup = try GatewayAssembly.make(options: options, pool: pool, clock: clock, logger: TestServer.quietLogger)
        let server = RPCServer(
            configuration: RPCServer.Configuration(
                host: "127.0.0.1", port: 0, idleTimeout: nil, keepAliveInterval: nil, drainTimeout: .seconds(5),
                defaultTimeout: .seconds(30), maxTimeout: .seconds(300)),
            services: setup.services + [HealthService(serviceName: "gateway", pool: pool), AuditService(pool: pool, checkpointKey: nil),
                                        ChangesService(pool: pool)],
            interceptors: [setup.authInterceptor!],
            logger: TestServer.quietLogger)
        let task = Task { try await server.run() }
        let port = try await server.port
        let checkers = setup.background.compactMap { $0 as? HealthChecker }
        let background = Task {
            while !Task.isCancelled {
                for checker in checkers { await checker.checkOnce() }
                try await Task.sleep(for: healthInterval)
            }
        }
        let client = RPCClient(
            configuration: RPCClient.Configuration(
                host: "127.0.0.1", port: port, connectTimeout: .seconds(2), keepAliveInterval: nil,
                defaultRetryPolicy: .none, defaultTimeout: .seconds(30)),
            logger: TestServer.quietLogger)
        return GatewayServer(server: server, client: client, port: port, task: task, background: background)
    }

    func shutdown() async {
        background.cancel()
        await client.close()
        server.shutdownGracefully()
        _ = try? await task.value
    }
}
