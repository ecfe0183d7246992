import NIOConcurrencyHelpers

/// A value that becomes known once and that any number of tasks can wait for (the
/// bound address of a server, the end of its drain). Unlike an `EventLoopPromise` it
/// may be dropped without ever being completed.
final class OneShot<Value: Sendable>: Sendable {
    private enum State {
        case waiting([CheckedContinuation<Value, any Error>])
        case done(Result<Value, any Error>)
    }

    private let state = NIOLockedValueBox(State.waiting([]))

    init() {}

    /// Completes the value; later completions are ignored.
    func complete(_ result: Result<Value, any Error>) {
        let waiters: [CheckedContinuation<Value, any Error>] = self.state.withLockedValue { state in
            guard case .waiting(let waiters) = state else { return [] }
            state = .done(result)
            return waiters
        }
        for waiter in waiters {
            waiter.resume(with: result)
        }
    }

    var isCompleted: Bool {
        self.state.withLockedValue { state in
            if case .done = state { return true }
            return false
        }
    }

    func wait() async throws -> Value {
        try await withCheckedThrowingContinuation { continuation in
            let result: Result<Value, any Error>? = self.state.withLockedValue { state in
                switch state {
                case .waiting(var waiters):
                    waiters.append(continuation)
                    state = .waiting(waiters)
                    return nil
                case .done(let result):
                    return result
                }
            }
            if let result {
                continuation.resume(with: result)
            }
        }
    }
}
