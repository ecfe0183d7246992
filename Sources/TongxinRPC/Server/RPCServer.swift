import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle

/// Serves RPC services over TCP until it is told to shut down, then drains.
///
/// A `Service` of swift-service-lifecycle: `run()` binds, serves, and on graceful
/// shutdown (SIGTERM in a `ServiceGroup`) stops accepting, sends every connection a
/// GOAWAY, lets the calls in flight finish (up to `drainTimeout`, after which they are
/// cancelled) and returns once every connection is closed. Cancelling `run()` closes
/// everything at once.
public final class RPCServer: Service, Sendable {
    /// What every connection of this server shares.
    struct Shared: Sendable {
        let router: RPCRouter
        let executor: ServerCallExecutor
        let limits: FramedConnectionHandler.Limits
        let maxConcurrentCalls: Int
        let idleTimeout: Duration?
        /// How long calls may still run after an idle GOAWAY that found them in flight.
        let stalledCallGrace: Duration
        let handlerExecution: HandlerExecution
        let eventLoopServices: Set<String>
        /// `Configuration.defaultTimeout` / `.maxTimeout` in microseconds (nil: none).
        var defaultTimeoutMicros: Int64? = nil
        var maxTimeoutMicros: Int64? = nil
        let logger: Logger

        /// The timeout a call runs under: the peer's (0: none), else the server's default,
        /// never more than the server's maximum. Negative means the deadline had passed.
        func effectiveTimeoutMicros(requested: Int64, cap: Int64) -> Int64 {
            var micros = min(requested, cap)
            if micros == 0, let defaultTimeoutMicros { micros = defaultTimeoutMicros }
            if let maxTimeoutMicros, micros == 0 || micros > maxTimeoutMicros { micros = maxTimeoutMicros }
            return micros
        }

        /// Whether the handler of `method` (`/package.Service/Method`, described by
        /// `descriptor` when the router knows it) runs on the event loop.
        func runsOnEventLoop(_ method: String, descriptor: RPCMethodDescriptor? = nil) -> Bool {
            switch handlerExecution {
            case .eventLoop:
                return true
            case .byMethod:
                if let descriptor { return !descriptor.cpuBound }
                return true
            case .concurrent:
                guard !eventLoopServices.isEmpty else { return false }
                let service = descriptor?.service
                    ?? method.dropFirst().split(separator: "/", maxSplits: 1).first.map(String.init) ?? ""
                return eventLoopServices.contains(service)
            }
        }
    }

    private struct Connection: Sendable {
        let channel: any Channel
        let handler: NIOLoopBound<ServerConnectionHandler>
    }

    private enum State {
        case initial(shutdownRequested: Bool)
        case running(listener: any Channel, connections: [ObjectIdentifier: Connection])
        case draining(listenerClosed: Bool, connections: [ObjectIdentifier: Connection])
        case finished
    }

    public let configuration: Configuration
    /// What every connection shares (internal: tests build connections on an EmbeddedChannel).
    let shared: Shared
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state = NIOLockedValueBox(State.initial(shutdownRequested: false))
    private let bound = OneShot<SocketAddress>()
    private let drained = OneShot<Void>()
    private let drainTimer = NIOLockedValueBox<Scheduled<Void>?>(nil)
    private let admission: NIOLockedValueBox<ConnectionAdmission>

