import CLibPQ
import Dispatch

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a connection is asked to run.
enum Statement: Sendable {
    /// One statement with bound parameters: the normal path, sent in pipeline mode and
    /// prepared on the session the first time its text is seen.
    case params(String, [PostgresValue])
    /// Multi-statement SQL without parameters (PQsendQuery): trusted migration files only.
    case script(String)
}

/// The outcome of one statement, copied out of the `PGresult`.
struct QueryResult: Sendable {
    var rows: [PostgresRow]
    var rowsAffected: Int
    var commandTag: String
}

/// What identifies a prepared statement on a session: its text and its parameter types (the
/// same text with other types is another statement for the server). A value, not a joined
/// string, so looking a statement up allocates nothing.
struct PreparedKey: Hashable, Sendable {
    let sql: String
    let typeOIDs: [UInt32]
}

/// One statement of a pipeline with its parameters already encoded as text.
struct EncodedStatement: Sendable {
    var sql: String
    var typeOIDs: [UInt32]
    var values: [String?]

    init(sql: String, binds: [PostgresValue]) throws(PostgresError) {
        if sql.utf8.contains(0) { throw PostgresError(kind: .invalidInput, message: "SQL text cannot contain NUL") }
        self.sql = sql
        typeOIDs = []
        values = []
        typeOIDs.reserveCapacity(binds.count)
        values.reserveCapacity(binds.count)
        for bind in binds {
            typeOIDs.append(bind.typeOID)
            values.append(try bind.encoded())
        }
    }

    /// The prepared-statement cache key: the same text with other parameter types is
    /// another statement for the server.
    var cacheKey: PreparedKey { PreparedKey(sql: sql, typeOIDs: typeOIDs) }
}

/// Running statements: every parameterised statement goes out in libpq's pipeline mode, so
/// a batch (BEGIN, the tenant scope, the statements of a call, COMMIT) costs one round
/// trip to the server and one hop to an executor thread and back, however many statements
/// it holds.
///
/// Statements are prepared on the session the first time their text is seen
/// (`PQsendPrepare` in the same pipeline, `PQsendQueryPrepared` afterwards), so hot
/// statements are parsed and planned once per connection. A pipeline stops at the first
/// failing statement (the server answers the rest PIPELINE_ABORTED) and that first error
/// is what the caller sees.
extension PostgresConnection {
    /// Prepared statements kept per session; beyond this, statements run unprepared.
    static let maxPreparedStatements = 256

    /// Runs one statement (see `pipeline`); scripts take the simple-query path.
    func execute(
        _ statement: Statement, deadline: ContinuousClock.Instant?, cancellable: Bool, executor: BlockingExecutor
    ) async throws(PostgresError) -> QueryResult {
        switch statement {
        case .params(let sql, let binds):
            let results = try await pipeline(
                [try EncodedStatement(sql: sql, binds: binds)], deadline: deadline, cancellable: cancellable, executor: executor)
            return results[0]
        case .script(let sql):
            if sql.utf8.contains(0) { throw PostgresError(kind: .invalidInput, message: "SQL text cannot contain NUL") }
            return try await submit(deadline: deadline, cancellable: cancellable, executor: executor) { connection, token throws(PostgresError) in
                try connection.runScriptBlocking(token: token, sql: sql)
            }
        }
    }

