import NIOConcurrencyHelpers
import Testing
@testable import TongxinRPC
import TongxinSchemas

@Suite("Reconnection and retries")
struct ReconnectTests {
    @Test("the client reconnects after the server restarts")
    func reconnectAfterRestart() async throws {
        let first = try await RunningServer.startOnStablePort()
        let port = first.port
        let client = first.client()
        #expect(try await client.unary(Test.echo, Test.request([1])).payload == [1])

        try await first.stop()
        #expect(await code { _ = try await client.unary(Test.echo, Test.request()) } == .unavailable)

        let second = try await RunningServer.restart(on: port)
        let response = try await withTimeout(.seconds(20), "a call after the restart") {
            try await client.unary(Test.echo, Test.request([2]), options: CallOptions(timeout: .seconds(15)))
        }
        #expect(response.payload == [2])
        await client.close()
        try await second.stop()
    }

    @Test("a call made while the server is down waits for it and succeeds once it is back")
    func waitsThroughBackoff() async throws {
        let probe = try await RunningServer.startOnStablePort()
        let port = probe.port
        try await probe.stop()
        try await RunningServer.waitUntilClosed(port: port)

        let client = RPCClient(
            configuration: .test(port: port, retryPolicy: RetryPolicy(maxAttempts: 1000, initialBackoff: .milliseconds(20), maxBackoff: .milliseconds(50))),
            logger: quietLogger
        )
        let notIdempotent = Test.method("Create", idempotent: false)
        let call = Task {
            try await client.unary(notIdempotent, Test.request([3]), options: CallOptions(timeout: .seconds(20)))
        }
        try await Task.sleep(for: .milliseconds(150))
        let server = try await RunningServer.restart(on: port, services: [ClosureService(notIdempotent) { request, _ in
            HealthV1.PingResponse(payload: request.payload)
        }])
        // Never sent before the server came up, so retrying was safe even though the
        // method is not idempotent.
        #expect(try await call.value.payload == [3])
        await client.close()
        try await server.stop()
    }

    @Test("a call that may have run is retried only when its method is idempotent")
    func idempotentOnly() async throws {
        let idempotentAttempts = Counter(), otherAttempts = Counter()
        let idempotent = Test.method("Get", idempotent: true)
        let other = Test.method("Create", idempotent: false)
        let service = ClosureService([
            (idempotent, { @Sendable _, _ in
                idempotentAttempts.increment()
                throw RPCError(code: .unavailable, message: "busy")
            }),
            (other, { @Sendable _, _ in
                otherAttempts.increment()
                throw RPCError(code: .unavailable, message: "busy")
            }),
        ])
        let policy = RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(10))
        let running = try await RunningServer.start(services: [service])
        let client = running.client(retryPolicy: policy)
        #expect(await code { _ = try await client.unary(idempotent, Test.request()) } == .unavailable)
        #expect(await code { _ = try await client.unary(other, Test.request()) } == .unavailable)
        #expect(idempotentAttempts.count == 3)
        #expect(otherAttempts.count == 1)
        await client.close()
        try await running.stop()
    }

    @Test("codes outside the retryable set are not retried, and retries stop at the deadline")
    func notRetryable() async throws {
        let attempts = Counter()
        let get = Test.method("Get", idempotent: true)
        let service = ClosureService(get) { request, _ in
            attempts.increment()
            throw RPCError(code: request.payload.isEmpty ? .invalidArgument : .unavailable, message: "no")
        }
        let running = try await RunningServer.start(services: [service])
        let client = running.client(retryPolicy: RetryPolicy(maxAttempts: 100, initialBackoff: .milliseconds(40), maxBackoff: .milliseconds(40), jitter: 0))
        #expect(await code { _ = try await client.unary(get, Test.request()) } == .invalidArgument)
        #expect(attempts.count == 1)

        // Without the deadline, 100 attempts 40 ms apart would take 4 s. With it the call ends
        // with the last attempt's UNAVAILABLE, or DEADLINE_EXCEEDED when the deadline falls
        // during an attempt (which one depends on scheduling on a loaded machine).
        let start = ContinuousClock.now
        let ended = await code { _ = try await client.unary(get, Test.request([1]), options: CallOptions(timeout: .milliseconds(200))) }
        #expect(ended == .unavailable || ended == .deadlineExceeded, "ended with \(String(describing: ended))")
        #expect(ContinuousClock.now - start < .seconds(10))  // far below 4 s of retries on a quiet machine
        #expect(attempts.count < 10)
        await client.close()
        try await running.stop()
    }

    @Test("a closed client refuses new calls with UNAVAILABLE")
    func closedClient() async throws {
        try await withServer { _, client in
            _ = try await client.unary(Test.echo, Test.request())
            await client.close()
            #expect(await code { _ = try await client.unary(Test.echo, Test.request()) } == .unavailable)
        }
    }
}

@Suite("Idle connections")
struct IdleReconnectTests {
    @Test("after the server closes an idle connection with GOAWAY, the next call opens a new one")
    func reconnectAfterIdleGoAway() async throws {
        let peers = Counter()
        let who = Test.method("Who")
        let seen = NIOLockedValueBox<Set<String>>([])
        let service = ClosureService(who) { _, context in
            seen.withLockedValue { _ = $0.insert(context.peer) }
            peers.increment()
            return HealthV1.PingResponse()
        }
        // Seconds: a fresh connection must get its first call inside the idle timeout even on
        // a loaded machine, or it is idled out before use.
        let running = try await RunningServer.start(.test(idleTimeout: .seconds(2)), services: [service])
        // The default policy: a call racing the GOAWAY is refused unrun and retried.
        let client = running.client(retryPolicy: .default)
        _ = try await client.unary(who, Test.request())
        try await Task.sleep(for: .seconds(5))
        _ = try await client.unary(who, Test.request())
        await client.close()
        try await running.stop()
        #expect(peers.count == 2)
        #expect(seen.withLockedValue { $0.count } == 2)
    }
}
