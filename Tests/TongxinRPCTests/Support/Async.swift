import NIOConcurrencyHelpers
import TongxinRPC

struct TimedOut: Error, CustomStringConvertible {
    let what: String
    var description: String { "timed out waiting for \(self.what)" }
}

/// Runs `body`, failing when it takes longer than `limit`.
func withTimeout<T: Sendable>(
    _ limit: Duration = .seconds(5),
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

/// Something a handler reports to the test (it started, it saw cancellation, …),
/// waited for with a timeout.
final class Flag: Sendable {
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let raised = NIOLockedValueBox(false)

    init() {
        (self.stream, self.continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func raise() {
        self.raised.withLockedValue { $0 = true }
        self.continuation.yield()
    }

    var isRaised: Bool { self.raised.withLockedValue { $0 } }

    func wait(_ limit: Duration = .seconds(5), _ what: String = "a flag") async throws {
        if self.isRaised { return }
        let stream = self.stream
        try await withTimeout(limit, what) {
            for await _ in stream { return }
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
