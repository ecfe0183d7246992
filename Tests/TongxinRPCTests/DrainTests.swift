import Logging
import ServiceLifecycle
import Testing
@testable import TongxinRPC
import TongxinSchemas

@Suite("Graceful drain")
struct DrainTests {
    @Test("on graceful shutdown in-flight calls finish and new calls get UNAVAILABLE")
    func drain() async throws {
        let started = Flag(), release = Flag()
        let slow = Test.method("Slow")
        let service = ClosureService(slow) { _, _ in
            started.raise()
            try await release.wait(.seconds(20))
            return HealthV1.PingResponse(payload: [42])
        }
        let running = try await RunningServer.start(services: [service])
        let client = running.client()
        let inFlight = Task { try await client.unary(slow, Test.request()) }
        try await started.wait()

        running.server.shutdownGracefully()
        // New calls, once the drain has reached the connection (GOAWAY) and the listener.
        try await eventually("calls to be refused") {
            await code { _ = try await client.unary(Test.echo, Test.request()) } == .unavailable
        }
        let other = running.client()
        #expect(await code { _ = try await other.unary(Test.echo, Test.request()) } == .unavailable)

        release.raise()
        #expect(try await inFlight.value.payload == [42])
        try await withTimeout(.seconds(20), "run() to return") { try await running.task.value }
        await client.close()
        await other.close()
    }

    @Test("a call that arrives on a draining connection is refused, and the client may retry it safely")
    func refusedAfterGoAway() async throws {
        let started = Flag(), release = Flag()
        let slow = Test.method("Slow")
        let service = ClosureService(slow) { _, _ in
            started.raise()
            try await release.wait(.seconds(20))
            return HealthV1.PingResponse()
        }
        let running = try await RunningServer.start(services: [service])
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.request(callID: 1, method: slow.path, metadata: [:], timeoutMicros: 0, payload: []))
        try await started.wait()
        running.server.shutdownGracefully()
        let goAway = try #require(try await peer.nextFrame())
        #expect(goAway.kind == .goaway)
        #expect(goAway.lastCallId == 1)
        #expect(goAway.statusCode == .unavailable)
        try await peer.send(.request(callID: 3, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: []))
        let refused = try #require(try await peer.nextFrame())
        #expect(refused.callId == 3)
        #expect(refused.statusCode == .unavailable)
        release.raise()
        let finished = try #require(try await peer.nextFrame())
        #expect(finished.callId == 1)
        #expect(finished.statusCode == .ok)
        try await peer.waitForClose()
        try await running.task.value
    }

    @Test("calls still running at the drain timeout are cancelled and the server stops")
    func drainTimeout() async throws {
        let started = Flag(), cancelled = Flag()
        let hang = Test.method("Hang")
        let service = ClosureService(hang, DeadlineTests.hanging(started: started, cancelled: cancelled))
        let running = try await RunningServer.start(.test(drainTimeout: .milliseconds(100)), services: [service])
        let client = running.client()
        let call = Task { await code { _ = try await client.unary(hang, Test.request()) } }
        try await started.wait()
        running.server.shutdownGracefully()
        try await withTimeout(.seconds(20), "run() to return") { try await running.task.value }
        #expect(await call.value == .unavailable)
        try await cancelled.wait()
        await client.close()
    }

    @Test("a ServiceGroup's graceful shutdown (SIGTERM) drains the server")
    func serviceGroup() async throws {
        let started = Flag(), release = Flag()
        let slow = Test.method("Slow")
        let service = ClosureService(slow) { _, _ in
            started.raise()
            try await release.wait(.seconds(20))
            return HealthV1.PingResponse(payload: [1])
        }
        let server = RPCServer(configuration: .test(), services: [service], logger: quietLogger)
        let group = ServiceGroup(services: [server], logger: quietLogger)
        let running = Task { try await group.run() }
        let client = RPCClient(configuration: .test(port: try await server.port), logger: quietLogger)
        let inFlight = Task { try await client.unary(slow, Test.request()) }
        try await started.wait()
        await group.triggerGracefulShutdown()
        release.raise()
        #expect(try await inFlight.value.payload == [1])
        try await withTimeout(.seconds(20), "the service group to stop") { try await running.value }
        await client.close()
    }

    @Test("a client run as a service closes on graceful shutdown, or when its task is cancelled")
    func clientAsService() async throws {
        try await withServer { running, _ in
            let client = running.client()
            let group = ServiceGroup(services: [client], logger: quietLogger)
            let task = Task { try await group.run() }
            _ = try await client.unary(Test.echo, Test.request())
            await group.triggerGracefulShutdown()
            try await withTimeout(.seconds(20), "the client to close") { try await task.value }
            #expect(await code { _ = try await client.unary(Test.echo, Test.request()) } == .unavailable)

            let other = running.client()
            let runner = Task { try await other.run() }
            _ = try await other.unary(Test.echo, Test.request())
            runner.cancel()
            try await withTimeout(.seconds(20), "the client to close") { try await runner.value }
            #expect(await code { _ = try await other.unary(Test.echo, Test.request()) } == .unavailable)
        }
    }

    @Test("shutting down a server that was never started is harmless")
    func neverStarted() async throws {
        let server = RPCServer(configuration: .test(), services: [], logger: quietLogger)
        server.shutdownGracefully()
        try await withTimeout(.seconds(20), "run() to return") { try await server.run() }
    }
}
