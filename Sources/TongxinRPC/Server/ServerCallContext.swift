import Logging

/// What a handler knows about the call it is serving, beyond the request message.
///
/// The deadline is the caller's: handlers pass it down (to the next RPC, to the SQL
/// statement) so that work stops when nobody waits for it any more. While a handler
/// runs, its context is also ``current``, which is how an `RPCClient` used inside the
/// handler inherits the deadline and trace id without being told.
public struct ServerCallContext: Sendable {
    /// `/package.Service/Method`.
    public let method: String
    /// What the schema declares about the method (permission, read-only, idempotent), as
    /// the router registered it; nil for a context made outside a server.
    public let methodDescriptor: RPCMethodDescriptor?
    /// The request's metadata. Interceptors may change it (an auth interceptor adds
    /// `x-principal`) before the handler sees it.
    public var metadata: Metadata
    /// When the caller stops waiting; nil when it set no deadline.
    public let deadline: ContinuousClock.Instant?
    /// The call's id on its connection, for logs.
    public let callID: UInt64
    /// The remote address, for logs and audit.
    public let peer: String
    /// The request's `x-trace-id` when it is 16–32 hex digits (either case), otherwise —
    /// absent, or anything a log line or a downstream call should not carry — a fresh one.
    public let traceID: String
    private let baseLogger: Logger

    public init(
        method: String,
        metadata: Metadata = [:],
        deadline: ContinuousClock.Instant? = nil,
        callID: UInt64 = 0,
        peer: String = "",
        traceID: String? = nil,
        methodDescriptor: RPCMethodDescriptor? = nil,
        logger: Logger
    ) {
        self.method = method
        self.methodDescriptor = methodDescriptor
        self.metadata = metadata
        self.deadline = deadline
        self.callID = callID
        self.peer = peer
        self.traceID = traceID ?? metadata.traceID.flatMap { Self.isValidTraceID($0) ? $0 : nil } ?? Self.makeTraceID()
        self.baseLogger = logger
    }

    /// The server's logger, tagged with this call's trace id and method.
    public var logger: Logger {
        var logger = self.baseLogger
        logger[metadataKey: "trace-id"] = "\(self.traceID)"
        logger[metadataKey: "rpc-method"] = "\(self.method)"
        return logger
    }

    /// The time left before the deadline (negative once it passed); nil without one.
    public var remaining: Duration? {
        self.deadline.map { $0 - .now }
    }

    /// The context of the call whose handler is running in this task, if any.
    @TaskLocal public static var current: ServerCallContext?

    /// Whether `text` is an acceptable trace id: 16 to 32 ASCII hex digits.
    static func isValidTraceID(_ text: String) -> Bool {
        let utf8 = text.utf8
        return (16...32).contains(utf8.count) && utf8.allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }

    static func makeTraceID() -> String {
        let value = UInt64.random(in: 1...UInt64.max)
        let hex = String(value, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
