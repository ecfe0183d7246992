import Foundation
import Logging
import Testing
import TongxinPostgres

/// The database the integration tests use: `TONGXIN_TEST_DATABASE_URL`, or the local
/// throwaway cluster of `Scripts/postgres.sh`, started once per test process.
enum TestDatabase {
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    static let script = repositoryRoot + "/Scripts/postgres.sh"

    static let postgresBinariesPresent = FileManager.default.isExecutableFile(atPath: "/usr/lib/postgresql/15/bin/postgres")

    /// Computed once; parallel tests share it. Starting the cluster blocks this thread ~1 s once.
    static let url: String = {
        if let url = ProcessInfo.processInfo.environment["TONGXIN_TEST_DATABASE_URL"], !url.isEmpty { return url }
        do {
            _ = try runScript(["start"])
            return try runScript(["url"]).trimmingCharacters(in: .whitespacesAndNewlines)
        } catch {
            return "postgres://unavailable:unavailable@127.0.0.1:1/unavailable  (\(error))"
        }
    }()

    static func configuration() throws -> PostgresConfiguration {
        var configuration = try PostgresConfiguration(url: url)
        configuration.applicationName = "tongxin-postgres-tests"
        return configuration
    }

    /// Runs `Scripts/postgres.sh` with extra environment; returns stdout, throws on failure.
    @discardableResult
    static func runScript(_ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = [script] + arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let stdout = output.fileHandleForReading.readDataToEndOfFile()
        let stderr = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ScriptFailure(
                arguments: arguments, status: process.terminationStatus,
                stderr: String(decoding: stderr, as: UTF8.self))
        }
        return String(decoding: stdout, as: UTF8.self)
    }

    @discardableResult
    /// Runs the script off the cooperative pool (it blocks for a second or more).
    static func runScriptAsync(_ arguments: [String], environment: [String: String] = [:]) async throws -> String {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runScript(arguments, environment: environment) })
            }
        }
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
