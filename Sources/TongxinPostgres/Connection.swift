import CLibPQ
import Dispatch
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What a connection is asked to run.
enum Statement: Sendable {
    /// One statement with bound parameters (PQexecParams): the normal path.
    case params(String, [PostgresValue])
    /// Multi-statement SQL without parameters (PQexec): trusted migration files only.
    case script(String)
}

/// The outcome of one statement, copied out of the `PGresult`.
struct QueryResult: Sendable {
    var rows: [PostgresRow]
    var rowsAffected: Int
    var commandTag: String
}

/// One libpq session.
///
/// A connection is used by one caller at a time (the pool hands it out exclusively), so the
/// `PGconn` itself needs no lock; only the cancel bookkeeping is shared with other threads
/// (task-cancellation handlers and deadline watchdogs), which is what `control` guards.
final class PostgresConnection: @unchecked Sendable {
    let id: Int
    private let handle: OpaquePointer
    /// `PGcancel`, freed by `finish()`; guarded because PQcancel runs on other threads.
    private let cancelHandle: Mutex<CancelHandle>

    /// A `PGcancel*`; only touched under `cancelHandle`'s lock.
    private struct CancelHandle: @unchecked Sendable {
        var pointer: OpaquePointer?
    }
    private let control = Mutex(Control())
    /// Receives server notices; kept alive as long as the `PGconn` that points at it.
    private let noticeSink: NoticeSink

    private struct Control {
        var nextToken: UInt64 = 0
        /// The statement currently registered for cancellation, if any.
        var current: UInt64?
        /// Whether `current` has been handed to libpq (so PQcancel can reach it).
        var sent = false
        var cancelReason: CancelReason?
        var broken = false
        var finished = false
    }

    enum CancelReason { case task, deadline }

    private init(id: Int, handle: OpaquePointer, noticeSink: NoticeSink) {
        self.id = id
        self.handle = handle
        self.noticeSink = noticeSink
        self.cancelHandle = Mutex(CancelHandle(pointer: PQgetCancel(handle)))
    }

    deinit { finish() }

    // MARK: Opening and closing

