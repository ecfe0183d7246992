import Synchronization

/// The pool's bookkeeping: idle connections, how many exist, and who waits for one.
///
/// A lock, not an actor: leasing and returning a connection is a few instructions, and an
/// actor would cost every call two executor switches (onto the actor and back) — thread
/// hops when the caller runs on an event loop. Nothing blocks or suspends while the lock is
/// held; a caller that must wait suspends on a continuation after releasing it.
final class PoolState: Sendable {
    /// What a caller is granted: an idle connection, or the right to open a new one.
    enum Grant: Sendable {
        case reuse(PostgresConnection)
        case create
    }

    /// One caller waiting for a connection. Its fields are only touched under the pool's
    /// lock; the grant may arrive before the caller has attached its continuation.
    private final class Waiter: @unchecked Sendable {
        var continuation: CheckedContinuation<Grant, any Error>?
        var outcome: Result<Grant, any Error>?
    }

    private struct State {
        var idle: [PostgresConnection] = []
        /// Connections that exist or are being opened (idle + leased + connecting).
        var open = 0
        var waiters: [Waiter] = []
        var isClosed = false
    }

    let maxConnections: Int
    /// How many callers may wait for a connection at once; one more is refused.
    let maxWaiters: Int
    private let state = Mutex(State())

    init(maxConnections: Int, maxWaiters: Int = .max) {
        self.maxConnections = maxConnections
        self.maxWaiters = maxWaiters
    }

    private enum Immediate {
        case granted(Grant)
        case wait(Waiter)
    }

    func acquire(deadline: ContinuousClock.Instant?) async throws -> Grant {
        let immediate = try state.withLock { state throws -> Immediate in
            if state.isClosed { throw PostgresError.poolClosed() }
            if let connection = state.idle.popLast() { return .granted(.reuse(connection)) }
            if state.open < maxConnections {
                state.open += 1
                return .granted(.create)
            }
            guard state.waiters.count < maxWaiters else {
                throw PostgresError(
                    kind: .poolExhausted,
                    message: "all \(maxConnections) connections are in use and \(maxWaiters) callers already wait for one")
            }
            let waiter = Waiter()
            state.waiters.append(waiter)
            return .wait(waiter)
        }
        switch immediate {
        case .granted(let grant):
            return grant
        case .wait(let waiter):
            return try await wait(waiter, deadline: deadline)
        }
    }

    private func wait(_ waiter: Waiter, deadline: ContinuousClock.Instant?) async throws -> Grant {
        let timer = deadline.map { deadline in
            Self.schedule(at: deadline) { [weak self] in
                self?.failWaiter(waiter, with: .deadlineExceeded("the deadline passed while waiting for a connection"))
            }
        }
        defer { timer?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Grant, any Error>) in
                let ready = state.withLock { _ -> Result<Grant, any Error>? in
                    if let outcome = waiter.outcome { return outcome }
                    waiter.continuation = continuation
                    return nil
                }
                if let ready { continuation.resume(with: ready) }
            }
        } onCancel: {
            self.failWaiter(
                waiter, with: PostgresError(kind: .queryCanceled, message: "the task was cancelled while waiting for a connection"))
        }
    }

    /// Takes a connection back. Returns it if the caller must close it.
    func release(_ connection: PostgresConnection, reusable: Bool) -> PostgresConnection? {
        let (toClose, resume) = state.withLock { state -> (PostgresConnection?, Resumption?) in
            guard reusable, !state.isClosed else {
                state.open -= 1
                return (connection, Self.grantCreationToWaiter(&state, maxConnections: maxConnections))
            }
            if !state.waiters.isEmpty {
                return (nil, Self.deliver(state.waiters.removeFirst(), .success(.reuse(connection))))
            }
            state.idle.append(connection)
            return (nil, nil)
        }
        resume?.run()
        return toClose
    }

    /// A granted `.create` did not produce a connection.
    func creationFailed() {
        let resume = state.withLock { state -> Resumption? in
            state.open -= 1
            return Self.grantCreationToWaiter(&state, maxConnections: maxConnections)
        }
        resume?.run()
    }

    /// Marks the pool closed, fails every waiter, and hands back the idle connections to close.
    func close() -> [PostgresConnection] {
        let (pending, connections) = state.withLock { state in
            state.isClosed = true
            let pending = state.waiters.compactMap { Self.deliver($0, .failure(PostgresError.poolClosed())) }
            state.waiters.removeAll()
            let connections = state.idle
            state.idle.removeAll()
            state.open -= connections.count
            return (pending, connections)
        }
        for resumption in pending { resumption.run() }
        return connections
    }

    var openConnections: Int { state.withLock { $0.open } }
    var idleConnections: Int { state.withLock { $0.idle.count } }
    var waitingCallers: Int { state.withLock { $0.waiters.count } }

    /// A timer that fails a waiter whose deadline passes: the reactor's (no task, no
    /// dispatch timer per waiter) where there is one.
    private struct WaitTimer {
        #if os(Linux)
        let id: UInt64
        func cancel() { PostgresReactor.shared.cancelTimer(id) }
        #else
        let task: Task<Void, Never>
        func cancel() { task.cancel() }
        #endif
    }

    private static func schedule(at deadline: ContinuousClock.Instant, _ action: @escaping @Sendable () -> Void) -> WaitTimer {
        #if os(Linux)
        return WaitTimer(id: PostgresReactor.shared.schedule(at: deadline, action))
        #else
        return WaitTimer(task: Task {
            do { try await Task.sleep(until: deadline, clock: .continuous) } catch { return }
            action()
        })
        #endif
    }

    /// A continuation to resume once the lock is released.
    private struct Resumption {
        let continuation: CheckedContinuation<Grant, any Error>
        let outcome: Result<Grant, any Error>
        func run() { continuation.resume(with: outcome) }
    }

    /// Hands `outcome` to a waiter already taken off the queue (under the lock): now, if it
    /// has attached its continuation, or when it does.
    private static func deliver(_ waiter: Waiter, _ outcome: Result<Grant, any Error>) -> Resumption? {
        guard let continuation = waiter.continuation else {
            waiter.outcome = outcome
            return nil
        }
        waiter.continuation = nil
        return Resumption(continuation: continuation, outcome: outcome)
    }

    private static func grantCreationToWaiter(_ state: inout State, maxConnections: Int) -> Resumption? {
        guard !state.isClosed, !state.waiters.isEmpty, state.open < maxConnections else { return nil }
        state.open += 1
        return deliver(state.waiters.removeFirst(), .success(.create))
    }

    /// Fails a waiter still in the queue (its deadline passed or its task was cancelled);
    /// one already served keeps what it was given.
    private func failWaiter(_ waiter: Waiter, with error: PostgresError) {
        let resume = state.withLock { state -> Resumption? in
            guard let index = state.waiters.firstIndex(where: { $0 === waiter }) else { return nil }
            return Self.deliver(state.waiters.remove(at: index), .failure(error))
        }
        resume?.run()
    }
}