    /// - Parameters:
    ///   - errorMapper: maps errors that are neither `RPCError` nor
    ///     `RPCErrorConvertible` to a status; returning nil (the default) answers
    ///     INTERNAL with only the trace id, so internals never reach the caller.
    public init(
        configuration: Configuration,
        services: [any RPCService],
        interceptors: [any ServerInterceptor] = [],
        errorMapper: (@Sendable (any Error) -> RPCError?)? = nil,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "tongxin.rpc.server")
    ) {
        var router = RPCRouter()
        for service in services {
            router.register(service)
        }
        self.configuration = configuration
        self.admission = NIOLockedValueBox(ConnectionAdmission(
            maxConnections: configuration.maxConnections, maxPerAddress: configuration.maxConnectionsPerAddress))
        self.group = eventLoopGroup
        self.logger = logger
        self.shared = Shared(
            router: router,
            executor: ServerCallExecutor(interceptors: interceptors, errorMapper: errorMapper),
            limits: .init(
                maxFrameSize: configuration.maxFrameSize,
                frameReadTimeout: configuration.frameReadTimeout,
                keepAliveInterval: configuration.keepAliveInterval,
                keepAliveTimeout: configuration.keepAliveTimeout,
                maxMetadataEntries: configuration.maxMetadataEntries,
                maxMetadataBytes: configuration.maxMetadataBytes,
                pausesReadingWhenUnwritable: true,
                unwritableTimeout: configuration.unwritableTimeout
            ),
            maxConcurrentCalls: configuration.maxConcurrentCallsPerConnection,
            idleTimeout: configuration.idleTimeout,
            stalledCallGrace: configuration.drainTimeout,
            handlerExecution: configuration.handlerExecution,
            eventLoopServices: configuration.eventLoopServices,
            defaultTimeoutMicros: configuration.defaultTimeout.map(Self.micros),
            maxTimeoutMicros: configuration.maxTimeout.map(Self.micros),
            logger: logger
        )
    }

    static func micros(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(1, min(ServerConnectionHandler.maxTimeoutMicros, seconds * 1_000_000 + attoseconds / 1_000_000_000_000))
    }

    /// The address the server listens on, once it is bound.
    public var localAddress: SocketAddress {
        get async throws { try await self.bound.wait() }
    }

    /// The port the server listens on, once it is bound (useful with port 0).
    public var port: Int {
        get async throws {
            guard let port = try await self.localAddress.port else {
                throw RPCError(code: .internalError, message: "the server is not bound to an IP address")
            }
            return port
        }
    }

    public func run() async throws {
        let shutdownEarly: Bool = try self.state.withLockedValue { state in
            guard case .initial(let requested) = state else {
                throw RPCError(code: .failedPrecondition, message: "RPCServer.run() may only be called once")
            }
            return requested
        }
        if shutdownEarly {
            self.state.withLockedValue { $0 = .finished }
            self.bound.complete(.failure(RPCError(code: .unavailable, message: "the server was shut down before it started")))
            return
        }

        let files = OpenFileLimit.raiseToHard()
        // Each connection holds a descriptor; leave room for the pool, logs and the listener.
        let needed = min(self.configuration.maxConnections, 1 << 20) + 256
        if files.soft < needed {
            self.logger.warning(
                "the open-file limit is below the connection cap: connections beyond it wait unanswered in the listen queue",
                metadata: ["nofile": "\(files.soft)", "max_connections": "\(self.configuration.maxConnections)"])
        }

        let listener: any Channel
        do {
            listener = try await ServerBootstrap(group: self.group)
                // Room for a burst of connections (the kernel caps it at net.core.somaxconn):
                // with a short queue, connections beyond it wait for SYN-ACK retransmissions
                // that back off to tens of seconds while the server is busy.
                .serverChannelOption(.backlog, value: 4096)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
                .childChannelOption(.writeBufferWaterMark, value: .init(
                    low: max(1, self.configuration.maxQueuedOutboundBytes / 2),
                    high: max(1, self.configuration.maxQueuedOutboundBytes)))
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try self.accept(channel)
                    }
                }
                .bind(host: self.configuration.host, port: self.configuration.port)
                .get()
        } catch {
            self.state.withLockedValue { $0 = .finished }
            self.bound.complete(.failure(error))
            throw RPCError(
                code: .unavailable,
                message: "cannot listen on \(self.configuration.host):\(self.configuration.port): \(error)",
                cause: error
            )
        }

        let shutdownRequested: Bool = self.state.withLockedValue { state in
            guard case .initial(let requested) = state else { return true }
            state = .running(listener: listener, connections: [:])
            return requested
        }
        listener.closeFuture.whenComplete { _ in self.listenerClosed() }
        if let address = listener.localAddress {
            self.logger.info("listening", metadata: ["address": "\(address.displayString)"])
            self.bound.complete(.success(address))
        }
        if shutdownRequested {
            self.shutdownGracefully()
        }

        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                try? await self.drained.wait()
            } onGracefulShutdown: {
                self.shutdownGracefully()
            }
        } onCancel: {
            self.shutdownNow()
        }
        self.logger.info("stopped")
    }

    /// Stops accepting, sends every connection a GOAWAY, and closes each once its calls
    /// are done; after `drainTimeout` whatever still runs is cancelled. `run()` returns
    /// when the last connection is closed.
    public func shutdownGracefully() {
        guard let (listener, connections) = self.beginDrain() else { return }
        self.logger.info("draining", metadata: ["connections": "\(connections.count)"])
        listener?.close(promise: nil)
        for connection in connections {
            connection.handler.eventLoop.execute {
                connection.handler.value.drain()
            }
        }
        let timer = self.group.any().scheduleTask(in: TimeAmount(self.configuration.drainTimeout)) {
            self.shutdownNow()
        }
        self.drainTimer.withLockedValue { $0 = timer }
        self.checkDrained()
    }

    /// Closes the listener and every connection at once.
    private func shutdownNow() {
        let listenerAndConnections = self.beginDrain()
        let connections: [Connection] = self.state.withLockedValue { state in
            guard case .draining(_, let connections) = state else { return [] }
            return Array(connections.values)
        }
        listenerAndConnections?.0?.close(promise: nil)
        if !connections.isEmpty {
            self.logger.warning("cancelling calls still in flight", metadata: ["connections": "\(connections.count)"])
        }
        for connection in connections {
            connection.handler.eventLoop.execute {
                connection.handler.value.forceClose()
            }
        }
        self.checkDrained()
    }

    /// Moves to draining; returns the listener (if still open) and the connections to
    /// drain, or nil when a drain had already begun.
    private func beginDrain() -> ((any Channel)?, [Connection])? {
        self.state.withLockedValue { state in
            switch state {
            case .initial:
                state = .initial(shutdownRequested: true)
                return nil
            case .running(let listener, let connections):
                state = .draining(listenerClosed: false, connections: connections)
                return (listener, Array(connections.values))
            case .draining, .finished:
                return nil
            }
        }
    }

    private func accept(_ channel: any Channel) throws {
        let address = channel.remoteAddress?.ipAddress ?? "unknown"
        if let refusal = self.admission.withLockedValue({ $0.admit(address) }) {
            // Over a cap: the handler only says why (GOAWAY) and closes; never counted.
            self.logger.warning("refusing connection", metadata: ["peer": "\(address)", "reason": "\(refusal.message)"])
            try channel.pipeline.syncOperations.addHandler(ServerConnectionHandler(shared: self.shared, refusal: refusal))
            return
        }
        channel.closeFuture.whenComplete { _ in
            self.admission.withLockedValue { $0.release(address) }
        }
        let handler = ServerConnectionHandler(shared: self.shared)
        try channel.pipeline.syncOperations.addHandler(handler)
        let id = ObjectIdentifier(channel)
        let connection = Connection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
        let accepted: Bool = self.state.withLockedValue { state in
            guard case .running(let listener, var connections) = state else { return false }
            connections[id] = connection
            state = .running(listener: listener, connections: connections)
            return true
        }
        guard accepted else {
            channel.close(promise: nil)
            return
        }
        channel.closeFuture.whenComplete { _ in
            self.connectionClosed(id)
        }
    }

    private func connectionClosed(_ id: ObjectIdentifier) {
        self.state.withLockedValue { state in
            switch state {
            case .running(let listener, var connections):
                connections[id] = nil
                state = .running(listener: listener, connections: connections)
            case .draining(let listenerClosed, var connections):
                connections[id] = nil
                state = .draining(listenerClosed: listenerClosed, connections: connections)
            case .initial, .finished:
                break
            }
        }
        self.checkDrained()
    }

    private func listenerClosed() {
        let unexpected: Bool = self.state.withLockedValue { state in
            if case .running = state { return true }
            return false
        }
        if unexpected {
            self.logger.error("the listening socket closed unexpectedly; draining")
            self.shutdownGracefully()
        }
        self.state.withLockedValue { state in
            guard case .draining(_, let connections) = state else { return }
            state = .draining(listenerClosed: true, connections: connections)
        }
        self.checkDrained()
    }

    private func checkDrained() {
        let done: Bool = self.state.withLockedValue { state in
            guard case .draining(true, let connections) = state, connections.isEmpty else { return false }
            state = .finished
            return true
        }
        if done {
            self.drainTimer.withLockedValue { $0 }?.cancel()
            self.drained.complete(.success(()))
        }
    }
}

/// Counts open connections, in total and per remote address, against the server's caps.
struct ConnectionAdmission {
    let maxConnections: Int
    let maxPerAddress: Int
    private(set) var total = 0
    private(set) var perAddress: [String: Int] = [:]

    init(maxConnections: Int, maxPerAddress: Int) {
        self.maxConnections = maxConnections
        self.maxPerAddress = maxPerAddress
    }

    /// Counts the connection in, or says why not (RESOURCE_EXHAUSTED).
    mutating func admit(_ address: String) -> Status? {
        guard self.total < self.maxConnections else {
            return Status(code: .resourceExhausted, message: "the server has too many connections (limit \(self.maxConnections))")
        }
        let fromAddress = self.perAddress[address, default: 0]
        guard fromAddress < self.maxPerAddress else {
            return Status(code: .resourceExhausted, message: "too many connections from this address (limit \(self.maxPerAddress))")
        }
        self.total += 1
        self.perAddress[address] = fromAddress + 1
        return nil
    }

    /// Counts an admitted connection out.
    mutating func release(_ address: String) {
        self.total -= 1
        let left = self.perAddress[address, default: 1] - 1
        self.perAddress[address] = left > 0 ? left : nil
    }
}