    /// Sends `statements` in one pipeline followed by one sync, and returns their results
    /// in order. Stoppable by task cancellation (if `cancellable`) and by `deadline` (PQcancel
    /// is sent when it passes).
    ///
    /// On Linux the pipeline is sent from the caller's thread and its answer awaited on the
    /// `PostgresReactor`: no thread of the pool blocks on it.
    func pipeline(
        _ statements: [EncodedStatement], deadline: ContinuousClock.Instant?, cancellable: Bool, executor: BlockingExecutor
    ) async throws(PostgresError) -> [QueryResult] {
        precondition(!statements.isEmpty, "a pipeline needs at least one statement")
        #if os(Linux)
        if cancellable, Task.isCancelled {
            throw PostgresError(kind: .queryCanceled, message: "the task was cancelled before the statement was sent")
        }
        if let deadline, deadline <= .now { throw .deadlineExceeded() }
        let token = beginWork()
        let run = { () async -> Result<[QueryResult], PostgresError> in
            let collector: PipelineCollector
            let needsFlush: Bool
            do throws(PostgresError) {
                try self.checkNotCancelledBeforeSending(token: token)
                collector = try self.sendPipeline(statements)
                let flushed = PQflush(self.handle)
                if flushed < 0 { throw self.sendFailure() }
                needsFlush = flushed == 1
            } catch {
                return .failure(error)
            }
            self.markSent(token: token)
            return await withCheckedContinuation { continuation in
                PostgresReactor.shared.start(PipelineOperation(
                    connection: self, token: token, deadline: deadline, needsFlush: needsFlush, collector: collector,
                    continuation: continuation))
            }
        }
        if !cancellable { return try await run().get() }
        return try await withTaskCancellationHandler {
            await run()
        } onCancel: {
            self.requestCancel(token: token, reason: .task)
        }.get()
        #else
        return try await submit(deadline: deadline, cancellable: cancellable, executor: executor) { connection, token throws(PostgresError) in
            try connection.runPipelineBlocking(token: token, statements: statements)
        }
        #endif
    }

    /// Registers new work for cancellation; returns its token.
    private func beginWork() -> UInt64 {
        control.withLock { control in
            control.nextToken &+= 1
            control.current = control.nextToken
            control.sent = false
            control.cancelReason = nil
            return control.nextToken
        }
    }

    /// Registers the work for cancellation, arms the deadline watchdog and runs `work` on
    /// the executor: the one hop from the caller's task to a libpq thread and back.
    private func submit<T: Sendable>(
        deadline: ContinuousClock.Instant?, cancellable: Bool, executor: BlockingExecutor,
        _ work: @escaping @Sendable (PostgresConnection, UInt64) throws(PostgresError) -> T
    ) async throws(PostgresError) -> T {
        if cancellable, Task.isCancelled {
            throw PostgresError(kind: .queryCanceled, message: "the task was cancelled before the statement was sent")
        }
        if let deadline, deadline <= .now { throw .deadlineExceeded() }
        let token = beginWork()
        let watchdog = deadline.map { deadline in
            Task { [self] in
                do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
                self.requestCancel(token: token, reason: .deadline)
            }
        }
        defer { watchdog?.cancel() }
        let job: @Sendable () throws(PostgresError) -> T = { [self] () throws(PostgresError) -> T in try work(self, token) }
        if !cancellable { return try await executor.run(job) }
        let result: Result<T, PostgresError> = await withTaskCancellationHandler {
            do throws(PostgresError) { return .success(try await executor.run(job)) } catch { return .failure(error) }
        } onCancel: {
            self.requestCancel(token: token, reason: .task)
        }
        return try result.get()
    }

    // MARK: The blocking parts, on an executor thread

    /// Throws if `token` was cancelled (or the connection closed) before anything was sent.
    func checkNotCancelledBeforeSending(token: UInt64) throws(PostgresError) {
        let earlyCancel = control.withLock { control -> CancelReason?? in
            guard control.current == token, !control.finished else { return .some(nil) }
            return control.cancelReason.map { .some($0) }
        }
        guard let earlyCancel else { return }
        switch earlyCancel {
        case .task:
            throw PostgresError(kind: .queryCanceled, message: "the task was cancelled before the statement was sent")
        case .deadline:
            throw .deadlineExceeded()
        case nil:
            throw PostgresError(kind: .connectionLost, message: "the connection was closed")
        }
    }

    /// Marks the work as on the wire; a cancel requested while sending is sent now.
    func markSent(token: UInt64) {
        let cancelPending = control.withLock { control -> Bool in
            control.sent = true
            return control.cancelReason != nil
        }
        // PQcancel connects to the server: never on the caller's (maybe an event loop's) thread.
        if cancelPending { DispatchQueue.global().async { [self] in self.sendCancel(ifRunning: token) } }
    }

    /// Unregisters the work and returns why it was cancelled, if it was.
    func finishWork() -> CancelReason? {
        control.withLock { control -> CancelReason? in
            control.current = nil
            control.sent = false
            return control.cancelReason
        }
    }

