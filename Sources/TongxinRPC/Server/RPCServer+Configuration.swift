extension RPCServer {
    /// Where a server listens and the limits that protect it from its peers.
    public struct Configuration: Sendable {
        public var host: String
        /// 0 picks a free port (tests); read it back from ``RPCServer/port``.
        public var port: Int
        /// The largest frame accepted (and sent); larger ones are refused before
        /// anything is allocated for them. 4 MiB, as in gRPC.
        public var maxFrameSize: Int
        /// Calls beyond this many in flight on one connection get RESOURCE_EXHAUSTED.
        public var maxConcurrentCallsPerConnection: Int
        /// A connection that completes no call for this long is sent a GOAWAY. Without calls
        /// in flight it closes at once; with calls in flight (none of which finished within
        /// the timeout) they get `drainTimeout` more, then are cancelled and the connection
        /// closed — an open call does not keep a connection forever.
        public var idleTimeout: Duration?
        /// A frame that has started arriving must be complete within this time, or the
        /// connection is closed (slow or stalled peers).
        public var frameReadTimeout: Duration?
        /// How often the server pings each connection; nil disables.
        public var keepAliveInterval: Duration?
        /// How long a PING may go unanswered before the connection is closed.
        public var keepAliveTimeout: Duration
        /// How long a graceful shutdown waits for in-flight calls before cancelling them.
        public var drainTimeout: Duration
        /// Where handlers run by default.
        public var handlerExecution: HandlerExecution
        /// Services whose handlers run on the connection's event loop whatever the default:
        /// light ones that only await (Health), where a thread hop would be most of the cost.
        public var eventLoopServices: Set<String>
        /// The deadline a call gets when it arrives without one (relative to its arrival);
        /// nil leaves such calls without a deadline.
        public var defaultTimeout: Duration?
        /// The longest deadline any call gets: a longer one (or none, without a default) is
        /// shortened to this. nil: no maximum beyond a year.
        public var maxTimeout: Duration?
        /// At most this many connections open at once; the next is sent a GOAWAY with
        /// RESOURCE_EXHAUSTED and closed.
        public var maxConnections: Int
        /// At most this many open connections from one remote IP address (likewise refused).
        public var maxConnectionsPerAddress: Int
        /// The outbound bytes queued for a connection (its write buffer's high-water mark)
        /// beyond which the server stops reading it, until the peer has read enough to bring
        /// the queue below half of this.
        public var maxQueuedOutboundBytes: Int
        /// A connection that stays over `maxQueuedOutboundBytes` this long is closed.
        public var unwritableTimeout: Duration?
        /// At most this many metadata entries per frame, and this many bytes of them (as in
        /// gRPC); a request over either is answered RESOURCE_EXHAUSTED unread.
        public var maxMetadataEntries: Int
        public var maxMetadataBytes: Int

        public init(
            host: String = "0.0.0.0",
            port: Int = 0,
            maxFrameSize: Int = 4 * 1024 * 1024,
            maxConcurrentCallsPerConnection: Int = 256,
            idleTimeout: Duration? = .seconds(300),
            frameReadTimeout: Duration? = .seconds(10),
            keepAliveInterval: Duration? = .seconds(60),
            keepAliveTimeout: Duration = .seconds(20),
            drainTimeout: Duration = .seconds(30),
            handlerExecution: HandlerExecution = .byMethod,
            eventLoopServices: Set<String> = ["tongxin.health.v1.Health"],
            defaultTimeout: Duration? = nil,
            maxTimeout: Duration? = nil,
            maxConnections: Int = 10_000,
            maxConnectionsPerAddress: Int = 1_000,
            maxQueuedOutboundBytes: Int = 64 * 1024,
            unwritableTimeout: Duration? = .seconds(30),
            maxMetadataEntries: Int = 64,
            maxMetadataBytes: Int = 8 * 1024
        ) {
            self.host = host
            self.port = port
            self.maxFrameSize = maxFrameSize
            self.maxConcurrentCallsPerConnection = maxConcurrentCallsPerConnection
            self.idleTimeout = idleTimeout
            self.frameReadTimeout = frameReadTimeout
            self.keepAliveInterval = keepAliveInterval
            self.keepAliveTimeout = keepAliveTimeout
            self.drainTimeout = drainTimeout
            self.handlerExecution = handlerExecution
            self.eventLoopServices = eventLoopServices
            self.defaultTimeout = defaultTimeout
            self.maxTimeout = maxTimeout
            self.maxConnections = maxConnections
            self.maxConnectionsPerAddress = maxConnectionsPerAddress
            self.maxQueuedOutboundBytes = maxQueuedOutboundBytes
            self.unwritableTimeout = unwritableTimeout
            self.maxMetadataEntries = maxMetadataEntries
            self.maxMetadataBytes = maxMetadataBytes
        }
    }

    /// Where a server runs its handlers.
    public enum HandlerExecution: Sendable, Hashable {
        /// Every handler on the event loop of the call's connection: no thread hops, the
        /// lowest latency; a handler that computes for long stalls that loop's connections.
        case eventLoop
        /// Every handler on Swift's global concurrent executor (except `eventLoopServices`):
        /// nothing a handler does stalls an event loop, at two thread hand-offs per call.
        case concurrent
        /// The default: on the event loop, except the methods the schema declares
        /// `(tongxin.rpc.v1.cpu_bound)` (CSV import, key rotation), which run on the global
        /// concurrent executor. Database calls never block a thread (they are sent from the
        /// handler and answered through the PostgreSQL reactor), so a handler that decodes,
        /// checks and awaits costs its loop microseconds; BENCHMARKS.md measures the three.
        case byMethod
    }
}
