/// Per-call choices of a client: how long the caller will wait, what travels with the
/// call, and how failures are retried.
///
/// The default is "no deadline of my own, the client's retry policy". A call made from
/// inside a server handler additionally inherits that handler's deadline and trace id
/// (see ``ServerCallContext/current``), so deadlines shrink as they travel downstream.
public struct CallOptions: Sendable {
    /// How long from now the call may take, including retries.
    public var timeout: Duration?
    /// An absolute deadline; combined with `timeout`, the earlier wins.
    public var deadline: ContinuousClock.Instant?
    /// Sent with the request.
    public var metadata: Metadata
    /// Overrides the client's default retry policy for this call.
    public var retryPolicy: RetryPolicy?

    public init(
        timeout: Duration? = nil,
        deadline: ContinuousClock.Instant? = nil,
        metadata: Metadata = [:],
        retryPolicy: RetryPolicy? = nil,
        idempotencyKey: String? = nil
    ) {
        self.timeout = timeout
        self.deadline = deadline
        self.metadata = metadata
        self.retryPolicy = retryPolicy
        if let idempotencyKey {
            self.metadata.idempotencyKey = idempotencyKey
        }
    }

    /// The key a receiver uses to answer a retried mutation once (`x-idempotency-key`).
    public var idempotencyKey: String? {
        get { self.metadata.idempotencyKey }
        set { self.metadata.idempotencyKey = newValue }
    }

    /// The earliest of this call's own deadline, its timeout and the deadline inherited
    /// from the surrounding server call.
    func effectiveDeadline(now: ContinuousClock.Instant, inherited: ContinuousClock.Instant?) -> ContinuousClock.Instant? {
        var result = inherited
        if let deadline = self.deadline {
            result = result.map { min($0, deadline) } ?? deadline
        }
        if let timeout = self.timeout {
            let fromTimeout = now + timeout
            result = result.map { min($0, fromTimeout) } ?? fromTimeout
        }
        return result
    }
}
