import Testing
@testable import TongxinRPC
import TongxinSchemas

@Suite("Deadlines and cancellation")
struct DeadlineTests {
    /// A handler that waits until it is cancelled and says so.
    static func hanging(started: Flag, cancelled: Flag) -> TestHandler {
        { _, _ in
            started.raise()
            do {
                try await Task.sleep(for: .seconds(30))
            } catch {
                cancelled.raise()
                throw error
            }
            return HealthV1.PingResponse()
        }
    }

    @Test("the deadline travels with the call: the handler sees how much time is left")
    func deadlineTravels() async throws {
        let remaining = Test.method("Remaining")
        let service = ClosureService(remaining) { _, context in
            let left = try #require(context.remaining)
            #expect(left > .zero && left <= .seconds(20))
            #expect(left > .seconds(5))
            return HealthV1.PingResponse()
        }
        try await withServer(services: [service]) { _, client in
            _ = try await client.unary(remaining, Test.request(), options: CallOptions(timeout: .seconds(20)))
        }
    }

    @Test("no deadline is sent when the caller sets none")
    func noDeadline() async throws {
        let remaining = Test.method("Remaining")
        let service = ClosureService(remaining) { _, context in
            #expect(context.deadline == nil)
            return HealthV1.PingResponse()
        }
        try await withServer(services: [service]) { _, client in
            _ = try await client.unary(remaining, Test.request())
        }
    }

    @Test("when the deadline passes the caller gets DEADLINE_EXCEEDED and the handler is cancelled")
    func deadlineCancelsHandler() async throws {
        let started = Flag(), cancelled = Flag()
        let hang = Test.method("Hang")
        let service = ClosureService(hang, Self.hanging(started: started, cancelled: cancelled))
        try await withServer(services: [service]) { _, client in
            _ = try await client.unary(Test.echo, Test.request())  // connected
            let start = ContinuousClock.now
            let result = await code {
                _ = try await client.unary(hang, Test.request(), options: CallOptions(timeout: .milliseconds(150)))
            }
            #expect(result == .deadlineExceeded)
            #expect(ContinuousClock.now - start < .seconds(2))
            try await cancelled.wait(.seconds(20), "the handler to be cancelled")
            #expect(started.isRaised)
        }
    }

    @Test("the server answers DEADLINE_EXCEEDED itself when a deadline passes")
    func serverSideDeadline() async throws {
        let started = Flag(), cancelled = Flag()
        let hang = Test.method("Hang")
        let service = ClosureService(hang, Self.hanging(started: started, cancelled: cancelled))
        let running = try await RunningServer.start(services: [service])
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.request(callID: 1, method: hang.path, metadata: [:], timeoutMicros: 100_000, payload: []))
        let answer = try #require(try await peer.nextFrame())
        #expect(answer.callId == 1)
        #expect(answer.statusCode == .deadlineExceeded)
        try await cancelled.wait(.seconds(20), "the handler to be cancelled")

        // A deadline that already passed on arrival is refused without running anything.
        try await peer.send(.request(callID: 3, method: hang.path, metadata: [:], timeoutMicros: -1, payload: []))
        let refused = try #require(try await peer.nextFrame())
        #expect(refused.callId == 3)
        #expect(refused.statusCode == .deadlineExceeded)
        await peer.close()
        try await running.stop()
    }

    @Test("an absurdly long timeout from a peer is served, not allowed to overflow a timer")
    func hugeTimeout() async throws {
        let running = try await RunningServer.start()
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.request(callID: 1, method: Test.echo.path, metadata: [:], timeoutMicros: .max, payload: []))
        #expect(try await peer.nextFrame()?.statusCode == .ok)
        await peer.close()
        try await running.stop()
    }

    @Test("cancelling the calling task sends CANCEL: the handler is cancelled and the caller gets CANCELLED")
    func clientCancel() async throws {
        let started = Flag(), cancelled = Flag()
        let hang = Test.method("Hang")
        let service = ClosureService(hang, Self.hanging(started: started, cancelled: cancelled))
        try await withServer(services: [service]) { _, client in
            let call = Task {
                await code { _ = try await client.unary(hang, Test.request()) }
            }
            try await started.wait(.seconds(20), "the handler to start")
            call.cancel()
            #expect(await call.value == .cancelled)
            try await cancelled.wait(.seconds(20), "the handler to be cancelled")
            // The connection is still good.
            let after = try await client.unary(Test.echo, Test.request([1]))
            #expect(after.payload == [1])
        }
    }

    @Test("a CANCEL frame is answered CANCELLED at once; a CANCEL for an unknown call is ignored")
    func cancelFrame() async throws {
        let started = Flag(), cancelled = Flag()
        let hang = Test.method("Hang")
        let service = ClosureService(hang, Self.hanging(started: started, cancelled: cancelled))
        let running = try await RunningServer.start(services: [service])
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.cancel(callID: 99))
        try await peer.send(.request(callID: 1, method: hang.path, metadata: [:], timeoutMicros: 0, payload: []))
        try await started.wait(.seconds(20), "the handler to start")
        try await peer.send(.cancel(callID: 1))
        let answer = try #require(try await peer.nextFrame())
        #expect(answer.callId == 1)
        #expect(answer.statusCode == .cancelled)
        try await cancelled.wait(.seconds(20), "the handler to be cancelled")
        await peer.close()
        try await running.stop()
    }

    @Test("a call made inside a handler inherits its deadline and trace id")
    func propagation() async throws {
        let downstreamSeen = Test.method("Downstream")
        let downstream = try await RunningServer.start(services: [ClosureService(downstreamSeen) { _, context in
            let left = try #require(context.remaining)
            #expect(left <= .seconds(20))
            #expect(context.traceID == "00000000000000000000000000000042")
            return HealthV1.PingResponse(payload: [1])
        }])
        let client = downstream.client()
        let upstreamMethod = Test.method("Upstream")
        let upstream = ClosureService(upstreamMethod) { _, _ in
            try await client.unary(downstreamSeen, Test.request())
        }
        try await withServer(services: [upstream]) { _, caller in
            // Seconds, not milliseconds: the downstream connection is opened inside the call.
            var options = CallOptions(timeout: .seconds(20))
            options.metadata.traceID = "00000000000000000000000000000042"
            let response = try await caller.unary(upstreamMethod, Test.request(), options: options)
            #expect(response.payload == [1])
        }
        await client.close()
        try await downstream.stop()
    }
}