    /// Opens and prepares a session. Blocking: call it on the executor.
    static func connect(
        _ configuration: PostgresConfiguration, id: Int, logger: Logger
    ) throws(PostgresError) -> PostgresConnection {
        var parameters: [(String, String)] = [
            ("host", configuration.host),
            ("port", String(configuration.port)),
            ("user", configuration.user),
            ("password", configuration.password),
            ("dbname", configuration.database),
            ("application_name", configuration.applicationName),
            ("connect_timeout", String(configuration.connectTimeoutSeconds)),
            ("client_encoding", "UTF8"),
            ("keepalives", "1"),
            ("keepalives_idle", "30"),
            ("keepalives_interval", "10"),
            ("keepalives_count", "3"),
        ]
        if let sslMode = configuration.sslMode { parameters.append(("sslmode", sslMode)) }
        for (_, value) in parameters where value.utf8.contains(0) {
            throw PostgresError(kind: .invalidInput, message: "connection parameters cannot contain NUL")
        }

        let keywords: [UnsafeMutablePointer<CChar>?] = parameters.map { strdup($0.0) } + [nil]
        let values: [UnsafeMutablePointer<CChar>?] = parameters.map { strdup($0.1) } + [nil]
        defer {
            keywords.forEach { free($0) }
            values.forEach { free($0) }
        }
        let constKeywords = keywords.map { $0.map { UnsafePointer($0) } }
        let constValues = values.map { $0.map { UnsafePointer($0) } }
        guard let handle = PQconnectdbParams(constKeywords, constValues, 0) else {
            throw PostgresError(kind: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(handle) == CONNECTION_OK else {
            let message = Self.errorMessage(handle)
            PQfinish(handle)
            throw PostgresError(kind: .connectionFailed, message: message)
        }
        // Server NOTICE/WARNING messages go to the log instead of libpq's default (stderr).
        var noticeLogger = logger
        noticeLogger[metadataKey: "connection"] = "\(id)"
        let noticeSink = NoticeSink(logger: noticeLogger)
        PQsetNoticeReceiver(handle, { context, result in
            guard let context, let result else { return }
            Unmanaged<NoticeSink>.fromOpaque(context).takeUnretainedValue().receive(result)
        }, Unmanaged.passUnretained(noticeSink).toOpaque())

        // Session settings every decoder relies on; constants, so plain PQexec is fine.
        let setup = PQexec(handle, "SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'")
        let ok = setup.map { PQresultStatus($0) == PGRES_COMMAND_OK } ?? false
        let setupError = ok ? nil : (setup.map(Self.serverError) ?? PostgresError(kind: .connectionFailed, message: Self.errorMessage(handle)))
        if let setup { PQclear(setup) }
        if var setupError {
            PQfinish(handle)
            setupError.kind = .connectionFailed
            throw setupError
        }
        return PostgresConnection(id: id, handle: handle, noticeSink: noticeSink)
    }

    /// Closes the session (sends Terminate) and frees libpq's memory. Idempotent.
    func finish() {
        let alreadyFinished = control.withLock { control in
            defer { control.finished = true }
            return control.finished
        }
        guard !alreadyFinished else { return }
        cancelHandle.withLock { cancel in
            if let pointer = cancel.pointer { PQfreeCancel(pointer) }
            cancel.pointer = nil
        }
        PQfinish(handle)
    }

    // MARK: Health

    /// Whether the connection can go back to the pool: not broken and outside any transaction.
    var isReusable: Bool {
        let state = control.withLock { ($0.broken, $0.finished) }
        guard !state.0, !state.1 else { return false }
        return PQstatus(handle) == CONNECTION_OK && PQtransactionStatus(handle) == PQTRANS_IDLE
    }

    var isBroken: Bool { control.withLock { $0.broken || $0.finished } || PQstatus(handle) != CONNECTION_OK }

    var transactionStatus: PGTransactionStatusType { PQtransactionStatus(handle) }

    func markBroken() { control.withLock { $0.broken = true } }

    /// Non-blocking check before reuse, so nothing is sent on a dead session.
    ///
    /// An idle session should never receive data. If its socket is readable, the server
    /// either closed it (restart, `pg_terminate_backend`, idle timeout) or sent a FATAL
    /// message first; either way the connection is not worth keeping.
    func looksAlive() -> Bool {
        guard !isBroken else { return false }
        let socket = PQsocket(handle)
        guard socket >= 0 else { return false }
        var descriptor = pollfd(fd: socket, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, 0)
        if ready == 0 { return true }
        if ready < 0 { return errno == EINTR }
        markBroken()
        return false
    }

    // MARK: Running statements

    /// Runs a statement on the executor, stoppable by task cancellation (if `cancellable`)
    /// and by `deadline` (a watchdog sends PQcancel when it passes).
    func execute(
        _ statement: Statement, deadline: ContinuousClock.Instant?, cancellable: Bool, executor: BlockingExecutor
    ) async throws(PostgresError) -> QueryResult {
        if cancellable, Task.isCancelled {
            throw PostgresError(kind: .queryCanceled, message: "the task was cancelled before the statement was sent")
        }
        if let deadline, deadline <= .now { throw .deadlineExceeded() }

        // Encode before registering, so a bad value costs no round trip.
        let sql: String
        var typeOIDs: [UInt32] = []
        var values: [String?] = []
        let isScript: Bool
        switch statement {
        case .params(let text, let binds):
            sql = text
            isScript = false
            typeOIDs.reserveCapacity(binds.count)
            values.reserveCapacity(binds.count)
            for bind in binds {
                typeOIDs.append(bind.typeOID)
                values.append(try bind.encoded())
            }
        case .script(let text):
            sql = text
            isScript = true
        }
        if sql.utf8.contains(0) { throw PostgresError(kind: .invalidInput, message: "SQL text cannot contain NUL") }

        let token = control.withLock { control in
            control.nextToken &+= 1
            control.current = control.nextToken
            control.sent = false
            control.cancelReason = nil
            return control.nextToken
        }
        let watchdog = deadline.map { deadline in
            Task { [self] in
                do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
                self.requestCancel(token: token, reason: .deadline)
            }
        }
        defer { watchdog?.cancel() }

        let work: @Sendable () throws(PostgresError) -> QueryResult = { [self, sql, typeOIDs, values] () throws(PostgresError) -> QueryResult in
            try self.runBlocking(token: token, sql: sql, isScript: isScript, typeOIDs: typeOIDs, values: values)
        }
        if !cancellable { return try await executor.run(work) }
        let result: Result<QueryResult, PostgresError> = await withTaskCancellationHandler {
            do throws(PostgresError) { return .success(try await executor.run(work)) } catch { return .failure(error) }
        } onCancel: {
            self.requestCancel(token: token, reason: .task)
        }
        return try result.get()
    }

    /// Asks the server to stop the statement `token`, if it is still the running one.
    func requestCancel(token: UInt64, reason: CancelReason) {
        let send = control.withLock { control -> Bool in
            guard control.current == token, control.cancelReason == nil, !control.finished else { return false }
            control.cancelReason = reason
            return control.sent
        }
        guard send else { return }  // not on the wire yet: runBlocking sees the reason and cancels itself
        // PQcancel opens a new connection to the server: keep it off cooperative threads.
        DispatchQueue.global().async { [self] in self.sendCancel(ifRunning: token) }
    }

    /// Sends PQcancel while `token` is still the statement on the wire. Holding `control`
    /// meanwhile keeps the statement from being marked finished, and so the connection from
    /// being handed to the next caller, until the request has reached the server: a late
    /// cancel can then not hit someone else's statement.
    private func sendCancel(ifRunning token: UInt64) {
        control.withLock { control in
            guard control.current == token, control.sent, !control.finished else { return }
            cancelHandle.withLock { cancel in
                guard let pointer = cancel.pointer else { return }
                var buffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(pointer, &buffer, Int32(buffer.count))
            }
        }
    }

    /// The blocking part, on an executor thread: send, then collect every result.
    private func runBlocking(
        token: UInt64, sql: String, isScript: Bool, typeOIDs: [UInt32], values: [String?]
    ) throws(PostgresError) -> QueryResult {
        let earlyCancel = control.withLock { control -> CancelReason?? in
            guard control.current == token, !control.finished else { return .some(nil) }
            return control.cancelReason.map { .some($0) }
        }
        if let earlyCancel {
            switch earlyCancel {
            case .task:
                throw PostgresError(kind: .queryCanceled, message: "the task was cancelled before the statement was sent")
            case .deadline:
                throw .deadlineExceeded()
            case nil:
                throw PostgresError(kind: .connectionLost, message: "the connection was closed")
            }
        }

        let queued: Int32
        if isScript {
            queued = PQsendQuery(handle, sql)
        } else {
            let cValues: [UnsafeMutablePointer<CChar>?] = values.map { $0.flatMap { strdup($0) } }
            defer { cValues.forEach { free($0) } }
            let constValues = cValues.map { $0.map { UnsafePointer($0) } }
            queued = PQsendQueryParams(handle, sql, Int32(values.count), typeOIDs, constValues, nil, nil, 0)
        }
        guard queued == 1 else {
            control.withLock { $0.current = nil }
            if PQstatus(handle) != CONNECTION_OK { markBroken() }
            throw PostgresError(
                kind: isBroken ? .connectionLost : .server, message: Self.errorMessage(handle))
        }
        // On the wire now; a cancel requested while sending was left for us to send.
        let cancelPending = control.withLock { control -> Bool in
            control.sent = true
            return control.cancelReason != nil
        }
        if cancelPending { sendCancel(ifRunning: token) }

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
                markBroken()  // the session is in COPY mode and of no further use
                failure = failure ?? PostgresError(kind: .invalidInput, message: "COPY is not supported")
            default:
                failure = failure ?? Self.serverError(result)
            }
            if failure != nil, control.withLock({ $0.broken }) { break }
        }
        let reason = control.withLock { control -> CancelReason? in
            control.current = nil
            control.sent = false
            return control.cancelReason
        }

        if PQstatus(handle) != CONNECTION_OK { markBroken() }
        guard var error = failure else {
            if let outcome { return outcome }
            markBroken()
            throw PostgresError(kind: .connectionLost, message: Self.errorMessage(handle))
        }
        if isBroken || error.kind == .connectionLost {
            markBroken()
            error.kind = .connectionLost
        } else if error.sqlState == "57014" {
            switch reason {
            case .deadline: error.kind = .deadlineExceeded
            case .task: error.kind = .queryCanceled
            case nil:
                // Our SET LOCAL statement_timeout fired (the deadline enforced server-side).
                if error.message.contains("statement timeout") { error.kind = .deadlineExceeded }
            }
        }
        throw error
    }
}
