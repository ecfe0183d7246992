import Logging
import NIOPosix
import Synchronization

/// A bounded set of libpq connections shared by one service.
///
/// Callers never hold a connection directly: `query` and `transaction` lease one for the
/// duration of a call and return it, so session state cannot leak between callers except
/// through what those two methods deliberately allow (nothing tenant-related: the tenant
/// scope is transaction-local). Connections found dead (server restart, terminated backend)
/// are discarded and replaced on the next call.
public final class PostgresPool: Sendable {
    public let configuration: PostgresConfiguration
    public let maxConnections: Int
    /// How many callers may wait for a connection at once; a caller beyond them gets
    /// `PostgresError.Kind.poolExhausted` at once (the service kit answers
    /// RESOURCE_EXHAUSTED), so a stalled database cannot pile up unbounded work.
    public let maxWaiters: Int
    let logger: Logger
    let executor: BlockingExecutor
    let state: PoolState
    /// Round trips made through this pool: one per pipeline a transaction sends, one per
    /// `query`/`execute`.
    public let roundTrips = RoundTripCounter()
    private let closed = Atomic<Bool>(false)
    private let nextConnectionID = Atomic<Int>(0)

    public init(configuration: PostgresConfiguration, maxConnections: Int = 8, maxWaiters: Int = 256, logger: Logger) {
        self.configuration = configuration
        self.maxConnections = max(1, maxConnections)
        self.maxWaiters = max(0, maxWaiters)
        self.logger = logger
        // One thread per connection: every connection can be in a blocking call at once.
        let threadPool = NIOThreadPool(numberOfThreads: self.maxConnections)
        threadPool.start()
        self.executor = BlockingExecutor(threadPool: threadPool)
        self.state = PoolState(maxConnections: self.maxConnections, maxWaiters: self.maxWaiters)
    }

    deinit {
        if !closed.load(ordering: .acquiring) {
            executor.threadPool.shutdownGracefully { _ in }
        }
    }

    /// Runs one autocommit statement without tenant scope: for administration, migrations
    /// bookkeeping and health checks. Tenant data goes through `transaction(scope:)`.
    public func query(
        _ sql: String, _ binds: [PostgresValue] = [], deadline: ContinuousClock.Instant? = nil
    ) async throws -> [PostgresRow] {
        try await withConnection(deadline: deadline) { connection in
            roundTrips.increment()
            return try await connection.execute(.params(sql, binds), deadline: deadline, cancellable: true, executor: executor).rows
        }
    }

    /// Like `query`, for statements whose affected-row count matters.
    @discardableResult
    public func execute(
        _ sql: String, _ binds: [PostgresValue] = [], deadline: ContinuousClock.Instant? = nil
    ) async throws -> Int {
        try await withConnection(deadline: deadline) { connection in
            roundTrips.increment()
            return try await connection.execute(.params(sql, binds), deadline: deadline, cancellable: true, executor: executor)
                .rowsAffected
        }
    }

    /// Closes idle connections at once and leased ones when they come back; later calls
    /// throw `.poolClosed`. Statements already running finish first.
    public func close() async {
        guard !closed.exchange(true, ordering: .acquiringAndReleasing) else { return }
        for connection in state.close() { connection.finish() }
        try? await executor.threadPool.shutdownGracefully()
    }

    /// Callers currently waiting for a connection, for metrics and tests.
    public var waitingCallers: Int {
        get async { state.waitingCallers }
    }

    /// Connections currently open (idle, leased or being opened), for metrics and tests.
    public var openConnections: Int {
        get async { state.openConnections }
    }

    // MARK: Leasing

    func withConnection<T: Sendable>(
        deadline: ContinuousClock.Instant?, _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        let connection = try await lease(deadline: deadline)
        do {
            let value = try await body(connection)
            await giveBack(connection)
            return value
        } catch {
            await giveBack(connection)
            throw error
        }
    }

    /// Hands out a live connection: an idle one that passes the liveness check, or a new one.
    func lease(deadline: ContinuousClock.Instant?) async throws -> PostgresConnection {
        if let deadline, deadline <= .now { throw PostgresError.deadlineExceeded() }
        let grant = try await state.acquire(deadline: deadline)
        // A connection handed over just as the deadline passed (its timer not yet run on a
        // busy machine) is handed back: the caller's time is up either way.
        if let deadline, deadline <= .now {
            switch grant {
            case .reuse(let connection): await giveBack(connection)
            case .create: state.creationFailed()
            }
            throw PostgresError.deadlineExceeded("the deadline passed while waiting for a connection")
        }
        switch grant {
        case .reuse(let connection):
            if connection.looksAlive() { return connection }
            // Nothing was sent on it yet, so opening a replacement is a safe retry.
            logger.notice("discarding a dead PostgreSQL connection", metadata: ["connection": "\(connection.id)"])
            connection.finish()
            return try await open(deadline: deadline)
        case .create:
            return try await open(deadline: deadline)
        }
    }

    /// Opens a connection in a slot already counted by the state; retries once after a
    /// short pause, since a server that is restarting refuses connections for a moment.
    private func open(deadline: ContinuousClock.Instant?) async throws -> PostgresConnection {
        let configuration = configuration
        let logger = logger
        var attempt = 0
        while true {
            let id = nextConnectionID.wrappingAdd(1, ordering: .relaxed).newValue
            do {
                let connection = try await executor.run { () throws(PostgresError) -> PostgresConnection in
                    try PostgresConnection.connect(configuration, id: id, logger: logger)
                }
                logger.debug("opened a PostgreSQL connection", metadata: ["connection": "\(id)"])
                return connection
            } catch {
                attempt += 1
                let retryable = error.kind == .connectionFailed && attempt < 2 && !Task.isCancelled
                    && (deadline.map { $0 > .now + .milliseconds(250) } ?? true)
                if retryable {
                    logger.debug("connecting to PostgreSQL failed; retrying once", metadata: ["error": "\(error)"])
                    try? await Task.sleep(for: .milliseconds(200))
                    continue
                }
                state.creationFailed()
                logger.warning(
                    "connecting to PostgreSQL failed",
                    metadata: ["error": "\(error)", "server": "\(configuration.redactedURL)"])
                throw error
            }
        }
    }

    /// Returns a connection; a broken one, or one left inside a transaction, is closed.
    func giveBack(_ connection: PostgresConnection) async {
        let reusable = connection.isReusable
        if let toClose = state.release(connection, reusable: reusable) {
            if !reusable {
                logger.debug("closing a PostgreSQL connection that is not reusable", metadata: ["connection": "\(connection.id)"])
            }
            toClose.finish()
        }
    }
}
