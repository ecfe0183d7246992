import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle

/// A small HTTP/1.1 endpoint beside the RPC port: `/metrics` (Prometheus text),
/// `/healthz` (the process is alive) and `/readyz` (dependencies answer), for
/// orchestrators and scrapers that do not speak the Tongxin wire.
public final class MetricsHTTPServer: Service, Sendable {
    public typealias Readiness = @Sendable () async -> Bool

    private let host: String
    private let port: Int
    private let registry: MetricsRegistry
    private let readiness: Readiness
    private let logger: Logger

    public init(host: String, port: Int, registry: MetricsRegistry, logger: Logger, readiness: @escaping Readiness) {
        self.host = host
        self.port = port
        self.registry = registry
        self.readiness = readiness
        self.logger = logger
    }

    public func run() async throws {
        let registry = self.registry
        let readiness = self.readiness
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.pipeline.configureHTTPServerPipeline().flatMap {
                    channel.pipeline.addHandler(MetricsHTTPHandler(registry: registry, readiness: readiness))
                }
            }
            .bind(host: host, port: port).get()
        logger.info("metrics listening", metadata: ["address": "\(channel.localAddress?.description ?? "?")"])
        try? await gracefulShutdown()
        try await channel.close()
    }
}

final class MetricsHTTPHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    let registry: MetricsRegistry
    let readiness: MetricsHTTPServer.Readiness

    init(registry: MetricsRegistry, readiness: @escaping MetricsHTTPServer.Readiness) {
        self.registry = registry
        self.readiness = readiness
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard case .head(let head) = unwrapInboundIn(data) else { return }
        let path = head.uri.split(separator: "?").first.map(String.init) ?? head.uri
        let channel = context.channel
        switch path {
        case "/metrics":
            Self.respond(channel, status: .ok, body: registry.render(), type: "text/plain; version=0.0.4")
        case "/healthz":
            Self.respond(channel, status: .ok, body: "ok\n", type: "text/plain")
        case "/readyz":
            let readiness = self.readiness
            Task {
                let ready = await readiness()
                Self.respond(channel, status: ready ? .ok : .serviceUnavailable, body: ready ? "ready\n" : "not ready\n", type: "text/plain")
            }
        default:
            Self.respond(channel, status: .notFound, body: "not found\n", type: "text/plain")
        }
    }

    static func respond(_ channel: any Channel, status: HTTPResponseStatus, body: String, type: String) {
        channel.eventLoop.execute {
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: type)
            headers.add(name: "content-length", value: String(body.utf8.count))
            headers.add(name: "connection", value: "close")
            let head = HTTPResponseHead(version: .http1_1, status: status, headers: headers)
            channel.write(HTTPServerResponsePart.head(head), promise: nil)
            channel.write(HTTPServerResponsePart.body(.byteBuffer(ByteBuffer(string: body))), promise: nil)
            channel.writeAndFlush(HTTPServerResponsePart.end(nil)).whenComplete { _ in channel.close(promise: nil) }
        }
    }
}
