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

/// One libpq session.
///
/// A connection is used by one caller at a time (the pool hands it out exclusively), so the
/// `PGconn` itself needs no lock; only the cancel bookkeeping is shared with other threads
/// (task-cancellation handlers and deadline watchdogs), which is what `control` guards.
final class PostgresConnection: @unchecked Sendable {
    let id: Int
    let handle: OpaquePointer
    /// `PGcancel`, freed by `finish()`; guarded because PQcancel runs on other threads.
    private let cancelHandle: Mutex<CancelHandle>

    /// A `PGcancel*`; only touched under `cancelHandle`'s lock.
    private struct CancelHandle: @unchecked Sendable {
        var pointer: OpaquePointer?
    }
    let control = Mutex(Control())
    /// Receives server notices; kept alive as long as the `PGconn` that points at it.
    private let noticeSink: NoticeSink
    /// Statements prepared on this session (key: SQL and parameter types → name). Only the
    /// caller holding the lease touches it, from one executor thread at a time.
    var prepared: [PreparedKey: String] = [:]
    var nextPreparedID = 0

    struct Control {
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
        if let sslRootCert = configuration.sslRootCert { parameters.append(("sslrootcert", sslRootCert)) }
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

    // MARK: Cancelling

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
    func sendCancel(ifRunning token: UInt64) {
        control.withLock { control in
            guard control.current == token, control.sent, !control.finished else { return }
            cancelHandle.withLock { cancel in
                guard let pointer = cancel.pointer else { return }
                var buffer = [CChar](repeating: 0, count: 256)
                _ = PQcancel(pointer, &buffer, Int32(buffer.count))
            }
        }
    }
}
