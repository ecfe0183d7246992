@preconcurrency import Crypto
import AgendaCore
import Foundation
import GatewayAPI
import GatewayCore
import GatewayRules
import MembershipAPI
import MembershipCore
import SessionCore
import SupervisionCore
import Synchronization
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// A deployment for the built `tongxinctl` to talk to: membership, agenda, session and
/// supervision on real PostgreSQL (each its own database, as `<service>_svc`, behind the
/// production interceptors), and the gateway (``GatewayAssembly``, as `gateway_svc`) routing
/// to all four — the services verify the gateway's Ed25519 key, as in production. Session
/// reads topics and plans from agenda and delivers its outbox (topic moves, filings) to
/// agenda and supervision when a test calls ``deliver()``; supervision's dossier reads
/// agenda. Each test takes a county of its own and a configuration directory of its own.
final class CLIHarness: SuiteHarness {
    static let keyID = "gw-cli"
    static let signingKey = try! Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: 9, count: 32))
    static let authority = TokenAuthority(secret: TestServer.defaultSecret).verifying(keyID, .edDSA(signingKey.publicKey))
    static let vault = PIIVault(encryptionKey: Array(repeating: 0x5A, count: 32), hashKey: Array(repeating: 0xA5, count: 32))
    static let password = "correct horse battery staple"

    let membership: ServiceHarness
    let agenda: ServiceHarness
    let session: ServiceHarness
    let supervision: ServiceHarness
    /// Session's outbox, delivered when a test asks (``deliver()``).
    let deliverer: OutboxDeliverer
    let gatewayPool: PostgresPool
    let server: RPCServer
    let serverTask: Task<Void, any Error>
    let checker: Task<Void, any Error>
    let client: RPCClient
    let port: Int
    private let counties = Atomic<Int>(0)

    private init(membership: ServiceHarness, agenda: ServiceHarness, session: ServiceHarness, supervision: ServiceHarness,
                 deliverer: OutboxDeliverer, gatewayPool: PostgresPool, server: RPCServer,
                 serverTask: Task<Void, any Error>, checker: Task<Void, any Error>, client: RPCClient, port: Int) {
        self.membership = membership
        self.agenda = agenda
        self.session = session
        self.supervision = supervision
        self.deliverer = deliverer
        self.gatewayPool = gatewayPool
        self.server = server
        self.serverTask = serverTask
        self.checker = checker
        self.client = client
        self.port = port
    }

    static func start() async throws -> CLIHarness {
        let membership = try await ServiceHarness.start(
            service: "membership", prefix: "ctl", migrations: try MembershipMigrations.all(), startOfTime: Date(), authority: authority
        ) { context in
            [MembershipService(environment: MembershipEnvironment(
                pool: context.pool, tokens: context.authority, vault: vault, clock: context.clock, logger: context.logger))]
        }
        let agenda = try await ServiceHarness.start(
            service: "agenda", prefix: "ctl", migrations: try AgendaMigrations.all(), startOfTime: Date(), authority: authority
        ) { context in
            [AgendaService(environment: AgendaEnvironment(pool: context.pool, vault: vault, clock: context.clock, logger: context.logger))]
        }
        // Peers call each other with HS256 tokens of the deployment secret (wall clock).
        let peers = TokenAuthority(secret: TestServer.defaultSecret)
        let agendaClient = RPCClient(
            configuration: RPCClient.Configuration(host: "127.0.0.1", port: agenda.server.port, connectTimeout: .seconds(2)),
            logger: TestServer.quietLogger)
        let session = try await ServiceHarness.start(
            service: "session", prefix: "ctl", migrations: try SessionMigrations.all(), startOfTime: Date(), authority: authority
        ) { context in
            [SessionService(environment: SessionEnvironment(
                pool: context.pool, clock: context.clock, topics: AgendaTopicDirectory(client: agendaClient, tokens: peers), logger: context.logger))]
        }
        let supervision = try await ServiceHarness.start(
            service: "supervision", prefix: "ctl", migrations: try SupervisionMigrations.all(), startOfTime: Date(), authority: authority
        ) { context in
            [SupervisionService(environment: SupervisionEnvironment(
                pool: context.pool, clock: context.clock,
                dossierSources: [AgendaDossierSource(client: agendaClient, tokens: peers), UnavailableSource.sessionNotConfigured],
                logger: context.logger))]
        }
        let deliverer = SessionOutbox.deliverer(
            pool: session.servicePool, tokens: peers, agenda: agendaClient, supervision: supervision.server.client,
            backoff: OutboxBackoff(base: .milliseconds(20), maximum: .milliseconds(200)), pollInterval: .milliseconds(20),
            logger: TestDatabase.logger)
        try await SharedMigrations.apply(
            try GatewayMigrations.all(), schema: "gateway", ownerURL: membership.database.url(role: "gateway_owner"), logger: TestDatabase.logger)
        let pool = try membership.database.pool(role: "gateway_svc")
        let options = GatewayAssembly.Options(
            routes: ["membership": [("127.0.0.1", membership.server.port)], "agenda": [("127.0.0.1", agenda.server.port)],
                     "session": [("127.0.0.1", session.server.port)], "supervision": [("127.0.0.1", supervision.server.port)]],
            signingKeyID: keyID, signingKey: signingKey, tooling: TokenAuthority(secret: TestServer.defaultSecret),
            hasher: PasswordHasher(logN: 10), tenantLimits: nil, healthInterval: .milliseconds(200))
        let setup = try GatewayAssembly.make(options: options, pool: pool, clock: SystemClock(), logger: TestServer.quietLogger)
        let server = RPCServer(
            configuration: RPCServer.Configuration(
                host: "127.0.0.1", port: 0, idleTimeout: nil, keepAliveInterval: nil, drainTimeout: .seconds(5),
                defaultTimeout: .seconds(30), maxTimeout: .seconds(300)),
            services: setup.services + [HealthService(serviceName: "gateway", pool: pool), AuditService(pool: pool, checkpointKey: nil)],
            interceptors: [setup.authInterceptor!],
            logger: TestServer.quietLogger)
        let serverTask = Task { try await server.run() }
        let port = try await server.port
        let checkers = setup.background.compactMap { $0 as? HealthChecker }
        let checker = Task {
            while !Task.isCancelled {
                for checker in checkers { await checker.checkOnce() }
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        let client = RPCClient(
            configuration: RPCClient.Configuration(host: "127.0.0.1", port: port, connectTimeout: .seconds(2), keepAliveInterval: nil,
                                                   defaultRetryPolicy: .none, defaultTimeout: .seconds(30)),
            logger: TestServer.quietLogger)
        return CLIHarness(membership: membership, agenda: agenda, session: session, supervision: supervision, deliverer: deliverer, gatewayPool: pool, server: server, serverTask: serverTask,
                          checker: checker, client: client, port: port)
    }

    func close() async {
        checker.cancel()
        await client.close()
        server.shutdownGracefully()
        _ = try? await serverTask.value
        await gatewayPool.close()
        await supervision.close()
        await session.close()
        await agenda.close()
        await membership.close()
    }

    /// A county `3390NN000000` with one town `3390NN001000`, created at membership directly.
    func county() async throws -> CLICounty {
        let number = counties.add(1, ordering: .relaxed).newValue
        let county = CLICounty(number: number)
        let options = membership.server.options(unitPath: county.path, permissions: ["membership.read", "membership.write"])
        let api = MembershipV1.Membership.Client(membership.server.client)
        _ = try await api.createUnit(.init(divisionCode: county.code, name: "同心县\(number)", level: .county), options: options)
        _ = try await api.createUnit(.init(divisionCode: county.townCode, name: "白水洋镇", level: .town, parent: .init(divisionCode: county.code)),
                                     options: options)
        return county
    }

    /// Tooling options (HS256, audience gateway) acting at `unit`.
    func tool(at unit: String, _ permissions: Set<String>) -> CallOptions {
        let token = TokenAuthority(secret: TestServer.defaultSecret).issue(
            Caller(principal: "cli-test", unitPath: unit, permissions: permissions, audience: "gateway", now: Int64(Date().timeIntervalSince1970)))
        return CallOptions(timeout: .seconds(10), metadata: [Metadata.Keys.authorization: "Bearer " + token])
    }

    /// An account with `role` at `unit` (home unit: the county).
    func account(_ name: String, _ role: Role, at unit: String, county: CLICounty) async throws {
        let api = GatewayV1.Gateway.Client(client)
        _ = try await api.createAccount(.init(name: name, displayName: name, kind: .person, password: Self.password, homeUnitPath: county.path),
                                        options: tool(at: county.path, [GatewayPermission.accounts]))
        _ = try await api.grantRole(.init(account: name, role: role.rawValue, unitPath: unit), options: tool(at: county.path, [GatewayPermission.grants]))
    }

    /// An integration client `name` (a 12345 hotline) with its role at the county, and its API key.
    func integration(_ name: String, county: CLICounty) async throws -> String {
        let api = GatewayV1.Gateway.Client(client)
        let admin = tool(at: county.path, [GatewayPermission.accounts])
        _ = try await api.createAccount(.init(name: name, displayName: "12345热线", kind: .integration, homeUnitPath: county.path), options: admin)
        _ = try await api.grantRole(.init(account: name, role: Role.integrationClient.rawValue, unitPath: county.path),
                                    options: tool(at: county.path, [GatewayPermission.grants]))
        return try await api.createAPIKey(.init(account: name), options: admin).key
    }

    /// Moves the clocks of session and supervision on together (a notice period passing):
    /// supervision refuses a filing dated after its own now.
    func advanceClocks(by seconds: TimeInterval) {
        session.clock.advance(by: seconds)
        supervision.clock.advance(by: seconds)
    }

    /// Delivers session's outbox now (topic moves to agenda, filings to supervision).
    func deliver() async throws {
        _ = try await deliverer.deliverPending()
    }

    @TaskLocal static var bound: CLIHarness?

    static var current: CLIHarness {
        get throws {
            guard let bound else { throw TestDatabaseError(message: "the suite lacks the .cli trait") }
            return bound
        }
    }
}

extension Trait where Self == HarnessTrait<CLIHarness> {
    static var cli: Self {
        HarnessTrait(start: { try await CLIHarness.start() },
                     bind: { harness, body in try await CLIHarness.$bound.withValue(harness, operation: body) })
    }
}

struct CLICounty: Sendable {
    let number: Int
    var code: String { "3390" + String(format: "%02d", number) + "000000" }
    var path: String { "u" + code }
    var townCode: String { "3390" + String(format: "%02d", number) + "001000" }
    var townPath: String { path + ".u" + townCode }
    func villageCode(_ village: Int) -> String { "3390" + String(format: "%02d", number) + "001" + String(format: "%03d", village) }
    func villagePath(_ village: Int) -> String { townPath + ".u" + villageCode(village) }
}

/// The built `tongxinctl`, run as a subprocess with a configuration directory of its own.
struct CLI: Sendable {
    let configHome: String
    let gateway: String

    init(port: Int) throws {
        configHome = NSTemporaryDirectory() + "tongxinctl-it-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: configHome, withIntermediateDirectories: true)
        gateway = "127.0.0.1:\(port)"
    }

    struct Result: Sendable, CustomStringConvertible {
        var status: Int32
        var stdout: String
        var stderr: String
        var description: String { "exit \(status)\nstdout:\n\(stdout)\nstderr:\n\(stderr)" }

        func json() throws -> Any {
            try JSONSerialization.jsonObject(with: Data(stdout.utf8))
        }
    }

    /// `TONGXINCTL_BIN`, else `tongxinctl` beside the test bundle (the same build).
    static var binary: String {
        get throws {
            if let path = ProcessInfo.processInfo.environment["TONGXINCTL_BIN"], !path.isEmpty { return path }
            var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("tongxinctl").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                directory = directory.deletingLastPathComponent()
            }
            throw TestDatabaseError(message: "tongxinctl is not built beside the tests (swift build --build-tests builds it; or set TONGXINCTL_BIN)")
        }
    }

    /// Runs `tongxinctl arguments…` with `stdin`, `--gateway` from the environment.
    func run(_ arguments: [String], stdin: String = "", environment extra: [String: String] = [:]) async throws -> Result {
        let binary = try CLI.binary
        let environment = ["PATH": "/usr/bin:/bin", "HOME": configHome, "XDG_CONFIG_HOME": configHome, "TONGXIN_GATEWAY": gateway, "TZ": "Asia/Shanghai"]
            .merging(extra) { $1 }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: binary)
                    process.arguments = arguments
                    process.environment = environment
                    let input = Pipe(), output = Pipe(), errors = Pipe()
                    process.standardInput = input
                    process.standardOutput = output
                    process.standardError = errors
                    try process.run()
                    input.fileHandleForWriting.write(Data(stdin.utf8))
                    try? input.fileHandleForWriting.close()
                    let errData = DataBox()
                    let group = DispatchGroup()
                    group.enter()
                    DispatchQueue.global().async {
                        errData.data = errors.fileHandleForReading.readDataToEndOfFile()
                        group.leave()
                    }
                    let outData = output.fileHandleForReading.readDataToEndOfFile()
                    group.wait()
                    process.waitUntilExit()
                    continuation.resume(returning: Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                                                          stderr: String(decoding: errData.data, as: UTF8.self)))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Logs `account` in (password on standard input) in `profile`.
    func login(_ account: String, profile: String = "default") async throws -> Result {
        try await run(["login", "--account", account, "--password-stdin", "--profile", profile], stdin: CLIHarness.password + "\n")
    }
}

/// Standard error read on another thread (the group's wait orders the write before the read).
private final class DataBox: @unchecked Sendable {
    var data = Data()
}

/// `tongxinctl` in a real terminal: `script(1)` runs the command on a pseudo-terminal of its
/// own, so the program sees a terminal (isatty) and what it writes there comes back, escapes
/// and all, as a person's terminal would show it.
struct TerminalSession {
    func run(_ command: String) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
                    process.arguments = ["-q", "-e", "-c", command, "/dev/null"]
                    process.environment = ["PATH": "/usr/bin:/bin", "TERM": "xterm-256color", "HOME": NSTemporaryDirectory()]
                    process.standardInput = FileHandle.nullDevice
                    process.standardError = FileHandle.nullDevice
                    let output = Pipe()
                    process.standardOutput = output
                    try process.run()
                    let data = output.fileHandleForReading.readDataToEndOfFile()
                    process.waitUntilExit()
                    continuation.resume(returning: String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\r\n", with: "\n"))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    static var available: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/script") }
}
