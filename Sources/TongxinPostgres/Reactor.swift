#if os(Linux)
import CLibPQ
import Synchronization
import Glibc

/// The one thread that waits for PostgreSQL's answers.
///
/// A pipeline is sent on the caller's own thread (libpq's sends do not wait for the server)
/// and then handed here: the reactor watches the sockets of every connection with a
/// pipeline in flight (one epoll set for the whole process), reads each answer as it
/// arrives (`PQconsumeInput`, `PQisBusy`, `PQgetResult` — never blocking), copies the rows
/// out and resumes the caller. So a call costs one hop onto this thread and one back,
/// whatever the number of connections, instead of a blocked thread per connection and a
/// hop onto it and back; and many answers that arrive together are finished in one wake-up.
///
/// Deadlines are kept here too: the epoll wait ends at the earliest one, and a pipeline
/// whose deadline passed gets `PQcancel` (sent from another thread, since it connects).
final class PostgresReactor: @unchecked Sendable {
    static let shared = PostgresReactor()

    /// A reactor that has no deadline to watch still wakes up this often, so a pipeline
    /// registered while it slept is never watched late by more than this.
    static let maximumSleep: Duration = .seconds(1)

    private let epoll: Int32
    private let wakeFD: Int32
    private let state = Mutex(State())

    private struct State {
        var operations: [Int32: PipelineOperation] = [:]
        var timers: [UInt64: Timer] = [:]
        var nextTimerID: UInt64 = 0
        /// When the reactor's current wait ends at the latest.
        var wakesBy: ContinuousClock.Instant = .now
    }

    private init() {
        epoll = epoll_create1(Int32(EPOLL_CLOEXEC))
        wakeFD = eventfd(0, Int32(EFD_CLOEXEC) | Int32(EFD_NONBLOCK))
        precondition(epoll >= 0 && wakeFD >= 0, "cannot create the PostgreSQL reactor's epoll set (errno \(errno))")
        precondition(
            tongxin_epoll_watch(epoll, EPOLL_CTL_ADD, wakeFD, EPOLLIN.rawValue) == 0, "cannot watch the reactor's eventfd")

        let box = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { argument in
            let reactor = Unmanaged<PostgresReactor>.fromOpaque(argument!).takeRetainedValue()
            tongxin_name_thread("pg-reactor")
            reactor.run()
            return nil
        }, box)
        precondition(created == 0, "cannot start the PostgreSQL reactor thread")
        pthread_detach(thread)
    }

    /// Watches `operation`'s connection until its pipeline is answered, then finishes it.
    func start(_ operation: PipelineOperation) {
        let socket = PQsocket(operation.connection.handle)
        guard socket >= 0 else {
            operation.finish(failure: PostgresError(kind: .connectionLost, message: "the connection has no socket"))
            return
        }
        let wake = state.withLock { state -> Bool in
            state.operations[socket] = operation
            guard let deadline = operation.deadline else { return false }
            return deadline < state.wakesBy
        }
        let events = EPOLLIN.rawValue | (operation.needsFlush ? EPOLLOUT.rawValue : 0)
        if tongxin_epoll_watch(epoll, EPOLL_CTL_ADD, socket, events) != 0 {
            let code = errno
            _ = state.withLock { $0.operations.removeValue(forKey: socket) }
            operation.connection.markBroken()
            operation.finish(failure: PostgresError(kind: .connectionLost, message: "cannot watch the connection's socket (errno \(code))"))
            return
        }
        if wake { self.wake() }
    }

    struct Timer {
        let deadline: ContinuousClock.Instant
        let action: @Sendable () -> Void
    }

    /// Runs `action` on the reactor thread when `deadline` passes, unless cancelled first
    /// (a timer without a task: the pool's waiters use it, one per caller that waits).
    /// `action` must not block.
    func schedule(at deadline: ContinuousClock.Instant, _ action: @escaping @Sendable () -> Void) -> UInt64 {
        let (id, wake) = state.withLock { state -> (UInt64, Bool) in
            state.nextTimerID += 1
            state.timers[state.nextTimerID] = Timer(deadline: deadline, action: action)
            return (state.nextTimerID, deadline < state.wakesBy)
        }
        if wake { self.wake() }
        return id
    }

    func cancelTimer(_ id: UInt64) {
        _ = state.withLock { $0.timers.removeValue(forKey: id) }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
    }

    private func run() {
        var sockets = [Int32](repeating: 0, count: 64)
        var events = [UInt32](repeating: 0, count: 64)
        while true {
            let timeout = state.withLock { state -> Int32 in
                let now = ContinuousClock.now
                var until = now + Self.maximumSleep
                for operation in state.operations.values where !operation.deadlineFired {
                    if let deadline = operation.deadline, deadline < until { until = deadline }
                }
                for timer in state.timers.values where timer.deadline < until { until = timer.deadline }
                state.wakesBy = until
                let (seconds, attoseconds) = (until - now).components
                return Int32(max(0, seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000))
            }
            let count = sockets.withUnsafeMutableBufferPointer { sockets in
                events.withUnsafeMutableBufferPointer { events in
                    tongxin_epoll_wait(epoll, sockets.baseAddress, events.baseAddress, 64, timeout)
                }
            }
            if count < 0 {
                if errno == EINTR { continue }
                fatalError("epoll_wait failed in the PostgreSQL reactor (errno \(errno))")
            }
            for index in 0..<Int(count) {
                let socket = sockets[index]
                if socket == wakeFD {
                    var value: UInt64 = 0
                    _ = withUnsafeMutableBytes(of: &value) { read(wakeFD, $0.baseAddress, 8) }
                    continue
                }
                guard let operation = state.withLock({ $0.operations[socket] }) else { continue }
                let writable = events[index] & EPOLLOUT.rawValue != 0
                switch operation.advance(writable: writable) {
                case .waiting(let needsFlush):
                    if needsFlush != operation.needsFlush {
                        operation.needsFlush = needsFlush
                        _ = tongxin_epoll_watch(
                            epoll, EPOLL_CTL_MOD, socket, EPOLLIN.rawValue | (needsFlush ? EPOLLOUT.rawValue : 0))
                    }
                case .done:
                    _ = tongxin_epoll_watch(epoll, EPOLL_CTL_DEL, socket, 0)
                    _ = state.withLock { $0.operations.removeValue(forKey: socket) }
                    operation.finish()
                }
            }
            let now = ContinuousClock.now
            let (expired, due) = state.withLock { state -> ([PipelineOperation], [Timer]) in
                var expired: [PipelineOperation] = []
                for operation in state.operations.values where !operation.deadlineFired {
                    if let deadline = operation.deadline, deadline <= now {
                        operation.deadlineFired = true
                        expired.append(operation)
                    }
                }
                var due: [Timer] = []
                if !state.timers.isEmpty {
                    for (id, timer) in state.timers where timer.deadline <= now {
                        due.append(timer)
                        state.timers.removeValue(forKey: id)
                    }
                }
                return (expired, due)
            }
            for operation in expired { operation.connection.requestCancel(token: operation.token, reason: .deadline) }
            for timer in due { timer.action() }
        }
    }
}

