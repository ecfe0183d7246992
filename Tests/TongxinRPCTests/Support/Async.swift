import NIOConcurrencyHelpers
@testable import TongxinRPC

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(self.what)" }
}

/// Runs `body`, failing when it takes longer than `limit`.
func withTimeout<T: Sendable>(
    _ limit: Duration = .seconds(20),
    _ what: String = "the operation",
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw TimedOut(what: what)
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}

/// Something a handler reports to the test (it started, it saw cancellation, …) or the
/// test tells handlers (release), waited for by any number of tasks, with a timeout.
final class Flag: Sendable {
    private struct State {
        var raised = false
        var waiters: [Int: CheckedContinuation<Void, any Error>] = [:]
        var nextID = 0
    }

    private let state = NIOLockedValueBox(State())

    func raise() {
        let waiters = self.state.withLockedValue { state in
            state.raised = true
            defer { state.waiters = [:] }
            return state.waiters.values
        }
        for waiter in waiters {
            waiter.resume()
        }
    }

    var isRaised: Bool { self.state.withLockedValue { $0.raised } }

    /// Returns once raised; throws on timeout or when the waiting task is cancelled.
    func wait(_ limit: Duration = .seconds(20), _ what: String = "a flag") async throws {
        try await withTimeout(limit, what) {
            try await self.waitUntilRaised()
        }
    }

    private func waitUntilRaised() async throws {
        let id = self.state.withLockedValue { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let resumeNow: Result<Void, any Error>? = self.state.withLockedValue { state in
                    if state.raised { return .success(()) }
                    if Task.isCancelled { return .failure(CancellationError()) }
                    state.waiters[id] = continuation
                    return nil
                }
                if let resumeNow {
                    continuation.resume(with: resumeNow)
                }
            }
        } onCancel: {
            let waiter = self.state.withLockedValue { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(throwing: CancellationError())
        }
    }
}

/// A counter shared between a handler and a test.
final class Counter: Sendable {
    private let value = NIOLockedValueBox(0)
    @discardableResult
    func increment() -> Int { self.value.withLockedValue { $0 += 1; return $0 } }
    var count: Int { self.value.withLockedValue { $0 } }
}

/// The status code of a failed call (or nil when it succeeded).
func code(of body: () async throws -> Void) async -> Status.Code? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error.code
    } catch {
        return .unknown
    }
}

/// Polls `condition` until it holds, for effects that land a little after the call that
/// caused them (a frame the peer has yet to read).
func eventually(_ what: String, within limit: Duration = .seconds(20), _ condition: () async -> Bool) async throws {
    let end = ContinuousClock.now + limit
    while await !condition() {
        guard ContinuousClock.now < end else { throw TimedOut(what: what) }
        try await Task.sleep(for: .milliseconds(5))
    }
}
