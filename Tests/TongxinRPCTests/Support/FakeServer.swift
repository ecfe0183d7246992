import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
@testable import TongxinRPC
import TongxinSchemas

/// A scripted server, for what a real `RPCServer` never does to a client (refuse
/// everything with GOAWAY, drop a connection mid-call, never answer PINGs, send an
/// oversize frame). It records every frame it receives.
final class FakeServer: Sendable {
    /// One accepted connection, as the script sees it.
    struct Connection: Sendable {
        /// 1 for the first connection accepted, 2 for the next, …
        let number: Int
        fileprivate let channel: any Channel

        func send(_ frame: RpcV1.Frame) {
            if let bytes = try? RawPeer.encode(frame) {
                self.send(bytes)
            }
        }

        func send(_ bytes: [UInt8]) {
            self.channel.writeAndFlush(ByteBuffer(bytes: bytes), promise: nil)
        }

        func close() {
            self.channel.close(promise: nil)
        }
    }

    typealias Script = @Sendable (RpcV1.Frame, Connection) -> Void

    private final class Handler: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        private var decoder = FrameDecoder(maxFrameSize: 16 << 20)
        private let connection: Connection
        private let server: FakeServer

        init(connection: Connection, server: FakeServer) {
            self.connection = connection
            self.server = server
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            self.decoder.append(self.unwrapInboundIn(data))
            while let frame = try? self.decoder.next() {
                self.server.received.withLockedValue { $0.append(frame) }
                self.server.script(frame, self.connection)
            }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            context.close(promise: nil)
        }
    }

    private let script: Script
    private let received = NIOLockedValueBox<[RpcV1.Frame]>([])
    private let accepted = NIOLockedValueBox(0)
    private let listener = NIOLockedValueBox<(any Channel)?>(nil)

    private init(script: @escaping Script) {
        self.script = script
    }

    static func start(_ script: @escaping Script) async throws -> FakeServer {
        let server = FakeServer(script: script)
        let listener = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let number = server.accepted.withLockedValue { $0 += 1; return $0 }
                    let connection = Connection(number: number, channel: channel)
                    try channel.pipeline.syncOperations.addHandler(Handler(connection: connection, server: server))
                }
            }
            .bind(host: "127.0.0.1", port: 0)
            .get()
        server.listener.withLockedValue { $0 = listener }
        return server
    }

    var port: Int { self.listener.withLockedValue { $0?.localAddress?.port ?? 0 } }

    /// Every frame received so far, in order.
    var frames: [RpcV1.Frame] { self.received.withLockedValue { $0 } }

    /// How many connections were accepted.
    var connections: Int { self.accepted.withLockedValue { $0 } }

    func stop() async {
        try? await self.listener.withLockedValue { $0 }?.close()
    }
}

/// An OK response for `request` echoing its payload.
func echo(_ request: RpcV1.Frame) -> RpcV1.Frame {
    let payload = (try? HealthV1.PingRequest(serializedBytes: request.payload).payload) ?? []
    return .response(callID: request.callId, status: .ok, payload: (try? HealthV1.PingResponse(payload: payload).serializedBytes()) ?? [])
}
