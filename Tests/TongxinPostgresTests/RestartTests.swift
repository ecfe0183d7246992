import Foundation
import Testing
import TongxinPostgres

@Suite("Recovering from lost connections")
struct RestartTests {
    @Test("connections killed by the server are discarded and replaced on the next call")
    func terminatedBackends() async throws {
        try await withPool(maxConnections: 2) { pool in
            let marker = uniqueName("victim")
            var configuration = try TestDatabase.configuration()
            configuration.applicationName = marker
            try await withPool(maxConnections: 2, configuration: configuration) { victim in
                // Open two connections and leave them idle in the pool.
                async let a = victim.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.2)")
                async let b = victim.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.2)")
                let before = Set(try await (a + b).map { try $0["pid"].decode(Int.self) })
                #expect(before.count == 2)

                let killed = try await pool.query(
                    "SELECT count(pg_terminate_backend(pid)) AS n FROM pg_stat_activity WHERE application_name = $1",
                    [.text(marker)])
                #expect(try killed.first?["n"].decode(Int.self) == 2)
                // pg_terminate_backend only signals: wait until both backends have exited.
                for _ in 0..<100 {
                    let left = try await pool.query(
                        "SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = $1", [.text(marker)])
                    if try left.first?["n"].decode(Int.self) == 0 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }

                for _ in 0..<3 {
                    let pid = try await victim.query("SELECT pg_backend_pid() AS pid").first?["pid"].decode(Int.self)
                    #expect(pid.map { !before.contains($0) } == true)
                }
                let inTransaction = try await victim.transaction { transaction in
                    try await transaction.query("SELECT 1 AS one").first?["one"].decode(Int.self)
                }
                #expect(inTransaction == 1)
                #expect(await victim.openConnections <= 2)
            }
        }
    }

    /// Restarts a private cluster (own data directory and port), so the shared test server
    /// stays up for the tests running in parallel.
    @Test(
        "PostgreSQL restarted under the pool: the next calls succeed on fresh connections",
        .enabled(if: TestDatabase.postgresBinariesPresent, "needs the PostgreSQL 15 binaries (Scripts/setup.sh)"))
    func serverRestart() async throws {
        let port = try ProcessInfo.processInfo.environment["TONGXIN_RESTART_TEST_PGPORT"].flatMap(Int.init)
            ?? TestDatabase.freePort()
        let environment = [
            "TONGXIN_PGDATA": TestDatabase.repositoryRoot + "/.tongxin/pgdata-restart-test",
            "TONGXIN_PGPORT": String(port),
        ]
        try await TestDatabase.runScriptAsync(["start"], environment: environment)
        let url = try await TestDatabase.runScriptAsync(["url"], environment: environment)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let configuration = try PostgresConfiguration(url: url)
        do {
            try await withPool(maxConnections: 2, configuration: configuration) { pool in
                let table = uniqueName("survivor")
                try await pool.execute("CREATE TABLE \(table) (id int PRIMARY KEY)")
                async let a = pool.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.1)")
                async let b = pool.query("SELECT pg_backend_pid() AS pid, pg_sleep(0.1)")
                _ = try await (a, b)
                #expect(await pool.openConnections == 2)

                try await TestDatabase.runScriptAsync(["stop"], environment: environment)
                try await TestDatabase.runScriptAsync(["start"], environment: environment)

                try await pool.execute("INSERT INTO \(table) VALUES (1)")
                let viaTransaction = try await pool.transaction { transaction in
                    try await transaction.query("SELECT count(*) AS n FROM \(table)").first?["n"].decode(Int.self)
                }
                #expect(viaTransaction == 1)
                async let c = pool.query("SELECT 1")
                async let d = pool.query("SELECT 1")
                _ = try await (c, d)

                // While the server is down, calls fail fast with a connection error, then recover.
                try await TestDatabase.runScriptAsync(["stop"], environment: environment)
                let down = await expectPostgresError { _ = try await pool.query("SELECT 1") }
                #expect(down?.kind == .connectionFailed || down?.kind == .connectionLost)
                try await TestDatabase.runScriptAsync(["start"], environment: environment)
                #expect(try await pool.query("SELECT count(*) AS n FROM \(table)").first?["n"].decode(Int.self) == 1)
                try await pool.execute("DROP TABLE \(table)")
            }
        } catch {
            _ = try? await TestDatabase.runScriptAsync(["stop"], environment: environment)
            throw error
        }
        try await TestDatabase.runScriptAsync(["stop"], environment: environment)
    }
}
