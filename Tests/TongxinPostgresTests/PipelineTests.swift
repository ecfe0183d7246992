import Foundation
import Testing
import TongxinPostgres

/// One round trip per call where it can be: BEGIN, the scope and the first statement travel
/// together; reads need no COMMIT; deferred statements travel with COMMIT.
@Suite("Pipelined transactions")
struct PipelineTests {
    /// A table of this test's own, dropped afterwards.
    private func withTable<T: Sendable>(
        _ pool: PostgresPool, _ body: (String) async throws -> T
    ) async throws -> T {
        let table = uniqueName("pipe")
        try await pool.execute("CREATE TABLE \(table) (id int PRIMARY KEY, note text NOT NULL)")
        do {
            let value = try await body(table)
            try await pool.execute("DROP TABLE \(table)")
            return value
        } catch {
            try? await pool.execute("DROP TABLE \(table)")
            throw error
        }
    }

    @Test("a read-only transaction of one statement is one round trip, with its scope applied")
    func readIsOneRoundTrip() async throws {
        try await withPool(maxConnections: 1) { pool in
            let before = pool.roundTrips.count
            let (scope, trips) = try await pool.transaction(scope: TenantScope(unitPath: "c1.t2"), readOnly: true) { tx in
                let scope = try await tx.query("SELECT current_setting('app.scope', true) AS s").first?["s"].decode(String.self)
                return (scope, tx.roundTrips)
            }
            #expect(scope == "c1.t2")
            #expect(trips == 1)
            #expect(pool.roundTrips.count - before == 1)
        }
    }

    @Test("every statement of a read-only transaction carries the scope, though each is its own implicit transaction")
    func readScopesEveryStatement() async throws {
        try await withPool(maxConnections: 1) { pool in
            let scopes = try await pool.transaction(scope: TenantScope(unitPath: "c1.t3"), readOnly: true) { tx in
                var seen: [String] = []
                for _ in 0..<3 {
                    seen.append(try await tx.query("SELECT current_setting('app.scope', true) AS s").first?["s"].decode(String.self) ?? "")
                }
                return seen
            }
            #expect(scopes == ["c1.t3", "c1.t3", "c1.t3"])
        }
    }

    @Test("a write of one statement plus a deferred statement is two round trips, and both commit")
    func writeIsTwoRoundTrips() async throws {
        try await withPool(maxConnections: 1) { pool in
            try await withTable(pool) { table in
                let before = pool.roundTrips.count
                try await pool.transaction { tx in
                    try await tx.execute("INSERT INTO \(table) VALUES (1, 'row')")
                    try tx.deferUntilCommit("INSERT INTO \(table) VALUES (2, 'deferred')")
                }
                #expect(pool.roundTrips.count - before == 2)
                let notes = try await pool.query("SELECT note FROM \(table) ORDER BY id").map { try $0["note"].decode(String.self) }
                #expect(notes == ["row", "deferred"])
            }
        }
    }

    @Test("a deferred statement that fails rolls the whole transaction back and is the call's error")
    func failingDeferredRollsBack() async throws {
        try await withPool(maxConnections: 1) { pool in
            try await withTable(pool) { table in
                await #expect(throws: PostgresError.self) {
                    try await pool.transaction { tx in
                        try await tx.execute("INSERT INTO \(table) VALUES (1, 'row')")
                        try tx.deferUntilCommit("INSERT INTO \(table) VALUES (1, 'duplicate key')")
                    }
                }
                let count = try await pool.query("SELECT count(*) AS n FROM \(table)").first?["n"].decode(Int.self)
                #expect(count == 0)
                // The connection went back clean and serves the next caller.
                try await pool.transaction { tx in try await tx.execute("INSERT INTO \(table) VALUES (3, 'next')") }
                #expect(try await pool.query("SELECT count(*) AS n FROM \(table)").first?["n"].decode(Int.self) == 1)
            }
        }
    }

    @Test("a body that sends nothing and defers nothing costs no round trip")
    func emptyBodyIsFree() async throws {
        try await withPool(maxConnections: 1) { pool in
            let before = pool.roundTrips.count
            let value = try await pool.transaction { _ in 42 }
            #expect(value == 42)
            #expect(pool.roundTrips.count == before)
        }
    }

    @Test("independent statements run in one round trip; the first failure is thrown and the rest are not run")
    func batchedQueries() async throws {
        try await withPool(maxConnections: 1) { pool in
            try await withTable(pool) { table in
                let results = try await pool.transaction(readOnly: true) { tx in
                    try await tx.queries([("SELECT 1 AS n", []), ("SELECT $1::int AS n", [.int(2)])])
                }
                #expect(try results.map { try $0[0]["n"].decode(Int.self) } == [1, 2])

                let error = await #expect(throws: PostgresError.self) {
                    try await pool.transaction { tx in
                        _ = try await tx.queries([
                            ("INSERT INTO \(table) VALUES (1, 'a')", []),
                            ("INSERT INTO \(table) VALUES (1, 'b')", []),
                            ("INSERT INTO \(table) VALUES (2, 'c')", []),
                        ])
                    }
                }
                #expect(error?.kind == .uniqueViolation)
                #expect(try await pool.query("SELECT count(*) AS n FROM \(table)").first?["n"].decode(Int.self) == 0)
            }
        }
    }

    @Test("a statement prepared in a transaction that rolled back can be used again")
    func preparedSurvivesRollback() async throws {
        try await withPool(maxConnections: 1) { pool in
            struct Boom: Error {}
            await #expect(throws: Boom.self) {
                try await pool.transaction { tx in
                    _ = try await tx.query("SELECT $1::int + 1 AS n", [.int(1)])
                    throw Boom()
                }
            }
            let n = try await pool.transaction { tx in
                try await tx.query("SELECT $1::int + 1 AS n", [.int(41)]).first?["n"].decode(Int.self)
            }
            #expect(n == 42)
        }
    }

    @Test("after a table changes shape, a cached statement fails once and is prepared again")
    func cachedPlanRecovers() async throws {
        try await withPool(maxConnections: 1) { pool in
            try await withTable(pool) { table in
                try await pool.execute("INSERT INTO \(table) VALUES (1, 'x')")
                let sql = "SELECT * FROM \(table)"
                #expect(try await pool.query(sql).count == 1)
                try await pool.execute("ALTER TABLE \(table) ADD COLUMN extra int")
                // PostgreSQL may re-plan transparently or refuse once; either way the next call works.
                _ = try? await pool.query(sql)
                let row = try #require(try await pool.query(sql).first)
                #expect(try row["extra"].decode(Int?.self) == nil)
            }
        }
    }

    @Test("SQL errors in a pipeline keep the server's diagnostics")
    func diagnosticsSurvive() async throws {
        try await withPool(maxConnections: 1) { pool in
            let error = await #expect(throws: PostgresError.self) {
                try await pool.transaction(readOnly: true) { tx in try await tx.query("SELECT * FROM no_such_table_here") }
            }
            #expect(error?.sqlState == "42P01")
            #expect(error?.message.contains("no_such_table_here") == true)
        }
    }
}
