import Foundation
import Testing
import TongxinPostgres

@Suite("Deadlines and cancellation")
struct CancellationTests {
    @Test("a transaction deadline shorter than pg_sleep cuts the statement off with deadlineExceeded")
    func transactionDeadline() async throws {
        try await withPool { pool in
            _ = try await pool.query("SELECT 1")  // the connection is open before the clock starts
            let clock = ContinuousClock()
            let start = clock.now
            let error = await expectPostgresError {
                try await pool.transaction(deadline: .now + .milliseconds(300)) { transaction in
                    _ = try await transaction.query("SELECT pg_sleep(60)")
                }
            }
            #expect(error?.kind == .deadlineExceeded)
            // Cut off long before the 60 s sleep ends (margin for a busy machine).
            #expect(clock.now - start < .seconds(30))
            // The statement_timeout was transaction-local: the connection is back and unlimited.
            let timeout = try await pool.query("SHOW statement_timeout")
            #expect(try timeout.first?[0].decode(String.self) == "0")
        }
    }

    @Test("the server-side statement_timeout from the deadline is set inside the transaction")
    func statementTimeoutIsLocal() async throws {
        try await withPool(maxConnections: 1) { pool in
            let inside = try await pool.transaction(deadline: .now + .seconds(30)) { transaction in
                try await transaction.query("SELECT setting::int AS ms FROM pg_settings WHERE name = 'statement_timeout'")
                    .first?["ms"].decode(Int.self)
            }
            let milliseconds = try #require(inside)
            // What was left of the 30 s when the transaction began (less on a busy machine).
            #expect(milliseconds > 0 && milliseconds <= 30_000)
            let after = try await pool.query("SELECT current_setting('statement_timeout') AS t")
            #expect(try after.first?["t"].decode(String.self) == "0")
        }
    }

    @Test("an autocommit query with a short deadline is cancelled with deadlineExceeded")
    func queryDeadline() async throws {
        try await withPool { pool in
            _ = try await pool.query("SELECT 1")  // the connection is open before the clock starts
            let clock = ContinuousClock()
            let start = clock.now
            let error = await expectPostgresError {
                _ = try await pool.query("SELECT pg_sleep(60)", deadline: .now + .milliseconds(250))
            }
            #expect(error?.kind == .deadlineExceeded)
            #expect(clock.now - start < .seconds(30))
            let two = try await pool.query("SELECT 2 AS two").first?["two"].decode(Int.self)
            #expect(two == 2)
        }
    }

    @Test("a deadline already in the past fails without touching the database")
    func pastDeadline() async throws {
        // Port 1 has no server: reaching it would be connectionFailed, not deadlineExceeded.
        let nowhere = PostgresConfiguration(host: "127.0.0.1", port: 1, user: "u", password: "p", database: "d")
        try await withPool(configuration: nowhere) { pool in
            let past = ContinuousClock.now - .milliseconds(1)
            let query = await expectPostgresError { _ = try await pool.query("SELECT 1", deadline: past) }
            #expect(query?.kind == .deadlineExceeded)
            let transaction = await expectPostgresError {
                try await pool.transaction(deadline: past) { (_: PostgresTransaction) -> Void in Issue.record("body ran after the deadline") }
            }
            #expect(transaction?.kind == .deadlineExceeded)
            #expect(await pool.openConnections == 0)
        }
    }

    @Test("cancelling the task cancels the running statement on the server (PQcancel)")
    func taskCancellation() async throws {
        try await withPool(maxConnections: 1) { pool in
            let clock = ContinuousClock()
            let marker = uniqueName("sleeper")
            let task = Task {
                try await pool.transaction { transaction in
                    _ = try await transaction.query("SELECT pg_sleep(20) /* \(marker) */")
                }
            }
            // Wait until the statement is visibly running on the server, then cancel.
            try await withPool(maxConnections: 1) { observer in
                for _ in 0..<100 {
                    let running = try await observer.query(
                        "SELECT count(*) AS n FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1",
                        [.text("%/* \(marker) */%")])
                    if try running.first?["n"].decode(Int.self) ?? 0 > 0 { break }
                    try await Task.sleep(for: .milliseconds(50))
                }
            }
            let start = clock.now
            task.cancel()
            let result = await task.result
            #expect(clock.now - start < .seconds(5))
            switch result {
            case .success: Issue.record("the cancelled statement completed")
            case .failure(let error):
                #expect((error as? PostgresError)?.kind == .queryCanceled)
                #expect((error as? PostgresError)?.sqlState == "57014")
            }
            // The single connection was rolled back and is usable again.
            #expect(try await pool.query("SELECT 3 AS three").first?["three"].decode(Int.self) == 3)
            #expect(await pool.openConnections == 1)
        }
    }

    @Test("a task cancelled before its statement is sent never reaches the server")
    func cancelledBeforeSending() async throws {
        try await withPool(maxConnections: 1) { pool in
            let task = Task {
                withUnsafeCurrentTask { $0?.cancel() }
                return try await pool.query("SELECT 1")
            }
            let result = await task.result
            if case .failure(let error) = result {
                #expect((error as? PostgresError)?.kind == .queryCanceled)
            } else {
                Issue.record("expected the cancelled query to fail")
            }
        }
    }

    @Test("waiting for a connection respects the deadline")
    func waitingForConnectionDeadline() async throws {
        try await withPool(maxConnections: 1) { pool in
            let holding = Barrier(count: 2)
            let holder = Task {
                try await pool.transaction { transaction in
                    await holding.arriveAndWait()
                    _ = try await transaction.query("SELECT pg_sleep(1.5)")
                }
            }
            await holding.arriveAndWait()  // the only connection is now leased
            let error = await expectPostgresError {
                _ = try await pool.query("SELECT 1", deadline: .now + .milliseconds(200))
            }
            #expect(error?.kind == .deadlineExceeded)
            try await holder.value
        }
    }
}
