import NIOCore
import NIOEmbedded
import Testing
@testable import TongxinRPC
import TongxinSchemas

/// Backpressure and PING rules of the server's connection, on an `EmbeddedChannel` whose
/// writability the test sets and whose clock it moves: no socket, no sleep.
@Suite("Backpressure and PING rules on an embedded channel")
struct EmbeddedBackpressureTests {
    typealias Harness = EmbeddedTimerTests.Harness

    private func setWritable(_ harness: Harness, _ writable: Bool) {
        harness.channel.isWritable = writable
        harness.channel.pipeline.fireChannelWritabilityChanged()
    }

    private func pings(_ count: Int) throws -> [UInt8] {
        try (0..<count).flatMap { try RawPeer.encode(.ping([UInt8(truncatingIfNeeded: $0)])) }
    }

    @Test("while the channel is unwritable no frame is decoded (no PONG, no call); all resume once it is writable")
    func pausesAndResumes() throws {
        let harness = try Harness(.test())
        setWritable(harness, false)
        try harness.sendBytes(try pings(3) + RawPeer.encode(.request(callID: 1, method: "/no.Such/Method", metadata: [:], timeoutMicros: 0, payload: [])))
        harness.loop.run()
        #expect(try harness.written().isEmpty)

        setWritable(harness, true)
        harness.loop.run()
        let frames = try harness.written()
        #expect(frames.map(\.kind) == [.pong, .pong, .pong, .response])
        #expect(frames.prefix(3).map(\.payload) == [[0], [1], [2]])
        #expect(frames.last?.statusCode == .unimplemented)
    }

    @Test("a read is not passed on while unwritable, and is issued when writable again")
    func holdsReads() throws {
        let harness = try Harness(.test())
        let reads = ReadCounter()
        try harness.channel.pipeline.syncOperations.addHandler(reads, position: .first)
        setWritable(harness, false)
        harness.channel.read()
        #expect(reads.count == 0)
        setWritable(harness, true)
        #expect(reads.count == 1)
        harness.channel.read()
        #expect(reads.count == 2)
    }

    @Test("a connection that stays unwritable is closed at the unwritable timeout, not before")
    func unwritableTimeout() throws {
        var configuration = RPCServer.Configuration.test()
        configuration.unwritableTimeout = .seconds(30)
        let harness = try Harness(configuration)
        setWritable(harness, false)
        harness.loop.advanceTime(by: .seconds(29))
        #expect(harness.isOpen)
        // Writable for a moment: the clock starts over.
        setWritable(harness, true)
        setWritable(harness, false)
        harness.loop.advanceTime(by: .seconds(29))
        #expect(harness.isOpen)
        harness.loop.advanceTime(by: .seconds(2))
        #expect(!harness.isOpen)
    }

    @Test("the frame read timeout does not fire while reading is paused for backpressure")
    func partialFrameWhilePaused() throws {
        var configuration = RPCServer.Configuration.test(frameReadTimeout: .seconds(3))
        configuration.unwritableTimeout = .seconds(60)
        let harness = try Harness(configuration)
        setWritable(harness, false)
        try harness.sendBytes(try pings(1) + [0, 0])
        harness.loop.advanceTime(by: .seconds(10))
        #expect(harness.isOpen)
    }

    @Test("a PING of up to 8 bytes is answered; a larger one gets GOAWAY and the connection closes")
    func pingPayloadLimit() throws {
        let harness = try Harness(.test())
        try harness.send(.ping(Array(repeating: 1, count: 8)))
        #expect(try harness.written().map(\.kind) == [.pong])
        try harness.send(.ping(Array(repeating: 1, count: 9)))
        let goAway = try #require(try harness.written().first)
        #expect(goAway.kind == .goaway)
        #expect(goAway.statusCode == .internalError)
        harness.loop.run()
        #expect(!harness.isOpen)
    }

    @Test("keep-alive PING ids are random 64-bit values, not a counter")
    func randomPingIDs() throws {
        let harness = try Harness(.test(keepAliveInterval: .seconds(10), keepAliveTimeout: .seconds(5)))
        var ids: [UInt64] = []
        for _ in 0..<4 {
            harness.loop.advanceTime(by: .seconds(10))
            let ping = try #require(try harness.written().first(where: { $0.kind == .ping }))
            #expect(ping.payload.count == 8)
            ids.append(ping.payload.reduce(UInt64(0)) { $0 << 8 | UInt64($1) })
            try harness.send(.pong(ping.payload))
        }
        #expect(Set(ids).count == 4)
        #expect(!zip(ids, ids.dropFirst()).contains { $1 == $0 &+ 1 }, "\(ids)")
        #expect(ids.allSatisfy { $0 > 1 << 20 }, "\(ids)")  // 4 draws below 2^20: p ≈ 2^-176
        #expect(harness.isOpen)
    }
}

/// Counts the `read` requests that reach the head of the pipeline.
final class ReadCounter: ChannelOutboundHandler {
    typealias OutboundIn = NIOAny
    private(set) var count = 0

    func read(context: ChannelHandlerContext) {
        self.count += 1
        context.read()
    }
}
