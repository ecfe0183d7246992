/// The pool's bookkeeping: idle connections, how many exist, and who waits for one.
///
/// An actor so that handing out and returning connections is race-free without locks held
/// across suspension points; the connections themselves are opened and closed outside it.
actor PoolState {
    /// What a caller is granted: an idle connection, or the right to open a new one.
    enum Grant: Sendable {
        case reuse(PostgresConnection)
        case create
    }

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Grant, any Error>
    }

    let maxConnections: Int
    /// How many callers may wait for a connection at once; one more is refused.
    let maxWaiters: Int
    private var idle: [PostgresConnection] = []
    /// Connections that exist or are being opened (idle + leased + connecting).
    private var open = 0
    private var waiters: [Waiter] = []
    private var nextWaiterID: UInt64 = 0
    private(set) var isClosed = false

    init(maxConnections: Int, maxWaiters: Int = .max) {
        self.maxConnections = maxConnections
        self.maxWaiters = maxWaiters
    }

    func acquire(deadline: ContinuousClock.Instant?) async throws -> Grant {
        if isClosed { throw PostgresError.poolClosed() }
        if let connection = idle.popLast() { return .reuse(connection) }
        if open < maxConnections {
            open += 1
            return .create
        }
        if Task.isCancelled {
            throw PostgresError(kind: .queryCanceled, message: "the task was cancelled while waiting for a connection")
        }
        guard waiters.count < maxWaiters else {
            throw PostgresError(
                kind: .poolExhausted,
                message: "all \(maxConnections) connections are in use and \(maxWaiters) callers already wait for one")
        }
        let id = nextWaiterID
        nextWaiterID += 1
        let timer = deadline.map { deadline in
            Task { [weak self] in
                do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
                await self?.failWaiter(id, with: .deadlineExceeded("the deadline passed while waiting for a connection"))
            }
        }
        defer { timer?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiters.append(Waiter(id: id, continuation: continuation))
            }
        } onCancel: {
            Task { [weak self] in
                await self?.failWaiter(
                    id, with: PostgresError(kind: .queryCanceled, message: "the task was cancelled while waiting for a connection"))
            }
        }
    }

    /// Takes a connection back. Returns it if the caller must close it.
    func release(_ connection: PostgresConnection, reusable: Bool) -> PostgresConnection? {
        guard reusable, !isClosed else {
            open -= 1
            grantCreationToWaiter()
            return connection
        }
        if !waiters.isEmpty {
            waiters.removeFirst().continuation.resume(returning: .reuse(connection))
            return nil
        }
        idle.append(connection)
        return nil
    }

    /// A granted `.create` did not produce a connection.
    func creationFailed() {
        open -= 1
        grantCreationToWaiter()
    }

    /// Marks the pool closed, fails every waiter, and hands back the idle connections to close.
    func close() -> [PostgresConnection] {
        isClosed = true
        let pending = waiters
        waiters.removeAll()
        for waiter in pending { waiter.continuation.resume(throwing: PostgresError.poolClosed()) }
        let connections = idle
        idle.removeAll()
        open -= connections.count
        return connections
    }

    var openConnections: Int { open }
    var idleConnections: Int { idle.count }
    var waitingCallers: Int { waiters.count }

    private func grantCreationToWaiter() {
        guard !isClosed, !waiters.isEmpty, open < maxConnections else { return }
        open += 1
        waiters.removeFirst().continuation.resume(returning: .create)
    }

    private func failWaiter(_ id: UInt64, with error: PostgresError) {
        guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
        waiters.remove(at: index).continuation.resume(throwing: error)
    }
}
