import NIOCore
import NIOPosix
@testable import TongxinRPC
import TongxinSchemas

/// A TCP peer that writes raw bytes, for what a well-behaved client never sends
/// (garbage, half frames, oversize prefixes, protocol violations), and reads back
/// whatever the server answers as frames.
final class RawPeer: Sendable {
    /// Decodes what the server sends into a stream of frames that ends when the
    /// connection closes.
    private final class Collector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        private var decoder = FrameDecoder(maxFrameSize: 16 << 20)
        private let continuation: AsyncStream<RpcV1.Frame>.Continuation

        init(_ continuation: AsyncStream<RpcV1.Frame>.Continuation) {
            self.continuation = continuation
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.decoder.append(self.unwrapInboundIn(data))
            do {
                while let frame = try self.decoder.next() {
                    self.continuation.yield(frame)
                }
            } catch {
                self.continuation.finish()
                context.close(promise: nil)
            }
        }

        func channelInactive(context: ChannelHandlerContext) {
            self.continuation.finish()
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            self.continuation.finish()
            context.close(promise: nil)
        }
    }

    private actor Inbound {
        private var iterator: AsyncStream<RpcV1.Frame>.Iterator

        init(_ stream: AsyncStream<RpcV1.Frame>) {
            self.iterator = stream.makeAsyncIterator()
        }

        func next() async -> RpcV1.Frame? {
            var iterator = self.iterator
            defer { self.iterator = iterator }
            return await iterator.next(isolation: self)
        }
    }

    private let channel: any Channel
    private let inbound: Inbound

    private init(channel: any Channel, frames: AsyncStream<RpcV1.Frame>) {
        self.channel = channel
        self.inbound = Inbound(frames)
    }

    static func connect(port: Int) async throws -> RawPeer {
        let (frames, continuation) = AsyncStream.makeStream(of: RpcV1.Frame.self)
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(Collector(continuation))
                }
            }
            .connect(host: "127.0.0.1", port: port)
            .get()
        return RawPeer(channel: channel, frames: frames)
    }

    func send(_ bytes: [UInt8]) async throws {
        try await self.channel.writeAndFlush(ByteBuffer(bytes: bytes))
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
    func nextFrame(within limit: Duration = .seconds(15)) async throws -> RpcV1.Frame? {
        let inbound = self.inbound
        return try await withTimeout(limit, "a frame from the server") {
            await inbound.next()
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
    func waitForClose(within limit: Duration = .seconds(15)) async throws {
        let inbound = self.inbound
        try await withTimeout(limit, "the server to close the connection") {
            while await inbound.next() != nil {}
        }
    }

    func close() async {
        try? await self.channel.close()
    }
}

extension RpcV1.Frame {
    var statusCode: Status.Code? {
        self.status.map { Status.Code(wire: $0.code) }
    }
}
