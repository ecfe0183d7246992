import NIOCore
import NIOPosix
@testable import TongxinRPC
import TongxinSchemas

/// A TCP peer that writes raw bytes, for what a well-behaved client never sends
/// (garbage, half frames, oversize prefixes, protocol violations), and reads back
/// whatever the server answers as frames.
final class RawPeer: Sendable {
    private let channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>
    private let inbound: Inbound

    /// The frames received so far, pulled from the channel one by one.
    private actor Inbound {
        var iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator
        var decoder = FrameDecoder(maxFrameSize: 16 << 20)
        var closed = false

        init(_ iterator: NIOAsyncChannelInboundStream<ByteBuffer>.AsyncIterator) {
            self.iterator = iterator
        }

        /// The next frame, or nil once the server closed the connection.
        func next() async throws -> RpcV1.Frame? {
            while true {
                if let frame = try self.decoder.next() {
                    return frame
                }
                if self.closed { return nil }
                do {
                    guard let buffer = try await self.iterator.next() else {
                        self.closed = true
                        continue
                    }
                    self.decoder.append(buffer)
                } catch {
                    self.closed = true
                }
            }
        }
    }

    private init(channel: NIOAsyncChannel<ByteBuffer, ByteBuffer>) {
        self.channel = channel
        self.inbound = Inbound(channel.inbound.makeAsyncIterator())
    }

    static func connect(port: Int) async throws -> RawPeer {
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try NIOAsyncChannel<ByteBuffer, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return RawPeer(channel: channel)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await self.channel.outbound.write(ByteBuffer(bytes: bytes))
    }

    func send(_ frame: RpcV1.Frame) async throws {
        try await self.send(Self.encode(frame))
    }

    static func encode(_ frame: RpcV1.Frame) throws -> [UInt8] {
        let bytes = try frame.serializedBytes()
        let length = UInt32(bytes.count)
        return [UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + bytes
    }

    /// The next frame from the server; nil when it closed the connection instead.
    func nextFrame(within limit: Duration = .seconds(5)) async throws -> RpcV1.Frame? {
        let inbound = self.inbound
        return try await withTimeout(limit, "a frame from the server") {
            try await inbound.next()
        }
    }

    /// The next frame that is not a PING (servers with keep-alive send those anytime).
    func nextNonPingFrame(within limit: Duration = .seconds(5)) async throws -> RpcV1.Frame? {
        while let frame = try await self.nextFrame(within: limit) {
            if frame.kind != .ping { return frame }
        }
        return nil
    }

    /// Waits until the server closes the connection, skipping any frames it sends.
    func waitForClose(within limit: Duration = .seconds(5)) async throws {
        let inbound = self.inbound
        try await withTimeout(limit, "the server to close the connection") {
            while try await inbound.next() != nil {}
        }
    }

    func close() async {
        try? await self.channel.channel.close()
    }
}

extension RpcV1.Frame {
    var statusCode: Status.Code? {
        self.status.map { Status.Code(wire: $0.code) }
    }
}
