import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Logging
import Testing
import TongxinPostgres

/// The database the integration tests use: `TONGXIN_TEST_DATABASE_URL`, or the local
/// throwaway cluster of `Scripts/postgres.sh`, started once per test process.
enum TestDatabase {
    /// The repository root, with symlinks resolved (tests may be built through a scratch package).
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let script = repositoryRoot + "/Scripts/postgres.sh"

    static let postgresBinariesPresent = FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/15/bin/postgres")

    /// Computed once; parallel tests share it. Starting the cluster blocks this thread ~1 s once.
    private static let resolvedURL: Result<String, any Error> = Result {
        if let url = ProcessInfo.processInfo.environment["TONGXIN_TEST_DATABASE_URL"], !url.isEmpty { return url }
        try runScript(["start"])
        return try runScript(["url"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func url() throws -> String { try resolvedURL.get() }

    static func configuration() throws -> PostgresConfiguration {
        var configuration = try PostgresConfiguration(url: url())
        configuration.applicationName = "tongxin-postgres-tests"
        return configuration
    }

    /// Runs `Scripts/postgres.sh` with extra environment; returns stdout, throws on failure.
    /// Uses posix_spawn + waitpid directly: Foundation's Process can hang in waitUntilExit
    /// on Linux when used from several threads.
    @discardableResult
    static func runScript(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let base = NSTemporaryDirectory() + "/" + uniqueName("pgscript")
        let outPath = base + ".out"
        let errPath = base + ".err"
        defer {
            unlink(outPath)
            unlink(errPath)
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, errPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)

        let argv = (["/bin/bash", script] + arguments).map { strdup($0) } + [nil]
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/bash", &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw ScriptFailure(arguments: arguments, status: -1, stderr: "posix_spawn failed: \(spawned)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw ScriptFailure(arguments: arguments, status: -1, stderr: "waitpid failed") }
        }
        let stdout = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let stderr = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        let exited = status & 0x7f == 0
        let code = (status >> 8) & 0xff
        guard exited, code == 0 else {
            throw ScriptFailure(arguments: arguments, status: exited ? code : -1, stderr: stderr)
        }
        return stdout
    }

    /// Runs the script off the cooperative pool (it blocks for a second or more).
    @discardableResult
    static func runScriptAsync(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runScript(arguments, environment: environment) })
            }
        }
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    /// A free port below the kernel's ephemeral range (32768–60999 here): the restart test
    /// stops and starts its cluster on this port, and an ephemeral port could be taken in
    /// between by a client connection of a test running in parallel.
    static func freePort() throws -> Int {
        for _ in 0..<50 {
            let candidate = Int.random(in: 30_000..<32_768)
            if isFree(candidate) { return candidate }
        }
        throw ScriptFailure(arguments: ["freePort"], status: -1, stderr: "no free port in 30000-32767")
    }

    static func isFree(_ port: Int) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return false }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) }
        }
        return bound == 0
    }

    struct ScriptFailure: Error, CustomStringConvertible {
        var arguments: [String]
        var status: Int32
        var stderr: String
        var description: String { "postgres.sh \(arguments.joined(separator: " ")) exited \(status): \(stderr)" }
    }
}

func testLogger(_ label: String = "tongxin.postgres.tests") -> Logger {
    var logger = Logger(label: label)
    logger.logLevel = .error
    return logger
}

/// A lower-case name unique to one test, so parallel tests never share objects.
func uniqueName(_ prefix: String) -> String {
    prefix + "_" + String(UInt64.random(in: 0..<UInt64.max), radix: 36)
}

@discardableResult
/// Runs `body` with a fresh pool and closes the pool afterwards, also on failure.
func withPool<T: Sendable>(
    maxConnections: Int = 2, configuration: PostgresConfiguration? = nil,
    _ body: (PostgresPool) async throws -> T
) async throws -> T {
    let pool = PostgresPool(
        configuration: try configuration ?? TestDatabase.configuration(), maxConnections: maxConnections,
        logger: testLogger())
    do {
        let value = try await body(pool)
        await pool.close()
        return value
    } catch {
        await pool.close()
        throw error
    }
}

/// Asserts that `body` throws a `PostgresError` and returns it.
func expectPostgresError(
    _ sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> PostgresError? {
    do {
        try await body()
        Issue.record("expected a PostgresError, got success", sourceLocation: sourceLocation)
        return nil
    } catch let error as PostgresError {
        return error
    } catch {
        Issue.record("expected a PostgresError, got \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Lets N tasks wait for each other.
actor Barrier {
    private let count: Int
    private var arrived = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(count: Int) { self.count = count }

    func arriveAndWait() async {
        arrived += 1
        if arrived >= count {
            waiting.forEach { $0.resume() }
            waiting.removeAll()
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }
}

/// A counter shared by concurrent tasks.
actor Counter {
    private(set) var value = 0
    @discardableResult
    func increment() -> Int {
        value += 1
        return value
    }
}
