import NIOCore
import NIOEmbedded
import Testing
@testable import TongxinRPC
import TongxinSchemas

/// The server's timers — keep-alive pings, the keep-alive timeout, the idle GOAWAY, the
/// frame read timeout — driven by `EmbeddedEventLoop`'s manual clock: no socket, no sleep,
/// nothing that a busy machine can make late.
@Suite("Connection timers on an embedded channel")
struct EmbeddedTimerTests {
    /// A server connection on an `EmbeddedChannel`, and the frames it writes.
    final class Harness {
        let channel = EmbeddedChannel()
        var loop: EmbeddedEventLoop { channel.embeddedEventLoop }
        private var decoder = FrameDecoder(maxFrameSize: 4 << 20)

        init(_ configuration: RPCServer.Configuration) throws {
            let server = RPCServer(configuration: configuration, services: [ClosureService()], logger: quietLogger)
            try channel.pipeline.syncOperations.addHandler(ServerConnectionHandler(shared: server.shared))
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 9)).wait()
        }

        /// Every frame the server has written so far.
        func written() throws -> [RpcV1.Frame] {
            var frames: [RpcV1.Frame] = []
            while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
                decoder.append(buffer)
                while let frame = try decoder.next() { frames.append(frame) }
            }
            return frames
        }

        func send(_ frame: RpcV1.Frame) throws {
            try channel.writeInbound(channel.allocator.buffer(bytes: try RawPeer.encode(frame)))
        }

        func sendBytes(_ bytes: [UInt8]) throws {
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
        }

        var isOpen: Bool { channel.isActive }
    }

    @Test("a PING goes out each keep-alive interval, and a peer that answers stays connected")
    func keepAliveAnswered() throws {
        let harness = try Harness(.test(keepAliveInterval: .seconds(10), keepAliveTimeout: .seconds(5)))
        harness.loop.advanceTime(by: .seconds(10))
        for round in 1...3 {
            let frames = try harness.written()
            let pings = frames.filter { $0.kind == .ping }
            #expect(pings.count == 1, "round \(round): \(frames.map(\.kind))")
            try harness.send(.pong(pings.first?.payload ?? []))
            // Past the 5 s timeout of this PING: the PONG cancelled it.
            harness.loop.advanceTime(by: .seconds(6))
            #expect(harness.isOpen, "round \(round)")
            harness.loop.advanceTime(by: .seconds(4))  // the next interval
        }
    }

    @Test("a peer that never answers is closed when the keep-alive timeout passes, not before")
    func keepAliveTimeout() throws {
        let harness = try Harness(.test(keepAliveInterval: .seconds(10), keepAliveTimeout: .seconds(5)))
        harness.loop.advanceTime(by: .seconds(10))
        #expect(try harness.written().contains { $0.kind == .ping })
        harness.loop.advanceTime(by: .milliseconds(4_999))
        #expect(harness.isOpen)
        harness.loop.advanceTime(by: .milliseconds(2))
        #expect(!harness.isOpen)
    }

    @Test("a connection without calls gets a GOAWAY at the idle timeout, not before")
    func idleTimeout() throws {
        let harness = try Harness(.test(idleTimeout: .seconds(60)))
        harness.loop.advanceTime(by: .seconds(59))
        #expect(try harness.written().isEmpty)
        #expect(harness.isOpen)
        harness.loop.advanceTime(by: .seconds(2))
        let frames = try harness.written()
        #expect(frames.map(\.kind) == [.goaway])
        harness.loop.run()
        #expect(!harness.isOpen)
    }

    @Test("half a frame is dropped after the frame read timeout, not before")
    func frameReadTimeout() throws {
        let harness = try Harness(.test(frameReadTimeout: .seconds(3)))
        let frame = try RawPeer.encode(.request(callID: 1, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: []))
        try harness.sendBytes(Array(frame.prefix(7)))
        harness.loop.advanceTime(by: .milliseconds(2_999))
        #expect(harness.isOpen)
        harness.loop.advanceTime(by: .milliseconds(2))
        let goAway = try #require(try harness.written().first)
        #expect(goAway.kind == .goaway)
        #expect(goAway.statusCode == .deadlineExceeded)
    }
}
