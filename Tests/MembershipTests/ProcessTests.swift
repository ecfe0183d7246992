import Foundation
import Testing
import HealthAPI
import MembershipAPI
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

#if canImport(Glibc)
import Glibc
#endif

/// The real `tongxin-membership` executable, as `Scripts/run.sh` starts it: configuration
/// from the environment, serving as `membership_svc` only (the migrations ran before, as a
/// separate `tongxin-membership migrate` step with the owner URLs).
private final class MembershipProcess: @unchecked Sendable {
    let process = Process()
    let log = Pipe()
    private(set) var port = 0
    private var buffered = ""

    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("tongxin-membership")
    }

    /// What a serving process gets: its _svc URL and secrets, no owner URL.
    static func servingEnvironment(database: TestDatabase, secret: String) -> [String: String] {
        [
            "TONGXIN_MEMBERSHIP_PORT": "0",
            "TONGXIN_MEMBERSHIP_METRICS_PORT": "0",
            "TONGXIN_MEMBERSHIP_DATABASE_URL": database.url(role: "membership_svc"),
            "TONGXIN_AUTH_SECRET": secret,
            "TONGXIN_PII_KEY": String(repeating: "1f", count: 32),
            "TONGXIN_PII_HASH_KEY": String(repeating: "2e", count: 32),
            "TONGXIN_AUDIT_CHECKPOINT_KEY": String(repeating: "3d", count: 32),
            "TONGXIN_DRAIN_SECONDS": "2",
        ]
    }

    /// What the migrate step gets: the owner URLs.
    static func migrateEnvironment(database: TestDatabase, secret: String) -> [String: String] {
        [
            "TONGXIN_MEMBERSHIP_OWNER_DATABASE_URL": database.url(role: "membership_owner"),
            "TONGXIN_AUDIT_OWNER_DATABASE_URL": database.url(role: "audit_owner"),
            "TONGXIN_KIT_OWNER_DATABASE_URL": database.url(role: "kit_owner"),
            "TONGXIN_AUTH_SECRET": secret,
        ]
    }

    /// Runs `tongxin-membership <arguments>` to its end; its exit status and stderr.
    static func runToEnd(_ arguments: [String], environment: [String: String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, text)
    }

    init(database: TestDatabase, secret: String) throws {
        process.executableURL = Self.executable
        process.environment = Self.servingEnvironment(database: database, secret: secret)
        process.standardError = log
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// Reads JSON log lines until the "ready" line, and takes the RPC port from it.
    func waitUntilReady() throws {
        let handle = log.fileHandleForReading
        while port == 0 {
            let chunk = handle.availableData
            guard !chunk.isEmpty else { throw TestDatabaseError(message: "tongxin-membership exited before it was ready:\n\(buffered)") }
            buffered += String(decoding: chunk, as: UTF8.self)
            for line in buffered.split(separator: "\n") where line.contains("\"msg\":\"ready\"") {
                if let range = line.range(of: #""rpc":"[^"]*:(\d+)""#, options: .regularExpression) {
                    let text = line[range]
                    port = Int(text.split(separator: ":").last!.dropLast()) ?? 0
                }
            }
        }
    }

    /// SIGTERM, then the exit status (waits at most 15 s).
    func terminate() -> Int32 {
        process.terminate()
        let deadline = Date().addingTimeInterval(15)
        while process.isRunning, Date() < deadline { usleep(20_000) }
        return process.isRunning ? -1 : process.terminationStatus
    }

    var output: String {
        buffered + String(decoding: (try? log.fileHandleForReading.readToEnd()) ?? Data(), as: UTF8.self)
    }
}

@Suite("The tongxin-membership process", .serialized)
struct ProcessTests {
    let secret = "process-test-secret-0123456789abcdef"

    /// `tongxin-membership migrate` with the owner URLs, while audit_owner may log in.
    func migrate(_ database: TestDatabase) async throws -> (status: Int32, output: String) {
        let environment = MembershipProcess.migrateEnvironment(database: database, secret: secret)
        return try await database.withAuditOwnerLogin {
            try MembershipProcess.runToEnd(["migrate"], environment: environment)
        }
    }

