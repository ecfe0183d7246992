/// Code that runs around every handler of a server: authentication, audit, logging,
/// metrics.
///
/// Interceptors see the encoded request and the call's context, and may change the
/// context (an auth interceptor verifies `authorization` and adds `x-principal`) or
/// answer without calling `next` (by throwing an ``RPCError``). Errors coming out of
/// `next` are already ``RPCError``s — the handler's own errors have been mapped — so a
/// metrics interceptor can count by `code` directly. Calls to unknown methods are
/// answered UNIMPLEMENTED before any interceptor runs.
public protocol ServerInterceptor: Sendable {
    func intercept(
        request: ServerRequest,
        context: ServerCallContext,
        next: (ServerRequest, ServerCallContext) async throws -> ServerResponse
    ) async throws -> ServerResponse
}

/// A request as interceptors see it: the encoded message (its metadata is in the
/// context, where the handler sees it too).
public struct ServerRequest: Sendable {
    public var payload: [UInt8]

    public init(payload: [UInt8]) {
        self.payload = payload
    }
}

/// A successful response as interceptors see it.
public struct ServerResponse: Sendable {
    public var payload: [UInt8]
    /// Sent with the OK status.
    public var trailingMetadata: Metadata

    public init(payload: [UInt8], trailingMetadata: Metadata = [:]) {
        self.payload = payload
        self.trailingMetadata = trailingMetadata
    }
}
