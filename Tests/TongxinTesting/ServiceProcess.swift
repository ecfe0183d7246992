import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A real `tongxin-<service>` executable, started as `Scripts/run.sh` starts it: its
/// configuration from the environment, its log (JSON lines) to a file, its RPC port read
/// from the "ready" line. For tests that kill and restart a service process.
public final class ServiceProcess: @unchecked Sendable {
    public let name: String
    public let logFile: URL
    private let process = Process()

    /// The built executable beside the test bundle (`.build/debug/tongxin-<name>`).
    public static func executable(_ name: String) -> URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("tongxin-\(name)")
    }

    /// Starts `tongxin-<name> [arguments]` with exactly `environment`.
    public init(_ name: String, arguments: [String] = [], environment: [String: String]) throws {
        self.name = name
        self.logFile = FileManager.default.temporaryDirectory.appendingPathComponent("tongxin-\(name)-\(UUID().uuidString).log")
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let log = try FileHandle(forWritingTo: logFile)
        process.executableURL = Self.executable(name)
        process.arguments = arguments
        process.environment = environment
        process.standardError = log
        process.standardOutput = log
        try process.run()
        try log.close()
    }

    public var log: String {
        (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
    }

    /// Waits (up to `limit`) for the "ready" log line; the RPC port it names.
    public func waitUntilReady(within limit: Duration = .seconds(60)) async throws -> Int {
        let start = ContinuousClock.now
        while ContinuousClock.now - start < limit {
            for line in log.split(separator: "\n") where line.contains("\"msg\":\"ready\"") {
                if let range = line.range(of: #""rpc":"[^"]*:(\d+)""#, options: .regularExpression),
                   let port = Int(line[range].split(separator: ":").last!.dropLast()) {
                    return port
                }
            }
            guard process.isRunning else {
                throw TestDatabaseError(message: "tongxin-\(name) exited (\(process.terminationStatus)) before it was ready:\n\(log)")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestDatabaseError(message: "tongxin-\(name) was not ready within \(limit):\n\(log)")
    }

    /// Runs `tongxin-<name> arguments` to its end: its exit status and log.
    public static func run(_ name: String, _ arguments: [String], environment: [String: String]) async throws -> (status: Int32, output: String) {
        let process = try ServiceProcess(name, arguments: arguments, environment: environment)
        let status = await process.exitStatus(within: .seconds(120))
        return (status ?? -1, process.log)
    }

    /// SIGKILL: no drain, no goodbye — a crash. Waits until the process is gone.
    public func kill() async {
        Glibc.kill(process.processIdentifier, SIGKILL)
        _ = await exitStatus(within: .seconds(30))
    }

    /// SIGTERM (a graceful drain); the exit status, nil if it did not exit within `limit`.
    public func terminate(within limit: Duration = .seconds(30)) async -> Int32? {
        if process.isRunning { process.terminate() }
        return await exitStatus(within: limit)
    }

    private func exitStatus(within limit: Duration) async -> Int32? {
        let start = ContinuousClock.now
        while process.isRunning, ContinuousClock.now - start < limit {
            try? await Task.sleep(for: .milliseconds(20))
        }
        return process.isRunning ? nil : process.terminationStatus
    }

    deinit {
        if process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: logFile)
    }
}

/// A TCP port that nothing listens on now, below the kernel's ephemeral range (so a
/// process restarted on it does not find it taken by an outgoing connection).
public func unusedLoopbackPort() throws -> Int {
    for _ in 0..<200 {
        let port = Int.random(in: 20_000..<32_000)
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { continue }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if bound == 0 { return port }
    }
    throw TestDatabaseError(message: "no free loopback port found")
}

/// A PostgreSQL cluster of one test's own (own data directory and port, through
/// `Scripts/postgres.sh`), for tests that stop and start the server under load while the
/// shared test server stays up for the suites running beside them.
public struct PrivateCluster: Sendable {
    public let dataDirectory: String
    public let port: Int

    public init(name: String) throws {
        self.dataDirectory = TestDatabase.repositoryRoot.path + "/.tongxin/pgdata-\(name)"
        self.port = try unusedLoopbackPort()
    }

    public static var binariesPresent: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/15/bin/postgres")
    }

    /// Starts the server; one left running on this data directory by an aborted run (on
    /// another port) is stopped first.
    public func start() async throws {
        _ = try? await script(["stop"])
        _ = try await script(["start"])
    }
    public func stop() async throws { _ = try await script(["stop"]) }
    /// The superuser's URL of the cluster's `tongxin` database.
    public func url() async throws -> String {
        try await script(["url"]).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Runs Scripts/postgres.sh on a thread of its own (it blocks for seconds), its output to
    /// files — the server it starts inherits them, so a pipe would never reach its end — with
    /// posix_spawn and waitpid: Foundation's Process can hang in waitUntilExit on Linux when
    /// used from several threads.
    private func script(_ arguments: [String]) async throws -> String {
        var inherited = ProcessInfo.processInfo.environment
        inherited["TONGXIN_PGDATA"] = dataDirectory
        inherited["TONGXIN_PGPORT"] = String(port)
        let environment = inherited
        let path = TestDatabase.repositoryRoot.appendingPathComponent("Scripts/postgres.sh").path
        return try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result {
                    let base = NSTemporaryDirectory() + "/pgscript-\(UUID().uuidString)"
                    let (outPath, errPath) = (base + ".out", base + ".err")
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
                    let argv = (["/bin/bash", path] + arguments).map { strdup($0) } + [nil]
                    let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
                    defer {
                        argv.forEach { free($0) }
                        envp.forEach { free($0) }
                    }
                    var pid: pid_t = 0
                    guard posix_spawn(&pid, "/bin/bash", &actions, nil, argv, envp) == 0 else {
                        throw TestDatabaseError(message: "posix_spawn of postgres.sh failed")
                    }
                    var status: Int32 = 0
                    while waitpid(pid, &status, 0) < 0 {
                        guard errno == EINTR else { throw TestDatabaseError(message: "waitpid failed") }
                    }
                    let output = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
                    guard status & 0x7f == 0, (status >> 8) & 0xff == 0 else {
                        let errors = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
                        throw TestDatabaseError(message: "postgres.sh \(arguments.joined(separator: " ")) failed: \(errors)")
                    }
                    return output
                })
            }
        }
    }
}
