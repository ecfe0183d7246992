import Testing
@testable import TongxinRPC
import TongxinSchemas

@Suite("Client behaviour against a scripted server")
struct ClientTests {
    private func client(
        _ port: Int, retryPolicy: RetryPolicy = .none, keepAlive: Duration? = nil, keepAliveTimeout: Duration = .seconds(3)
    ) -> RPCClient {
        var configuration = RPCClient.Configuration.test(port: port, retryPolicy: retryPolicy)
        configuration.keepAliveInterval = keepAlive
        configuration.keepAliveTimeout = keepAliveTimeout
        return RPCClient(configuration: configuration, logger: quietLogger)
    }

    private let quickRetries = RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(10))

    @Test("call ids are odd and increasing; the deadline is sent as timeout_micros")
    func requestFrames() async throws {
        let server = try await FakeServer.start { frame, connection in
            if frame.kind == .request { connection.send(echo(frame)) }
        }
        let client = self.client(server.port)
        for _ in 0..<3 {
            _ = try await client.unary(Test.echo, Test.request(), options: CallOptions(timeout: .seconds(10)))
        }
        let requests = server.frames.filter { $0.kind == .request }
        #expect(requests.map(\.callId) == [1, 3, 5])
        #expect(requests.allSatisfy { $0.method == Test.echo.path })
        #expect(requests.allSatisfy { $0.timeoutMicros > 0 && $0.timeoutMicros <= 10_000_000 })
        await client.close()
        await server.stop()
    }

    @Test("when the deadline passes the client fails the call and sends CANCEL")
    func deadlineSendsCancel() async throws {
        let server = try await FakeServer.start { frame, connection in
            if frame.kind == .request, frame.method == Test.echo.path { connection.send(echo(frame)) }
        }
        let client = self.client(server.port)
        _ = try await client.unary(Test.echo, Test.request())  // connected
        let start = ContinuousClock.now
        #expect(await code { _ = try await client.unary(Test.method("Hang"), Test.request(), options: CallOptions(timeout: .milliseconds(100))) } == .deadlineExceeded)
        #expect(ContinuousClock.now - start < .seconds(1))
        try await eventually("the CANCEL to arrive") { server.frames.count == 3 }
        #expect(server.frames.map(\.kind) == [.request, .request, .cancel])
        #expect(server.frames.last?.callId == 3)
        await client.close()
        await server.stop()
    }

    @Test("calls above a GOAWAY's last call id never ran, so even a non-idempotent call is retried")
    func goAwayRefusalIsRetried() async throws {
        let server = try await FakeServer.start { frame, connection in
            guard frame.kind == .request else { return }
            if connection.number == 1 {
                connection.send(.goAway(lastCallID: 0, status: Status(code: .unavailable, message: "draining")))
            } else {
                connection.send(echo(frame))
            }
        }
        let client = self.client(server.port, retryPolicy: self.quickRetries)
        let create = Test.method("Create", idempotent: false)
        let response = try await client.unary(create, Test.request([8]))
        #expect(response.payload == [8])
        #expect(server.connections == 2)
        await client.close()
        await server.stop()
    }

    @Test("a call lost with its connection is retried only when idempotent")
    func lostCallRetriedOnlyIfIdempotent() async throws {
        let server = try await FakeServer.start { frame, connection in
            guard frame.kind == .request else { return }
            if connection.number <= 2 {
                connection.close()
            } else {
                connection.send(echo(frame))
            }
        }
        let client = self.client(server.port, retryPolicy: self.quickRetries)
        let create = Test.method("Create", idempotent: false)
        #expect(await code { _ = try await client.unary(create, Test.request()) } == .unavailable)
        #expect(server.connections == 1)
        let get = Test.method("Get", idempotent: true)
        let response = try await client.unary(get, Test.request([9]))
        #expect(response.payload == [9])
        #expect(server.connections == 3)
        await client.close()
        await server.stop()
    }

    @Test("a server that never answers PINGs is dropped by the client's keep-alive")
    func keepAliveDropsSilentServer() async throws {
        let server = try await FakeServer.start { _, _ in }
        let client = self.client(server.port, keepAliveTimeout: .milliseconds(300))
        let start = ContinuousClock.now
        #expect(await code { _ = try await client.ping() } == .unavailable)
        // Dropped by the 300 ms keep-alive timeout (without it the PING would wait forever);
        // the bound leaves room for connecting on a machine under heavy load.
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(300) && elapsed < .seconds(20), "\(elapsed)")
        #expect(server.frames.first?.kind == .ping)
        await client.close()
        await server.stop()
    }

    @Test("the client answers the server's PINGs")
    func answersPings() async throws {
        let server = try await FakeServer.start { frame, connection in
            if frame.kind == .request {
                connection.send(.ping([4, 2]))
                connection.send(echo(frame))
            }
        }
        let client = self.client(server.port)
        _ = try await client.unary(Test.echo, Test.request())
        try await eventually("the PONG to arrive") { server.frames.contains(.pong([4, 2])) }
        await client.close()
        await server.stop()
    }

    @Test("an oversize response frame fails its call with RESOURCE_EXHAUSTED and the others with UNAVAILABLE")
    func oversizeResponse() async throws {
        let server = try await FakeServer.start { frame, connection in
            guard frame.kind == .request, frame.callId == 3 else { return }
            // Answer call 3 with a 5 MiB prefix; call 1 is still waiting.
            connection.send([0x00, 0x50, 0x00, 0x00, 0x08, 0x03])
        }
        let client = self.client(server.port)
        let first = Task { await code { _ = try await client.unary(Test.echo, Test.request()) } }
        try await eventually("the first call to be sent") { !server.frames.isEmpty }
        #expect(await code { _ = try await client.unary(Test.echo, Test.request()) } == .resourceExhausted)
        #expect(await first.value == .unavailable)
        await client.close()
        await server.stop()
    }

    @Test("garbage from the server fails the calls on that connection with UNAVAILABLE")
    func garbageFromServer() async throws {
        let server = try await FakeServer.start { frame, connection in
            if frame.kind == .request { connection.send([0, 0, 0, 3, 0xFF, 0xFF, 0xFF]) }
        }
        let client = self.client(server.port)
        #expect(await code { _ = try await client.unary(Test.echo, Test.request()) } == .unavailable)
        await client.close()
        await server.stop()
    }

    @Test("closing the client tells the server with a GOAWAY")
    func closeSendsGoAway() async throws {
        let server = try await FakeServer.start { frame, connection in
            if frame.kind == .request { connection.send(echo(frame)) }
        }
        let client = self.client(server.port)
        _ = try await client.unary(Test.echo, Test.request())
        await client.close()
        try await eventually("the GOAWAY to arrive") { server.frames.last?.kind == .goaway }
        await server.stop()
    }

    @Test("a response to a call the client no longer waits for is ignored")
    func lateResponse() async throws {
        let server = try await FakeServer.start { frame, connection in
            guard frame.kind == .request else { return }
            connection.send(.response(callID: 99, status: .ok))
            connection.send(echo(frame))
        }
        let client = self.client(server.port)
        let response = try await client.unary(Test.echo, Test.request([5]))
        #expect(response.payload == [5])
        await client.close()
        await server.stop()
    }
}
