import CLibPQ
import Synchronization

/// The handle a transaction body runs its statements through.
///
/// It is only valid inside the body; it refuses use after the transaction ended and
/// concurrent use (one libpq session runs one statement at a time).
public final class PostgresTransaction: Sendable {
    let connection: PostgresConnection
    let executor: BlockingExecutor
    /// The deadline of the whole transaction; each statement is cut off by it.
    public let deadline: ContinuousClock.Instant?
    private let state = Mutex(State())

    private struct State {
        var busy = false
        var ended = false
        /// The last server error seen, rethrown if the body swallowed it and returned.
        var lastError: PostgresError?
    }

    init(connection: PostgresConnection, executor: BlockingExecutor, deadline: ContinuousClock.Instant?) {
        self.connection = connection
        self.executor = executor
        self.deadline = deadline
    }

    public func query(_ sql: String, _ binds: [PostgresValue] = []) async throws -> [PostgresRow] {
        try await run(.params(sql, binds)).rows
    }

    /// Returns the number of rows affected.
    @discardableResult
    public func execute(_ sql: String, _ binds: [PostgresValue] = []) async throws -> Int {
        try await run(.params(sql, binds)).rowsAffected
    }

    /// Runs trusted multi-statement SQL without parameters (migration files only).
    func executeScript(_ sql: String) async throws {
        _ = try await run(.script(sql))
    }

    var lastError: PostgresError? { state.withLock { $0.lastError } }

    func end() { state.withLock { $0.ended = true } }

    private func run(_ statement: Statement) async throws(PostgresError) -> QueryResult {
        try state.withLock { state throws(PostgresError) in
            if state.ended {
                throw PostgresError(kind: .invalidInput, message: "the transaction has ended; its handle cannot be used")
            }
            if state.busy {
                throw PostgresError(kind: .invalidInput, message: "a transaction runs one statement at a time; await each one")
            }
            state.busy = true
        }
        defer { state.withLock { $0.busy = false } }
        do {
            return try await connection.execute(statement, deadline: deadline, cancellable: true, executor: executor)
        } catch {
            state.withLock { $0.lastError = error }
            throw error
        }
    }
}

extension PostgresPool {
    /// Runs `body` in one transaction on one leased connection.
    ///
    /// The tenant scope and settings are transaction-local (`set_config(..., true)`); with no
    /// scope, `app.scope` is set to `''` so policies fail closed even if someone set it at
    /// session level. The deadline becomes `statement_timeout` and a client-side cancel.
    /// Serialization failures and deadlocks rerun the whole body (so it must not have
    /// effects outside the database) up to `retries` times with jittered backoff; a
    /// connection found broken at BEGIN is replaced once. Any throw rolls back.
    @discardableResult
    public func transaction<T: Sendable>(
        scope: TenantScope? = nil, isolation: IsolationLevel = .readCommitted,
        deadline: ContinuousClock.Instant? = nil, retries: Int = 3,
        _ body: @Sendable (PostgresTransaction) async throws -> T
    ) async throws -> T {
        var attempt = 0
        var replacedBrokenConnection = false
        while true {
            if let deadline, deadline <= .now { throw PostgresError.deadlineExceeded() }
            let connection = try await lease(deadline: deadline)
            let transaction = PostgresTransaction(connection: connection, executor: executor, deadline: deadline)
            var began = false
            do {
                _ = try await connection.execute(
                    .params(isolation.beginSQL, []), deadline: deadline, cancellable: true, executor: executor)
                began = true
                let (sql, binds) = try Self.settingsStatement(scope: scope, deadline: deadline)
                _ = try await connection.execute(.params(sql, binds), deadline: deadline, cancellable: true, executor: executor)

                let value = try await body(transaction)
                transaction.end()
                if connection.transactionStatus == PQTRANS_INERROR {
                    // The body caught a failed statement and returned; COMMIT would roll back silently.
                    throw transaction.lastError
                        ?? PostgresError(kind: .server, message: "the transaction was aborted by an earlier error")
                }
                let commit = try await connection.execute(
                    .params("COMMIT", []), deadline: nil, cancellable: false, executor: executor)
                if commit.commandTag == "ROLLBACK" {
                    throw PostgresError(kind: .server, message: "the transaction was rolled back at COMMIT")
                }
                await giveBack(connection)
                return value
            } catch {
                transaction.end()
                await rollBack(connection)
                await giveBack(connection)
                let failure = error as? PostgresError
                if let failure, failure.isRetryable, attempt < retries, !Task.isCancelled {
                    attempt += 1
                    logger.debug(
                        "retrying a PostgreSQL transaction",
                        metadata: ["attempt": "\(attempt)", "sqlstate": "\(failure.sqlState ?? "")"])
                    await Self.backoff(attempt: attempt, deadline: deadline)
                    continue
                }
                if let failure, failure.kind == .connectionLost, !began, !replacedBrokenConnection, !Task.isCancelled {
                    // BEGIN never took effect, so running again on a fresh connection is safe.
                    replacedBrokenConnection = true
                    continue
                }
                throw error
            }
        }
    }

    /// One round trip that sets the scope, the extra settings and the statement timeout.
    static func settingsStatement(
        scope: TenantScope?, deadline: ContinuousClock.Instant?
    ) throws(PostgresError) -> (String, [PostgresValue]) {
        var calls: [String] = []
        var binds: [PostgresValue] = []
        func add(_ name: String, _ value: String) {
            binds.append(.text(name))
            binds.append(.text(value))
            calls.append("set_config($\(binds.count - 1), $\(binds.count), true)")
        }
        add(TenantScope.settingName, scope?.unitPath ?? "")
        for (name, value) in (scope?.settings ?? [:]).sorted(by: { $0.key < $1.key })
        where name != TenantScope.settingName {
            add(name, value)
        }
        if let deadline {
            let remaining = deadline - .now
            guard remaining > .zero else { throw .deadlineExceeded() }
            let (seconds, attoseconds) = remaining.components
            let milliseconds = max(1, seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000)
            add("statement_timeout", String(milliseconds))
        }
        return ("SELECT " + calls.joined(separator: ", "), binds)
    }

    /// Ends an open or failed transaction; a connection where that fails is marked broken.
    private func rollBack(_ connection: PostgresConnection) async {
        guard !connection.isBroken, connection.transactionStatus != PQTRANS_IDLE else { return }
        do {
            _ = try await connection.execute(.params("ROLLBACK", []), deadline: nil, cancellable: false, executor: executor)
        } catch {
            connection.markBroken()
        }
    }

    private static func backoff(attempt: Int, deadline: ContinuousClock.Instant?) async {
        let base = min(200.0, 5.0 * Double(1 << min(attempt, 6)))
        var delay = Duration.milliseconds(base * Double.random(in: 0.5..<1.5))
        if let deadline {
            let remaining = deadline - .now
            if remaining <= .zero { return }
            delay = min(delay, remaining)
        }
        try? await Task.sleep(for: delay)
    }
}