    @Test("`migrate` applies the audit, kit and membership migrations as their owners and exits 0; again it is a no-op")
    func migrateSubcommand() async throws {
        let database = try await TestDatabase.create(prefix: "migrate")
        let superuser = try database.superuserPool()
        defer { Task { await superuser.close() } }
        #expect(try await superuser.query("SELECT to_regclass('membership.units') AS t").first?["t"].decode(String?.self) == nil)
        let first = try await migrate(database)
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("migrations done"))
        let owner = try await superuser.query(
            "SELECT pg_get_userbyid(c.relowner) AS owner FROM pg_class c WHERE c.oid = 'membership.units'::regclass")
        #expect(try owner.first?["owner"].decode(String.self) == "membership_owner")
        let again = try await migrate(database)
        #expect(again.status == 0, "\(again.output)")
        // Outside the migrate step audit_owner cannot log in.
        let login = try await TestDatabase.whileRolesAreStable {
            try await superuser.query("SELECT rolcanlogin FROM pg_roles WHERE rolname = 'audit_owner'").first?["rolcanlogin"].decode(Bool.self)
        }
        #expect(login == false)
        // Without its owner URL, migrate refuses and names the variable.
        let refused = try MembershipProcess.runToEnd(["migrate"], environment: ["TONGXIN_AUTH_SECRET": secret])
        #expect(refused.status != 0)
        #expect(refused.output.contains("TONGXIN_MEMBERSHIP_OWNER_DATABASE_URL"))
    }

    @Test("a serving process refuses to start while any owner URL is set, naming the variable")
    func servingRefusesOwnerCredentials() async throws {
        let database = try await TestDatabase.create(prefix: "noowner")
        for variable in ["TONGXIN_MEMBERSHIP_OWNER_DATABASE_URL", "TONGXIN_AUDIT_OWNER_DATABASE_URL", "TONGXIN_KIT_OWNER_DATABASE_URL"] {
            var environment = MembershipProcess.servingEnvironment(database: database, secret: secret)
            environment[variable] = database.url(role: "membership_owner")
            let result = try MembershipProcess.runToEnd([], environment: environment)
            #expect(result.status == 78, "\(variable): \(result.output)")
            #expect(result.output.contains(variable))
        }
    }

    @Test("migrated first, serves as membership_svc only: answers Health, keeps data across a restart, exits cleanly on SIGTERM")
    func lifecycle() async throws {
        let database = try await TestDatabase.create(prefix: "process")
        let migrated = try await migrate(database)
        #expect(migrated.status == 0, "\(migrated.output)")
        let caller = Caller(principal: "county-admin", unitPath: "u330100000000", permissions: ["membership.read", "membership.write"],
                            audience: "membership", now: Int64(Date().timeIntervalSince1970), lifetime: 3600)
        var metadata = Metadata()
        metadata.authorization = "Bearer " + TokenAuthority(secret: Array(secret.utf8)).issue(caller)
        let options = CallOptions(timeout: .seconds(10), metadata: metadata)

        // First run: migrate, serve, create a unit.
        let first = try MembershipProcess(database: database, secret: secret)
        try first.waitUntilReady()
        let client = RPCClient(configuration: .init(host: "127.0.0.1", port: first.port))
        let health = try await HealthV1.Health.Client(client).check(HealthV1.CheckRequest())
        #expect(health.status == .serving)
        #expect(health.service == "membership")
        #expect(health.dependencies.map(\.name) == ["postgres"])
        // The admin CLI against the real process.
        let cliHealth = try runCLI(["health", "check", "--gateway", "127.0.0.1:\(first.port)"])
        #expect(cliHealth.status == 0, "\(cliHealth.output)")
        #expect(cliHealth.output.contains("membership"), "\(cliHealth.output)")
        #expect(cliHealth.output.contains("SERVING"), "\(cliHealth.output)")
        let csv = FileManager.default.temporaryDirectory.appendingPathComponent("units-\(UUID()).csv")
        try "code,name,parent_code\n330100000000,杭州市,\n330102000000,上城区,330100000000\n".write(to: csv, atomically: true, encoding: .utf8)
        // On the server itself the CLI reaches a service with a token for its own audience.
        let minted = try runCLI(["token", "mint", "--audience", "membership", "--unit-path", "u330100000000",
                                 "--permission", "membership.read", "membership.write"], secret: secret)
        #expect(minted.status == 0, "\(minted.output)")
        let imported = try runCLI(["unit", "import", csv.path, "--gateway", "127.0.0.1:\(first.port)", "--json"],
                                  token: minted.output.trimmingCharacters(in: .whitespacesAndNewlines))
        #expect(imported.status == 0, "\(imported.output)")
        #expect(imported.output.contains("\"created\""), "\(imported.output)")
        let created = try await MembershipV1.Membership.Client(client).createUnit(
            .init(divisionCode: "330102001000", name: "清波街道", level: .town, parent: .init(divisionCode: "330102000000")), options: options)
        await client.close()
        #expect(first.terminate() == 0)
        #expect(first.output.contains("\"msg\":\"stopped\""))

        // Second run on the same database: the unit is still there.
        let second = try MembershipProcess(database: database, secret: secret)
        try second.waitUntilReady()
        let again = RPCClient(configuration: .init(host: "127.0.0.1", port: second.port))
        let unit = try await MembershipV1.Membership.Client(again).getUnit(.init(unit: .init(id: created.id)), options: options)
        #expect(unit.name == "清波街道")
        #expect(unit.divisionCode == "330102001000")
        // Calls without a token are refused by the real process too.
        await #expect(throws: RPCError.self) {
            _ = try await MembershipV1.Membership.Client(again).getUnit(.init(unit: .init(id: created.id)))
        }
        await again.close()
        #expect(second.terminate() == 0)
    }

    @Test("tongxinctl issues tokens that the services accept, and refuses without the secret")
    func cliToken() throws {
        let issued = try runCLI(["token", "mint", "--audience", "membership", "--principal", "clerk", "--unit-path", "u330100000000",
                                 "--permission", "membership.read", "membership.write", "--ttl", "60"], secret: secret)
        #expect(issued.status == 0, "\(issued.output)")
        let caller = try TokenAuthority(secret: Array(secret.utf8))
            .verify(issued.output.trimmingCharacters(in: .whitespacesAndNewlines), audience: "membership", now: Int64(Date().timeIntervalSince1970))
        #expect(caller.issuer == "tongxinctl")
        #expect(caller.expiresAt - caller.issuedAt == 60)
        #expect(caller.principal == "clerk")
        #expect(caller.unitPath == "u330100000000")
        #expect(caller.permissions == ["membership.read", "membership.write"])
        let refused = try runCLI(["token", "mint", "--principal", "clerk", "--unit-path", "u330100000000", "--permission", "membership.read"])
        #expect(refused.status != 0)
        #expect(refused.output.contains("TONGXIN_AUTH_SECRET"))
    }

    @Test("refuses to start without its secrets, naming the variable")
    func missingSecret() throws {
        let process = Process()
        process.executableURL = MembershipProcess.executable
        process.environment = [:]
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 78)
        #expect(text.contains("TONGXIN_AUTH_SECRET"))
    }
}

/// Runs `tongxinctl` (built beside the tests) and returns its exit status and output.
private func runCLI(_ arguments: [String], secret: String? = nil, token: String? = nil) throws -> (status: Int32, output: String) {
    let process = Process()
    process.executableURL = MembershipProcess.executable.deletingLastPathComponent().appendingPathComponent("tongxinctl")
    process.arguments = arguments
    var environment = ["NO_COLOR": "1", "XDG_CONFIG_HOME": FileManager.default.temporaryDirectory.appendingPathComponent("ctl-\(UUID())").path]
    environment["TONGXIN_AUTH_SECRET"] = secret
    environment["TONGXIN_TOKEN"] = token
    process.environment = environment
    let output = Pipe()
    process.standardOutput = output
    process.standardError = output
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}
