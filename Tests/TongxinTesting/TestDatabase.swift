import Foundation
import Logging
import TongxinPostgres
import TongxinService

/// A fresh database on the test cluster, bootstrapped like production (roles, schemas,
/// ltree, the audit log), for one test suite. Integration tests use real PostgreSQL only.
///
/// The cluster comes from `TONGXIN_TEST_DATABASE_URL` (a superuser URL; `Scripts/test.sh`
/// sets it); without it, `Scripts/postgres.sh start` is run and its URL used.
public final class TestDatabase: Sendable {
    public static let servicePassword = "tongxin-test-svc"
    public static let ownerPassword = "tongxin-test-owner"

    /// The superuser URL of this database.
    public let superuserURL: String
    public let name: String
    private let cluster: PostgresConfiguration

    private init(cluster: PostgresConfiguration, name: String) {
        self.cluster = cluster
        self.name = name
        var configuration = cluster
        configuration.database = name
        self.superuserURL = Self.url(configuration)
    }

    /// Creates `tx_<prefix>_<random>`, runs Scripts/sql/bootstrap.sql and the audit and kit migrations.
    /// `clusterURL`: a superuser URL of another cluster than the shared test server (a test
    /// that restarts its PostgreSQL runs a private one).
    public static func create(prefix: String, clusterURL url: String? = nil) async throws -> TestDatabase {
        let cluster = try PostgresConfiguration(url: try url ?? clusterURL())
        let name = "tx_\(prefix.lowercased())_\(UInt32.random(in: 0...UInt32.max))"
        let admin = PostgresPool(configuration: cluster, maxConnections: 1, logger: logger)
        defer { Task { await admin.close() } }
        _ = try await admin.query("CREATE DATABASE \"\(name)\"")
        let database = TestDatabase(cluster: cluster, name: name)
        try await bootstrapGate.run {
            try runPSQL(url: database.superuserURL, file: repositoryRoot.appendingPathComponent("Scripts/sql/bootstrap.sql").path)
        }
        try await database.withAuditOwnerLogin {
            try await SharedMigrations.apply(try SharedMigrations.audit(), schema: "audit", ownerURL: database.url(role: "audit_owner"), logger: logger)
        }
        try await SharedMigrations.apply(try SharedMigrations.kit(), schema: "kit", ownerURL: database.url(role: "kit_owner"), logger: logger)
        return database
    }

    /// Runs `body` while `audit_owner` may log in, as the operator's migrate step does:
    /// bootstrap leaves it NOLOGIN, so its credentials are useless outside migrations. The
    /// role is cluster-wide, so this runs one at a time with bootstraps (which reset it).
    public func withAuditOwnerLogin<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let superuserURL = superuserURL
        return try await Self.bootstrapGate.run {
            _ = try Self.run("/usr/bin/psql", [superuserURL, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-c", "ALTER ROLE audit_owner LOGIN"])
            do {
                let value = try await body()
                _ = try Self.run("/usr/bin/psql", [superuserURL, "-X", "-q", "-c", "ALTER ROLE audit_owner NOLOGIN"])
                return value
            } catch {
                _ = try? Self.run("/usr/bin/psql", [superuserURL, "-X", "-q", "-c", "ALTER ROLE audit_owner NOLOGIN"])
                throw error
            }
        }
    }

    /// Runs `body` while no bootstrap or migrate step of this process changes the
    /// cluster-wide roles (e.g. to assert that audit_owner is NOLOGIN).
    public static func whileRolesAreStable<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async throws -> T {
        try await bootstrapGate.run(body)
    }

    /// The URL of a bootstrap role in this database: `<service>_svc` or `<service>_owner`.
    public func url(role: String) -> String {
        var configuration = cluster
        configuration.database = name
        configuration.user = role
        configuration.password = role.hasSuffix("_owner") ? Self.ownerPassword : Self.servicePassword
        return Self.url(configuration)
    }

    /// A pool connected as `role` (service roles are subject to row-level security).
    public func pool(role: String, maxConnections: Int = 4) throws -> PostgresPool {
        PostgresPool(configuration: try PostgresConfiguration(url: url(role: role)), maxConnections: maxConnections, logger: Self.logger)
    }

    /// A superuser pool on this database, for assertions about catalogs and for setup.
    public func superuserPool() throws -> PostgresPool {
        PostgresPool(configuration: try PostgresConfiguration(url: superuserURL), maxConnections: 2, logger: Self.logger)
    }

    /// Roles are cluster-wide, so two bootstraps at once race on CREATE/ALTER ROLE ("tuple
    /// concurrently updated"): suites running in parallel bootstrap one at a time, and a
    /// clash with another process is retried.
    private static let bootstrapGate = SerialGate()

    public static let logger: Logger = {
        var logger = Logger(label: "tongxin.test")
        logger.logLevel = .warning
        return logger
    }()

    public static let repositoryRoot: URL = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func clusterURL() throws -> String {
        if let url = ProcessInfo.processInfo.environment["TONGXIN_TEST_DATABASE_URL"], !url.isEmpty {
            return url
        }
        let script = repositoryRoot.appendingPathComponent("Scripts/postgres.sh").path
        _ = try run(script, ["start"])
        return try run(script, ["url"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func runPSQL(url: String, file: String) throws {
        _ = try run("/usr/bin/psql", [
            url, "-X", "-q", "-v", "ON_ERROR_STOP=1",
            "-v", "svc_password=\(servicePassword)", "-v", "owner_password=\(ownerPassword)", "-f", file,
        ])
    }

    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw TestDatabaseError(message: "\(executable) \(arguments.first ?? "") failed: \(String(decoding: err, as: UTF8.self))")
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func url(_ c: PostgresConfiguration) -> String {
        func escape(_ s: String) -> String { s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s }
        return "postgres://\(escape(c.user)):\(escape(c.password))@\(c.host):\(c.port)/\(c.database)"
    }
}

/// Runs blocking work one piece at a time, in call order, without blocking the callers' threads.
actor SerialGate {
    private var tail: Task<Void, Never>?

    func run<T: Sendable>(attempts: Int = 3, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let previous = tail
        let task = Task { () throws -> T in
            _ = await previous?.value
            var attempt = 1
            while true {
                do {
                    return try await body()
                } catch let error as TestDatabaseError where attempt < attempts && error.isConcurrentUpdate {
                    attempt += 1
                    try await Task.sleep(for: .milliseconds(50 * attempt))
                }
            }
        }
        tail = Task { _ = try? await task.value }
        return try await task.value
    }
}

public struct TestDatabaseError: Error, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { message }

    /// A catalog row changed under us by a concurrent bootstrap (another process).
    var isConcurrentUpdate: Bool {
        message.contains("tuple concurrently updated") || message.contains("pg_authid_rolname_index")
    }
}
