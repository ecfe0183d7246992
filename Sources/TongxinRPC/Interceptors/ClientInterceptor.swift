/// Code that runs around every call a client makes: adding the bearer token, logging,
/// metrics.
///
/// An interceptor runs once per call, around all of its attempts (retries happen
/// inside `next`), so a metrics interceptor counts calls, not attempts. Errors from
/// `next` are always ``RPCError``s.
public protocol ClientInterceptor: Sendable {
    func intercept(
        request: ClientRequest,
        context: ClientCallContext,
        next: (ClientRequest, ClientCallContext) async throws -> ClientResponse
    ) async throws -> ClientResponse
}

/// A request as client interceptors see it: the encoded message and its metadata.
public struct ClientRequest: Sendable {
    public var payload: [UInt8]
    public var metadata: Metadata

    public init(payload: [UInt8], metadata: Metadata = [:]) {
        self.payload = payload
        self.metadata = metadata
    }
}

/// A successful response as client interceptors see it.
public struct ClientResponse: Sendable {
    public var payload: [UInt8]
    public var trailingMetadata: Metadata

    public init(payload: [UInt8], trailingMetadata: Metadata = [:]) {
        self.payload = payload
        self.trailingMetadata = trailingMetadata
    }
}

/// What a client interceptor knows about the call besides the request.
public struct ClientCallContext: Sendable {
    /// `/package.Service/Method`.
    public let method: String
    /// Whether the method may run twice (from `Schemas/`).
    public let idempotent: Bool
    /// When the call gives up; an interceptor may shorten it.
    public var deadline: ContinuousClock.Instant?

    public init(method: String, idempotent: Bool, deadline: ContinuousClock.Instant?) {
        self.method = method
        self.idempotent = idempotent
        self.deadline = deadline
    }
}
