import CLibPQ
import Synchronization

/// The handle a transaction body runs its statements through.
///
/// It is only valid inside the body; it refuses use after the transaction ended and
/// concurrent use (one libpq session runs one statement at a time).
///
/// Nothing is sent until the body runs its first statement, and then it travels together
/// with what must precede it, in one pipeline: `BEGIN`, the tenant scope and the statement
/// for a writing transaction; the scope and the statement for a read-only one (which runs
/// each statement in an implicit transaction of its own: under READ COMMITTED every
/// statement takes a fresh snapshot anyway, so nothing is lost and a `COMMIT` round trip
/// is saved). Statements given to `deferUntilCommit` (the audit record of a mutation)
/// travel with the `COMMIT`. A one-statement read is therefore one round trip, and a
/// one-statement write two.
public final class PostgresTransaction: Sendable {
    let connection: PostgresConnection
    let executor: BlockingExecutor
    /// The deadline of the whole transaction; each statement is cut off by it.
    public let deadline: ContinuousClock.Instant?
    let scope: TenantScope?
    let mode: Mode
    let counter: RoundTripCounter?
    private let state = Mutex(State())

    /// How statements reach the server.
    enum Mode: Sendable {
        /// `BEGIN …` travels with the first statement; `COMMIT` ends it.
        case explicit(beginSQL: String)
        /// Read-only READ COMMITTED: each pipeline is its own implicit transaction.
        case implicit
    }

    private struct State {
        var busy = false
        var ended = false
        var began = false
        /// Whether a round trip that may have committed was sent (never retried then).
        var committing = false
        /// Pipelines that came back (whatever their outcome).
        var roundTrips = 0
        var deferred: [EncodedStatement] = []
        /// The last server error seen, rethrown if the body swallowed it and returned.
        var lastError: PostgresError?
    }

    init(
        connection: PostgresConnection, executor: BlockingExecutor, deadline: ContinuousClock.Instant?,
        scope: TenantScope?, mode: Mode, counter: RoundTripCounter?
    ) {
        self.connection = connection
        self.executor = executor
        self.deadline = deadline
        self.scope = scope
        self.mode = mode
        self.counter = counter
    }

    public func query(_ sql: String, _ binds: [PostgresValue] = []) async throws -> [PostgresRow] {
        try await run([EncodedStatement(sql: sql, binds: binds)])[0].rows
    }

    /// Returns the number of rows affected.
    @discardableResult
    public func execute(_ sql: String, _ binds: [PostgresValue] = []) async throws -> Int {
        try await run([EncodedStatement(sql: sql, binds: binds)])[0].rowsAffected
    }

    /// Runs independent statements in one round trip and returns each one's rows, in order.
    /// The first failure stops the rest and is thrown.
    public func queries(_ statements: [(sql: String, binds: [PostgresValue])]) async throws -> [[PostgresRow]] {
        guard !statements.isEmpty else { return [] }
        let encoded = try statements.map { statement throws(PostgresError) in
            try EncodedStatement(sql: statement.sql, binds: statement.binds)
        }
        return try await run(encoded).map(\.rows)
    }

    /// Queues a statement to be sent with `COMMIT`, in the same round trip. If it fails, the
    /// transaction rolls back and the failure is the call's. For the last write of a call
    /// whose result the body does not need (an audit record, an outbox entry).
    public func deferUntilCommit(_ sql: String, _ binds: [PostgresValue] = []) throws {
        let statement = try EncodedStatement(sql: sql, binds: binds)
        try state.withLock { state throws(PostgresError) in
            if state.ended {
                throw PostgresError(kind: .invalidInput, message: "the transaction has ended; its handle cannot be used")
            }
            state.deferred.append(statement)
        }
    }

    /// Runs trusted multi-statement SQL without parameters (migration files only).
    func executeScript(_ sql: String) async throws {
        try await beginIfNeeded()
        _ = try await guarded { () throws(PostgresError) in
            try await connection.execute(.script(sql), deadline: deadline, cancellable: true, executor: executor)
        }
    }

    /// Round trips this transaction has made so far.
    public var roundTrips: Int { state.withLock { $0.roundTrips } }

    var lastError: PostgresError? { state.withLock { $0.lastError } }
    var began: Bool { state.withLock { $0.began } }
    var committing: Bool { state.withLock { $0.committing } }

    func end() { state.withLock { $0.ended = true } }

    // MARK: Sending

    /// What must precede the body's statements in this pipeline.
    private func prefix() throws(PostgresError) -> [EncodedStatement] {
        let (sql, binds) = try PostgresPool.settingsStatement(scope: scope, deadline: deadline)
        let settings = try EncodedStatement(sql: sql, binds: binds)
        switch mode {
        case .implicit:
            return [settings]
        case .explicit(let beginSQL):
            if state.withLock({ $0.began }) { return [] }
            return [try EncodedStatement(sql: beginSQL, binds: []), settings]
        }
    }

    private func run(_ statements: [EncodedStatement]) async throws(PostgresError) -> [QueryResult] {
        try guardedEntry()
        defer { state.withLock { $0.busy = false } }
        let prefix = try prefix()
        if case .explicit = mode, !prefix.isEmpty { state.withLock { $0.began = true } }
        let results = try await send(prefix + statements, cancellable: true)
        return Array(results.dropFirst(prefix.count))
    }

