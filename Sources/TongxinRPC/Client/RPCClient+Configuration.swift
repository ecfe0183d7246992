extension RPCClient {
    /// Which server a client talks to, over how many connections, and how it copes
    /// with failures.
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        /// TCP connections to the server; calls are spread over them round-robin and
        /// multiplexed on each.
        public var connections: Int
        public var connectTimeout: Duration
        /// The largest frame sent (a larger request fails with RESOURCE_EXHAUSTED without
        /// being sent) and accepted.
        public var maxFrameSize: Int
        /// A response that has started arriving must be complete within this time.
        public var frameReadTimeout: Duration?
        /// How often each connection is pinged; nil disables.
        public var keepAliveInterval: Duration?
        /// How long a PING may go unanswered before the connection is dropped.
        public var keepAliveTimeout: Duration
        /// Spacing of reconnection attempts.
        public var backoff: Backoff
        /// Used by calls whose options name none.
        public var defaultRetryPolicy: RetryPolicy
        /// Used by calls that set no timeout or deadline of their own (an inherited
        /// deadline still applies); nil means no limit.
        public var defaultTimeout: Duration?
        /// How long `close()` waits for calls in flight before closing anyway.
        public var closeTimeout: Duration

        public init(
            host: String,
            port: Int,
            connections: Int = 1,
            connectTimeout: Duration = .seconds(5),
            maxFrameSize: Int = 4 * 1024 * 1024,
            frameReadTimeout: Duration? = .seconds(10),
            keepAliveInterval: Duration? = .seconds(30),
            keepAliveTimeout: Duration = .seconds(10),
            backoff: Backoff = Backoff(),
            defaultRetryPolicy: RetryPolicy = .default,
            defaultTimeout: Duration? = nil,
            closeTimeout: Duration = .seconds(10)
        ) {
            precondition(connections >= 1, "a client needs at least one connection")
            self.host = host
            self.port = port
            self.connections = connections
            self.connectTimeout = connectTimeout
            self.maxFrameSize = maxFrameSize
            self.frameReadTimeout = frameReadTimeout
            self.keepAliveInterval = keepAliveInterval
            self.keepAliveTimeout = keepAliveTimeout
            self.backoff = backoff
            self.defaultRetryPolicy = defaultRetryPolicy
            self.defaultTimeout = defaultTimeout
            self.closeTimeout = closeTimeout
        }
    }
}