/// A pipeline on the wire: what was sent, the results collected so far, and whom to resume.
///
/// Created by the sending thread, then touched only by the reactor thread (and, for
/// `deadlineFired`, under the reactor's lock) until `finish` resumes the caller.
final class PipelineOperation: @unchecked Sendable {
    let connection: PostgresConnection
    let token: UInt64
    let deadline: ContinuousClock.Instant?
    var deadlineFired = false
    var needsFlush: Bool
    private var collector: PipelineCollector
    private let continuation: CheckedContinuation<Result<[QueryResult], PostgresError>, Never>

    init(
        connection: PostgresConnection, token: UInt64, deadline: ContinuousClock.Instant?, needsFlush: Bool,
        collector: PipelineCollector, continuation: CheckedContinuation<Result<[QueryResult], PostgresError>, Never>
    ) {
        self.connection = connection
        self.token = token
        self.deadline = deadline
        self.needsFlush = needsFlush
        self.collector = collector
        self.continuation = continuation
    }

    enum Progress {
        case waiting(needsFlush: Bool)
        case done
    }

    /// Reads what arrived (never blocking) and collects every complete result.
    func advance(writable: Bool) -> Progress {
        let handle = connection.handle
        if needsFlush || writable {
            let flushed = PQflush(handle)
            if flushed < 0 {
                connection.markBroken()
                return .done
            }
            if flushed == 1, PQconsumeInput(handle) == 0 {
                connection.markBroken()
                return .done
            }
            if flushed == 1 { return .waiting(needsFlush: true) }
        }
        if PQconsumeInput(handle) == 0 {
            connection.markBroken()
            // What libpq already parsed (an error result, say) is still collected below.
        }
        return collector.collect(connection) ? .done : .waiting(needsFlush: false)
    }

    func finish() {
        continuation.resume(returning: Result { () throws(PostgresError) in try connection.finishPipeline(collector) })
    }

    func finish(failure: PostgresError) {
        _ = connection.finishWork()
        continuation.resume(returning: .failure(failure))
    }
}
#endif
