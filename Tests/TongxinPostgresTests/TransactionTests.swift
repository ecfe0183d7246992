import Foundation
import Testing
import TongxinPostgres

@Suite("Transactions")
struct TransactionTests {
    struct Boom: Error {}

    @Test("a throwing body rolls back; a returning body commits")
    func commitAndRollback() async throws {
        try await withPool { pool in
            let table = uniqueName("ledger")
            try await pool.execute("CREATE TABLE \(table) (id int PRIMARY KEY)")
            try await pool.transaction { try await $0.execute("INSERT INTO \(table) VALUES (1)") }
            await #expect(throws: Boom.self) {
                try await pool.transaction { transaction in
                    try await transaction.execute("INSERT INTO \(table) VALUES (2)")
                    throw Boom()
                }
            }
            let ids = try await pool.query("SELECT id FROM \(table) ORDER BY id").map { try $0["id"].decode(Int.self) }
            #expect(ids == [1])
            try await pool.execute("DROP TABLE \(table)")
        }
    }

    @Test("a body that swallows a failed statement cannot commit: the error is rethrown")
    func swallowedErrorDoesNotCommit() async throws {
        try await withPool { pool in
            let table = uniqueName("swallow")
            try await pool.execute("CREATE TABLE \(table) (id int PRIMARY KEY)")
            let error = await expectPostgresError {
                try await pool.transaction { transaction in
                    try await transaction.execute("INSERT INTO \(table) VALUES (1)")
                    _ = try? await transaction.execute("INSERT INTO \(table) VALUES (1)")
                }
            }
            #expect(error?.kind == .uniqueViolation)
            #expect(try await pool.query("SELECT id FROM \(table)").isEmpty)
            try await pool.execute("DROP TABLE \(table)")
        }
    }

    @Test("two concurrent SERIALIZABLE transactions with write skew: one fails with 40001, is retried, both land")
    func serializationFailureIsRetried() async throws {
        try await withPool(maxConnections: 2) { pool in
            let table = uniqueName("oncall")
            try await pool.execute("CREATE TABLE \(table) (id int PRIMARY KEY, who text NOT NULL)")
            let barrier = Barrier(count: 2)
            let attempts = Counter()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for who in ["alice", "bob"] {
                    group.addTask {
                        let firstAttempts = Counter()
                        try await pool.transaction(isolation: .serializable, retries: 5) { transaction in
                            await attempts.increment()
                            let count = try await transaction.query("SELECT count(*) AS n FROM \(table)")
                                .first?["n"].decode(Int.self) ?? 0
                            // Both read before either writes, on the first attempt only.
                            if await firstAttempts.increment() == 1 { await barrier.arriveAndWait() }
                            try await transaction.execute(
                                "INSERT INTO \(table) (id, who) VALUES ($1, $2)", [.int(Int64(count + 1) * 10 + (who == "bob" ? 1 : 0)), .text(who)])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(await attempts.value >= 3)
            let names = try await pool.query("SELECT who FROM \(table) ORDER BY who").map { try $0["who"].decode(String.self) }
            #expect(names == ["alice", "bob"])
            try await pool.execute("DROP TABLE \(table)")
        }
    }

    @Test("without retries a serialization failure surfaces as .serializationFailure")
    func serializationFailureSurfaces() async throws {
        try await withPool(maxConnections: 2) { pool in
            let table = uniqueName("skew")
            try await pool.execute("CREATE TABLE \(table) (id int PRIMARY KEY)")
            let barrier = Barrier(count: 2)
            let results = await withTaskGroup(of: (any Error)?.self) { group in
                for id in [1, 2] {
                    group.addTask {
                        do {
                            try await pool.transaction(isolation: .serializable, retries: 0) { transaction in
                                _ = try await transaction.query("SELECT count(*) FROM \(table)")
                                await barrier.arriveAndWait()
                                try await transaction.execute("INSERT INTO \(table) VALUES ($1)", [.int(Int64(id))])
                            }
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                var errors: [(any Error)?] = []
                for await result in group { errors.append(result) }
                return errors
            }
            let failures = results.compactMap { $0 as? PostgresError }
            #expect(failures.count == 1)
            #expect(failures.first?.kind == .serializationFailure)
            #expect(failures.first?.isRetryable == true)
            try await pool.execute("DROP TABLE \(table)")
        }
    }

    @Test("a transaction handle refuses use after its body returned")
    func handleExpires() async throws {
        try await withPool { pool in
            let escaped = try await pool.transaction { $0 }
            let error = await expectPostgresError { _ = try await escaped.query("SELECT 1") }
            #expect(error?.kind == .invalidInput)
        }
    }

    @Test("after close every call throws poolClosed")
    func closedPool() async throws {
        let pool = PostgresPool(configuration: try TestDatabase.configuration(), maxConnections: 1, logger: testLogger())
        _ = try await pool.query("SELECT 1")
        await pool.close()
        let query = await expectPostgresError { _ = try await pool.query("SELECT 1") }
        #expect(query?.kind == .poolClosed)
        let transaction = await expectPostgresError { try await pool.transaction { _ in } }
        #expect(transaction?.kind == .poolClosed)
    }

    @Test("many concurrent callers share a small pool")
    func concurrentCallers() async throws {
        try await withPool(maxConnections: 3) { pool in
            let total = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<40 {
                    group.addTask {
                        try await pool.transaction { transaction in
                            try await transaction.query("SELECT $1::int8 AS v, pg_sleep(0.01)", [.int(Int64(index))])
                                .first?["v"].decode(Int.self) ?? -1
                        }
                    }
                }
                return try await group.reduce(0, +)
            }
            #expect(total == (0..<40).reduce(0, +))
            #expect(await pool.openConnections <= 3)
        }
    }
}