    /// Sends `BEGIN` and the scope on their own (before a script, which cannot share a pipeline).
    private func beginIfNeeded() async throws(PostgresError) {
        guard case .explicit = mode, !began else { return }
        try guardedEntry()
        defer { state.withLock { $0.busy = false } }
        let prefix = try prefix()
        state.withLock { $0.began = true }
        _ = try await send(prefix, cancellable: true)
    }

    private func guardedEntry() throws(PostgresError) {
        try state.withLock { state throws(PostgresError) in
            if state.ended {
                throw PostgresError(kind: .invalidInput, message: "the transaction has ended; its handle cannot be used")
            }
            if state.busy {
                throw PostgresError(kind: .invalidInput, message: "a transaction runs one statement at a time; await each one")
            }
            state.busy = true
        }
    }

    private func guarded<T>(_ body: () async throws(PostgresError) -> T) async throws(PostgresError) -> T {
        do {
            return try await body()
        } catch {
            state.withLock { $0.lastError = error }
            throw error
        }
    }

    private func send(_ statements: [EncodedStatement], cancellable: Bool) async throws(PostgresError) -> [QueryResult] {
        defer {
            state.withLock { $0.roundTrips += 1 }
            counter?.increment()
        }
        return try await guarded { () throws(PostgresError) in
            try await connection.pipeline(
                statements, deadline: cancellable ? deadline : nil, cancellable: cancellable, executor: executor)
        }
    }

    /// Sends what is left (deferred statements, `COMMIT`) in one round trip; nothing at all
    /// when the body sent nothing and deferred nothing.
    func commit() async throws(PostgresError) {
        let deferred = state.withLock { state in
            defer { state.deferred = [] }
            return state.deferred
        }
        if case .explicit = mode { state.withLock { $0.committing = true } }
        if !deferred.isEmpty { state.withLock { $0.committing = true } }
        switch mode {
        case .implicit:
            guard !deferred.isEmpty else { return }
            let (sql, binds) = try PostgresPool.settingsStatement(scope: scope, deadline: deadline)
            _ = try await send([try EncodedStatement(sql: sql, binds: binds)] + deferred, cancellable: false)
        case .explicit(let beginSQL):
            var statements: [EncodedStatement] = []
            if !began {
                guard !deferred.isEmpty else { return }
                let (sql, binds) = try PostgresPool.settingsStatement(scope: scope, deadline: deadline)
                statements = [try EncodedStatement(sql: beginSQL, binds: []), try EncodedStatement(sql: sql, binds: binds)]
                state.withLock { $0.began = true }
            }
            statements += deferred
            statements.append(try EncodedStatement(sql: "COMMIT", binds: []))
            let results = try await send(statements, cancellable: false)
            if results.last?.commandTag == "ROLLBACK" {
                throw PostgresError(kind: .server, message: "the transaction was rolled back at COMMIT")
            }
        }
    }
}

/// Counts round trips to the server, for metrics and for tests that pin a call's cost.
public final class RoundTripCounter: Sendable {
    private let value = Atomic<Int>(0)
    public init() {}
    public func increment() { value.wrappingAdd(1, ordering: .relaxed) }
    public var count: Int { value.load(ordering: .relaxed) }
}

extension PostgresPool {
    /// Runs `body` in one transaction on one leased connection.
    ///
    /// The tenant scope and settings are transaction-local (`set_config(..., true)`); with no
    /// scope, `app.scope` is set to `''` so policies fail closed even if someone set it at
    /// session level. The deadline becomes `statement_timeout` and a client-side cancel.
    /// `readOnly` READ COMMITTED work runs each round trip as an implicit transaction (see
    /// `PostgresTransaction`). Serialization failures and deadlocks rerun the whole body (so
    /// it must not have effects outside the database) up to `retries` times with jittered
    /// backoff; a connection found broken on the first round trip is replaced once. Any
    /// throw rolls back.
    @discardableResult
    public func transaction<T: Sendable>(
        scope: TenantScope? = nil, isolation: IsolationLevel = .readCommitted, readOnly: Bool = false,
        deadline: ContinuousClock.Instant? = nil, retries: Int = 3,
        _ body: @Sendable (PostgresTransaction) async throws -> T
    ) async throws -> T {
        var attempt = 0
        var replacedBrokenConnection = false
        let mode: PostgresTransaction.Mode =
            readOnly && isolation == .readCommitted ? .implicit : .explicit(beginSQL: isolation.beginSQL(readOnly: readOnly))
        while true {
            if let deadline, deadline <= .now { throw PostgresError.deadlineExceeded() }
            let connection = try await lease(deadline: deadline)
            let transaction = PostgresTransaction(
                connection: connection, executor: executor, deadline: deadline, scope: scope, mode: mode,
                counter: roundTrips)
            do {
                let value = try await body(transaction)
                transaction.end()
                if connection.transactionStatus == PQTRANS_INERROR {
                    // The body caught a failed statement and returned; COMMIT would roll back silently.
                    throw transaction.lastError
                        ?? PostgresError(kind: .server, message: "the transaction was aborted by an earlier error")
                }
                try await transaction.commit()
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
                if let failure, failure.kind == .connectionLost, transaction.roundTrips <= 1, !transaction.committing,
                   !replacedBrokenConnection,
                   !Task.isCancelled {
                    // The first round trip failed on a dead session: nothing was committed, so
                    // running the body again on a fresh connection is safe.
                    replacedBrokenConnection = true
                    continue
                }
                throw error
            }
        }
    }

    /// The statement that sets the scope, the extra settings and the statement timeout.
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
