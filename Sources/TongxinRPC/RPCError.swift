/// The one error type a call fails with, on both sides of the wire.
///
/// Clients always see an `RPCError` (never a transport or codec error), so retry and
/// reporting logic can switch over `code` alone. On the server, handlers throw it to
/// choose the status precisely; other errors go through ``RPCErrorConvertible`` or the
/// server's error mapper, so that internals never leak to the caller.
public struct RPCError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The status code; never `.ok`.
    public var code: Status.Code
    /// A human-readable message naming the rule that was broken.
    public var message: String
    /// Trailing metadata sent along with the status.
    public var metadata: Metadata
    /// What the call broke (rule id, field, figures), for programs; sent over the wire
    /// in the RESPONSE frame (`Frame.error_detail`) and decoded by the client.
    public var detail: ErrorDetail?
    /// What caused this error locally; never sent over the wire.
    public var cause: (any Error)?
    /// True when the client knows the request never reached a handler (the connection
    /// could not be made, or the server refused it while draining): safe to send elsewhere,
    /// whatever the method. Set by ``RPCClient``; false when unsure.
    public var neverSent: Bool = false

    public init(code: Status.Code, message: String, metadata: Metadata = [:], detail: ErrorDetail? = nil, cause: (any Error)? = nil) {
        self.code = code == .ok ? .unknown : code
        self.message = message
        self.metadata = metadata
        self.detail = detail
        self.cause = cause
    }

    /// The status this error travels as.
    public var status: Status { Status(code: self.code, message: self.message) }

    public var description: String {
        if let cause {
            return "\(self.code): \(self.message) (cause: \(cause))"
        }
        return "\(self.code): \(self.message)"
    }

    public static func == (lhs: RPCError, rhs: RPCError) -> Bool {
        lhs.code == rhs.code && lhs.message == rhs.message && lhs.metadata == rhs.metadata && lhs.detail == rhs.detail
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(self.code)
        hasher.combine(self.message)
        hasher.combine(self.metadata)
        hasher.combine(self.detail)
    }
}

/// A domain error that knows its own status.
///
/// Services declare the mapping once, on the error type (`extension MembershipError:
/// RPCErrorConvertible`), and the server applies it at the boundary — so handlers just
/// `throw` their typed errors and the wire always carries the right canonical code.
public protocol RPCErrorConvertible: Error {
    var rpcError: RPCError { get }
}