    /// Sending failed half-way: the session's protocol state is unknown, so it is dropped.
    func sendFailure() -> PostgresError {
        _ = finishWork()
        markBroken()
        return PostgresError(kind: .connectionLost, message: Self.errorMessage(handle))
    }

    /// Sends the statements (preparing those seen for the first time) and the sync, in
    /// pipeline mode; returns what collects their results.
    func sendPipeline(_ statements: [EncodedStatement]) throws(PostgresError) -> PipelineCollector {
        guard PQenterPipelineMode(handle) == 1 else { throw sendFailure() }
        var slots: [PipelineCollector.Slot] = []
        slots.reserveCapacity(statements.count * 2)
        var newlyPrepared: [PreparedKey: String] = [:]
        for (index, statement) in statements.enumerated() {
            let key = statement.cacheKey
            var name = prepared[key] ?? newlyPrepared[key]
            if name == nil, prepared.count + newlyPrepared.count < Self.maxPreparedStatements {
                nextPreparedID += 1
                let fresh = "tx\(nextPreparedID)"
                guard PQsendPrepare(handle, fresh, statement.sql, Int32(statement.typeOIDs.count), statement.typeOIDs) == 1 else {
                    throw sendFailure()
                }
                slots.append(.prepare(key: key, name: fresh))
                newlyPrepared[key] = fresh
                name = fresh
            }
            let sent = Self.withCStrings(statement.values) { values -> Int32 in
                if let name {
                    return PQsendQueryPrepared(handle, name, Int32(values.count), values, nil, nil, 0)
                }
                return PQsendQueryParams(
                    handle, statement.sql, Int32(values.count), statement.typeOIDs, values, nil, nil, 0)
            }
            guard sent == 1 else { throw sendFailure() }
            slots.append(.query(index: index))
        }
        guard PQpipelineSync(handle) == 1 else { throw sendFailure() }
        return PipelineCollector(slots: slots, statementCount: statements.count)
    }

    /// Ends the pipeline once its results are collected: leaves pipeline mode and returns
    /// the results, or the first failure.
    func finishPipeline(_ collector: PipelineCollector) throws(PostgresError) -> [QueryResult] {
        let reason = finishWork()
        if PQstatus(handle) != CONNECTION_OK { markBroken() }
        if PQpipelineStatus(handle) != PQ_PIPELINE_OFF, PQexitPipelineMode(handle) != 1 { markBroken() }

        if let failure = collector.failure { throw classify(failure, reason: reason) }
        var outcome: [QueryResult] = []
        outcome.reserveCapacity(collector.results.count)
        for result in collector.results {
            guard let result else {
                markBroken()
                throw PostgresError(kind: .connectionLost, message: Self.errorMessage(handle))
            }
            outcome.append(result)
        }
        return outcome
    }

    /// The blocking form (platforms without the reactor): send, wait, collect.
    func runPipelineBlocking(token: UInt64, statements: [EncodedStatement]) throws(PostgresError) -> [QueryResult] {
        try checkNotCancelledBeforeSending(token: token)
        var collector = try sendPipeline(statements)
        markSent(token: token)
        while !collector.collect(self, blocking: true) {}
        return try finishPipeline(collector)
    }

