import Testing
@testable import TongxinRPC
import TongxinSchemas

@Suite("Limits and misbehaving peers")
struct LimitTests {
    @Test("a 5 MiB length prefix is answered with RESOURCE_EXHAUSTED and the connection closed")
    func oversizePrefix() async throws {
        let running = try await RunningServer.start()
        let peer = try await RawPeer.connect(port: running.port)
        // The prefix and the start of the frame (call_id = 9); the 5 MiB never follow.
        try await peer.send([0x00, 0x50, 0x00, 0x00, 0x08, 0x09])
        let response = try #require(try await peer.nextFrame())
        #expect(response.kind == .response)
        #expect(response.callId == 9)
        #expect(response.statusCode == .resourceExhausted)
        let goAway = try #require(try await peer.nextFrame())
        #expect(goAway.kind == .goaway)
        #expect(goAway.statusCode == .resourceExhausted)
        #expect(goAway.status?.message.contains("5242880") == true)
        try await peer.waitForClose()
        try await running.stop()
    }

    @Test("a bare oversize prefix gets a GOAWAY with RESOURCE_EXHAUSTED")
    func bareOversizePrefix() async throws {
        let running = try await RunningServer.start()
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send([0x00, 0x50, 0x00, 0x00])
        let goAway = try #require(try await peer.nextFrame())
        #expect(goAway.kind == .goaway)
        #expect(goAway.statusCode == .resourceExhausted)
        try await peer.waitForClose()
        try await running.stop()
    }

    @Test("a peer sending garbage is disconnected while the server keeps serving others")
    func garbage() async throws {
        try await withServer { running, client in
            _ = try await client.unary(Test.echo, Test.request())

            let http = try await RawPeer.connect(port: running.port)
            try await http.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            try await http.waitForClose()

            let junk = try await RawPeer.connect(port: running.port)
            try await junk.send([0, 0, 0, 4, 0xFF, 0xFF, 0xFF, 0xFF])
            let goAway = try #require(try await junk.nextFrame())
            #expect(goAway.kind == .goaway)
            #expect(goAway.statusCode == .internalError)
            try await junk.waitForClose()

            #expect(try await client.unary(Test.echo, Test.request([1])).payload == [1])
        }
    }

    @Test("a half-sent frame does not hold a connection: it is closed after the frame read timeout")
    func halfFrame() async throws {
        try await withServer(.test(frameReadTimeout: .milliseconds(500))) { running, client in
            let slow = try await RawPeer.connect(port: running.port)
            let frame = try RawPeer.encode(.request(callID: 1, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: []))
            try await slow.send(Array(frame.prefix(7)))
            #expect(try await client.unary(Test.echo, Test.request([2])).payload == [2])
            let start = ContinuousClock.now
            let goAway = try #require(try await slow.nextFrame(within: .seconds(15)))
            #expect(goAway.kind == .goaway)
            #expect(goAway.statusCode == .deadlineExceeded)
            try await slow.waitForClose()
            // Closed by the frame read timeout, not by the 5 s default of the test server.
            #expect(ContinuousClock.now - start < .seconds(4))
            #expect(try await client.unary(Test.echo, Test.request([3])).payload == [3])
        }
    }

    @Test("a frame that trickles in but completes within the timeout is served")
    func tricklingFrame() async throws {
        let running = try await RunningServer.start(.test(frameReadTimeout: .seconds(5)))
        let peer = try await RawPeer.connect(port: running.port)
        let frame = try RawPeer.encode(.request(callID: 1, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: []))
        for chunk in [frame.prefix(3), frame.dropFirst(3).prefix(5), frame.dropFirst(8)] {
            try await peer.send(Array(chunk))
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(try await peer.nextFrame()?.statusCode == .ok)
        await peer.close()
        try await running.stop()
    }

    @Test("calls beyond the per-connection cap are answered RESOURCE_EXHAUSTED")
    func concurrencyCap() async throws {
        let release = Flag()
        let started = Counter()
        let wait = Test.method("Wait")
        let service = ClosureService(wait) { _, _ in
            started.increment()
            try await release.wait(.seconds(20))
            return HealthV1.PingResponse()
        }
        let running = try await RunningServer.start(.test(maxConcurrentCallsPerConnection: 2), services: [service])
        let peer = try await RawPeer.connect(port: running.port)
        for id in [UInt64(1), 3, 5] {
            try await peer.send(.request(callID: id, method: wait.path, metadata: [:], timeoutMicros: 0, payload: []))
        }
        let refused = try #require(try await peer.nextFrame())
        #expect(refused.callId == 5)
        #expect(refused.statusCode == .resourceExhausted)
        #expect(started.count <= 2)
        release.raise()
        let answered = Set([try await peer.nextFrame()?.callId, try await peer.nextFrame()?.callId])
        #expect(answered == [1, 3])
        await peer.close()
        try await running.stop()
    }

    @Test("a cancelled call keeps its slot until its handler has really stopped")
    func capCountsRunningHandlers() async throws {
        let stop = Flag()
        let stubborn = Test.method("Stubborn")
        let service = ClosureService(stubborn) { _, _ in
            // Ignores cancellation until told to stop.
            await Task.detached { try? await stop.wait(.seconds(5)) }.value
            return HealthV1.PingResponse()
        }
        let running = try await RunningServer.start(.test(maxConcurrentCallsPerConnection: 1), services: [service])
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.request(callID: 1, method: stubborn.path, metadata: [:], timeoutMicros: 0, payload: []))
        try await peer.send(.cancel(callID: 1))
        #expect(try await peer.nextFrame()?.statusCode == .cancelled)
        try await peer.send(.request(callID: 3, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: []))
        #expect(try await peer.nextFrame()?.statusCode == .resourceExhausted)
        stop.raise()
        var id: UInt64 = 5
        try await eventually("the slot to be free again") {
            try? await peer.send(.request(callID: id, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: []))
            id += 2
            return (try? await peer.nextFrame())??.statusCode == .ok
        }
        await peer.close()
        try await running.stop()
    }
}
