import Testing
@testable import TongxinRPC
import TongxinSchemas

@Suite("Control frames")
struct ControlFrameTests {
    @Test("a PING is answered with a PONG carrying the same bytes")
    func pingPong() async throws {
        let running = try await RunningServer.start()
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.ping([1, 2, 3, 4]))
        let pong = try #require(try await peer.nextFrame())
        #expect(pong.kind == .pong)
        #expect(pong.payload == [1, 2, 3, 4])
        await peer.close()
        try await running.stop()
    }

    @Test("the client measures a PING/PONG round trip")
    func clientPing() async throws {
        try await withServer { _, client in
            let rtt = try await client.ping()
            #expect(rtt > .zero && rtt < .seconds(10))
        }
    }

    @Test("frames a server has no use for (RESPONSE, unknown kinds) are ignored")
    func ignoredKinds() async throws {
        let running = try await RunningServer.start()
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.response(callID: 1, status: .ok))
        try await peer.send(RpcV1.Frame(callId: 1, kind: .unrecognized(42)))
        try await peer.send(RpcV1.Frame(kind: .unspecified))
        try await peer.send(.request(callID: 1, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: []))
        let answer = try #require(try await peer.nextFrame())
        #expect(answer.callId == 1)
        #expect(answer.statusCode == .ok)
        await peer.close()
        try await running.stop()
    }

    @Test("call id 0 is a protocol violation: GOAWAY with INTERNAL, then close")
    func callIDZero() async throws {
        let running = try await RunningServer.start()
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.request(callID: 0, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: []))
        let goAway = try #require(try await peer.nextFrame())
        #expect(goAway.kind == .goaway)
        #expect(goAway.statusCode == .internalError)
        try await peer.waitForClose()
        try await running.stop()
    }

    @Test("reusing the id of a call in flight is a protocol violation")
    func reusedCallID() async throws {
        let started = Flag()
        let hang = Test.method("Hang")
        let service = ClosureService(hang) { _, _ in
            started.raise()
            try await Task.sleep(for: .seconds(30))
            return HealthV1.PingResponse()
        }
        let running = try await RunningServer.start(services: [service])
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.request(callID: 5, method: hang.path, metadata: [:], timeoutMicros: 0, payload: []))
        try await started.wait()
        try await peer.send(.request(callID: 5, method: hang.path, metadata: [:], timeoutMicros: 0, payload: []))
        let goAway = try #require(try await peer.nextFrame())
        #expect(goAway.kind == .goaway)
        #expect(goAway.lastCallId == 5)
        try await peer.waitForClose()
        try await running.stop()
    }

    @Test("a GOAWAY from the client closes the connection once its calls are answered")
    func clientGoAway() async throws {
        let release = Flag(), started = Flag()
        let wait = Test.method("Wait")
        let service = ClosureService(wait) { _, _ in
            started.raise()
            try await release.wait(.seconds(20))
            return HealthV1.PingResponse(payload: [7])
        }
        let running = try await RunningServer.start(services: [service])
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.request(callID: 1, method: wait.path, metadata: [:], timeoutMicros: 0, payload: []))
        try await started.wait()
        try await peer.send(.goAway(lastCallID: 0, status: .ok))
        release.raise()
        let answer = try #require(try await peer.nextFrame())
        #expect(answer.callId == 1)
        #expect(answer.statusCode == .ok)
        try await peer.waitForClose()
        try await running.stop()
    }

    @Test("the server pings on its keep-alive interval and keeps peers that answer")
    func keepAliveAnswered() async throws {
        // Margins hold on a busy machine: a PONG has seconds to arrive, not milliseconds.
        let running = try await RunningServer.start(.test(keepAliveInterval: .milliseconds(200), keepAliveTimeout: .seconds(5)))
        let peer = try await RawPeer.connect(port: running.port)
        for _ in 0..<3 {
            let ping = try #require(try await peer.nextFrame())
            #expect(ping.kind == .ping)
            try await peer.send(.pong(ping.payload))
        }
        try await peer.send(.request(callID: 1, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: []))
        let answer = try #require(try await peer.nextNonPingFrame())
        #expect(answer.statusCode == .ok)
        await peer.close()
        try await running.stop()
    }

    @Test("a peer that does not answer PINGs is disconnected after the keep-alive timeout")
    func keepAliveTimeout() async throws {
        let running = try await RunningServer.start(.test(keepAliveInterval: .milliseconds(100), keepAliveTimeout: .milliseconds(300)))
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.waitForClose(within: .seconds(15))
        try await running.stop()
    }

    @Test("a connection without calls is sent a GOAWAY and closed after the idle timeout")
    func idleTimeout() async throws {
        // Long enough that connect + first request fit inside it on a loaded machine.
        let running = try await RunningServer.start(.test(idleTimeout: .seconds(2)))
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.request(callID: 1, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: []))
        #expect(try await peer.nextFrame()?.statusCode == .ok)
        let goAway = try #require(try await peer.nextFrame(within: .seconds(15)))
        #expect(goAway.kind == .goaway)
        #expect(goAway.lastCallId == 1)
        try await peer.waitForClose()
        try await running.stop()
    }
}