    /// Trusted multi-statement SQL (migrations) through the simple-query protocol.
    func runScriptBlocking(token: UInt64, sql: String) throws(PostgresError) -> QueryResult {
        try checkNotCancelledBeforeSending(token: token)
        guard PQsendQuery(handle, sql) == 1 else {
            _ = finishWork()
            if PQstatus(handle) != CONNECTION_OK { markBroken() }
            throw PostgresError(kind: isBroken ? .connectionLost : .server, message: Self.errorMessage(handle))
        }
        markSent(token: token)

        var outcome: QueryResult?
        var failure: PostgresError?
        while let result = PQgetResult(handle) {
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                outcome = QueryResult(rows: [], rowsAffected: Self.rowsAffected(result), commandTag: Self.commandTag(result))
            case PGRES_TUPLES_OK:
                outcome = QueryResult(
                    rows: Self.rows(result), rowsAffected: Self.rowsAffected(result), commandTag: Self.commandTag(result))
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                markBroken()
                failure = failure ?? PostgresError(kind: .invalidInput, message: "COPY is not supported")
            default:
                failure = failure ?? Self.serverError(result)
            }
            if failure != nil, control.withLock({ $0.broken }) { break }
        }
        let reason = finishWork()
        if PQstatus(handle) != CONNECTION_OK { markBroken() }
        if let failure { throw classify(failure, reason: reason) }
        guard let outcome else {
            markBroken()
            throw PostgresError(kind: .connectionLost, message: Self.errorMessage(handle))
        }
        return outcome
    }

    /// Turns a server error into what the caller acts on: a lost connection, a deadline,
    /// a cancellation.
    private func classify(_ failure: PostgresError, reason: CancelReason?) -> PostgresError {
        var error = failure
        if isBroken || error.kind == .connectionLost {
            markBroken()
            error.kind = .connectionLost
        } else if error.sqlState == "57014" {
            switch reason {
            case .deadline: error.kind = .deadlineExceeded
            case .task: error.kind = .queryCanceled
            case nil:
                // Our transaction-local statement_timeout fired (the deadline enforced server-side).
                if error.message.contains("statement timeout") { error.kind = .deadlineExceeded }
            }
        } else if error.sqlState == "0A000" || error.sqlState == "26000" {
            // "cached plan must not change result type" after a schema change, or a
            // prepared statement the session lost: forget the cache, the next call re-prepares.
            prepared.removeAll()
        }
        return error
    }

    /// NUL-terminated copies of `values` for libpq, freed when `body` returns.
    static func withCStrings<R>(_ values: [String?], _ body: ([UnsafePointer<CChar>?]) -> R) -> R {
        let copies: [UnsafeMutablePointer<CChar>?] = values.map { $0.flatMap { strdup($0) } }
        defer { copies.forEach { free($0) } }
        return body(copies.map { $0.map { UnsafePointer($0) } })
    }
}

/// Collects a pipeline's results as they become available.
struct PipelineCollector: Sendable {
    enum Slot: Sendable {
        case prepare(key: PreparedKey, name: String)
        case query(index: Int)
    }

    let slots: [Slot]
    private(set) var results: [QueryResult?]
    private(set) var failure: PostgresError?
    private var slot = 0

    init(slots: [Slot], statementCount: Int) {
        self.slots = slots
        results = [QueryResult?](repeating: nil, count: statementCount)
    }

    /// Takes every result libpq has parsed; true once the pipeline's sync arrived (or the
    /// connection is lost). Without `blocking`, it stops where libpq would have to wait.
    mutating func collect(_ connection: PostgresConnection, blocking: Bool = false) -> Bool {
        let handle = connection.handle
        while true {
            if !blocking, PQisBusy(handle) != 0 { return false }
            guard let result = PQgetResult(handle) else {
                // NULL ends one statement's results (or the connection is gone).
                if PQstatus(handle) != CONNECTION_OK {
                    connection.markBroken()
                    return true
                }
                slot += 1
                if slot > slots.count {
                    connection.markBroken()
                    return true
                }
                continue
            }
            let status = PQresultStatus(result)
            if status == PGRES_PIPELINE_SYNC {
                PQclear(result)
                return true
            }
            defer { PQclear(result) }
            guard slot < slots.count else { continue }
            switch status {
            case PGRES_COMMAND_OK, PGRES_EMPTY_QUERY, PGRES_TUPLES_OK:
                switch slots[slot] {
                case .prepare(let key, let name):
                    connection.prepared[key] = name
                case .query(let index):
                    results[index] = QueryResult(
                        rows: status == PGRES_TUPLES_OK ? PostgresConnection.rows(result) : [],
                        rowsAffected: PostgresConnection.rowsAffected(result),
                        commandTag: PostgresConnection.commandTag(result))
                }
            case PGRES_PIPELINE_ABORTED:
                // Skipped because an earlier statement failed; that error is the one reported.
                failure = failure ?? PostgresError(kind: .server, message: "the pipeline was aborted by an earlier error")
            case PGRES_COPY_IN, PGRES_COPY_OUT, PGRES_COPY_BOTH:
                connection.markBroken()  // the session is in COPY mode and of no further use
                failure = failure ?? PostgresError(kind: .invalidInput, message: "COPY is not supported")
                return true
            default:
                failure = failure ?? PostgresConnection.serverError(result)
            }
        }
    }
}
