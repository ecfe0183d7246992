import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycle
import TongxinWire

/// Calls the services of one server (or one load-balanced address) over a small pool
/// of multiplexed TCP connections.
///
/// Safe to share: one client per downstream service per process is the intended use.
/// Connections open lazily and reopen after failures with jittered backoff; failed calls
/// are retried by the ``RetryPolicy`` only when that cannot run a handler twice; every
/// failure surfaces as an ``RPCError``. As a `Service` it closes itself on graceful
/// shutdown.
public final class RPCClient: Service, Sendable {
    public let configuration: Configuration
    private let slots: [ConnectionSlot]
    private let nextSlot = NIOLockedValueBox(0)
    private let interceptors: [any ClientInterceptor]
    private let logger: Logger

    public init(
        configuration: Configuration,
        interceptors: [any ClientInterceptor] = [],
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        logger: Logger = Logger(label: "tongxin.rpc.client")
    ) {
        self.configuration = configuration
        self.interceptors = interceptors
        self.logger = logger
        self.slots = (0..<configuration.connections).map { _ in
            ConnectionSlot(configuration: configuration, group: eventLoopGroup, logger: logger)
        }
    }

    /// Calls `method` and returns its response, or throws an ``RPCError``.
    ///
    /// Inside a server handler the call inherits the handler's deadline (the earlier of
    /// the two wins) and trace id. Cancelling the calling task cancels the call on the
    /// server too.
    public func unary<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        _ request: Request,
        options: CallOptions = CallOptions()
    ) async throws -> Response {
        let payload: [UInt8]
        do {
            payload = try request.serializedBytes()
        } catch {
            throw RPCError(code: .internalError, message: "the request for \(method.path) could not be encoded: \(error)", cause: error)
        }
        let inherited = ServerCallContext.current
        var metadata = options.metadata
        if metadata.traceID == nil, let inherited {
            metadata.traceID = inherited.traceID
        }
        var options = options
        if options.timeout == nil, options.deadline == nil {
            options.timeout = self.configuration.defaultTimeout
        }
        let context = ClientCallContext(
            method: method.path,
            idempotent: method.idempotent,
            deadline: options.effectiveDeadline(now: .now, inherited: inherited?.deadline)
        )
        let policy = options.retryPolicy ?? self.configuration.defaultRetryPolicy
        let response = try await self.intercept(0, ClientRequest(payload: payload, metadata: metadata), context, policy)
        do {
            return try Response(serializedBytes: response.payload)
        } catch {
            throw RPCError(code: .internalError, message: "unparsable response from \(method.path): \(error)", cause: error)
        }
    }

    /// Calls the method at `path` with an already encoded request and returns the encoded
    /// response, undecoded (a gateway forwarding a call). Deadline, trace id and retries as
    /// ``unary(_:_:options:)``; `idempotent` is what the schema declares for the method.
    public func unaryBytes(
        path: String, idempotent: Bool, payload: [UInt8], options: CallOptions = CallOptions()
    ) async throws -> [UInt8] {
        let inherited = ServerCallContext.current
        var metadata = options.metadata
        if metadata.traceID == nil, let inherited {
            metadata.traceID = inherited.traceID
        }
        var options = options
        if options.timeout == nil, options.deadline == nil {
            options.timeout = self.configuration.defaultTimeout
        }
        let context = ClientCallContext(
            method: path, idempotent: idempotent,
            deadline: options.effectiveDeadline(now: .now, inherited: inherited?.deadline))
        let policy = options.retryPolicy ?? self.configuration.defaultRetryPolicy
        return try await self.intercept(0, ClientRequest(payload: payload, metadata: metadata), context, policy).payload
    }

    /// Measures a PING/PONG round trip to the server.
    public func ping() async throws -> Duration {
        do {
            let connection = try await self.pickSlot().connection(deadline: .now + self.configuration.connectTimeout)
            return try await connection.ping()
        } catch let failure as CallFailure {
            throw failure.error
        }
    }

    /// Stops new calls, lets the calls in flight finish (up to `closeTimeout`) and
    /// closes every connection.
    public func close() async {
        let connections = self.slots.compactMap { $0.close() }
        for connection in connections {
            connection.closeGracefully()
        }
        let closeTimeout = self.configuration.closeTimeout
        for connection in connections {
            let timer = connection.eventLoop.scheduleTask(in: TimeAmount(closeTimeout)) {
                connection.channel.close(promise: nil)
            }
            try? await connection.channel.closeFuture.get()
            timer.cancel()
        }
    }

    /// Runs until graceful shutdown, then closes.
    public func run() async throws {
        try? await gracefulShutdown()
        await self.close()
    }

    // MARK: Call pipeline

    private func intercept(_ index: Int, _ request: ClientRequest, _ context: ClientCallContext, _ policy: RetryPolicy) async throws -> ClientResponse {
        guard index < self.interceptors.count else {
            return try await self.execute(request, context, policy)
        }
        do {
            return try await self.interceptors[index].intercept(request: request, context: context) { request, context in
                try await self.intercept(index + 1, request, context, policy)
            }
        } catch let error as RPCError {
            throw error
        } catch is CancellationError {
            throw RPCError(code: .cancelled, message: "the call was cancelled")
        } catch {
            throw RPCError(code: .unknown, message: "client interceptor failed: \(error)", cause: error)
        }
    }

    /// Attempts the call, retrying as the policy allows.
    private func execute(_ request: ClientRequest, _ context: ClientCallContext, _ policy: RetryPolicy) async throws(RPCError) -> ClientResponse {
        var attempt = 1
        while true {
            let failure: CallFailure
            do {
                return try await self.attempt(request, context)
            } catch let error as CallFailure {
                failure = error
            } catch {
                failure = CallFailure(.unknown, "\(error)", mayHaveRun: true, cause: error)
            }
            guard attempt < policy.maxAttempts,
                  policy.retryableCodes.contains(failure.error.code),
                  context.idempotent || !failure.mayHaveRun,
                  !Task.isCancelled
            else {
                var error = failure.error
                error.neverSent = !failure.mayHaveRun
                throw error
            }
            let delay = policy.backoff(afterAttempt: attempt)
            if let deadline = context.deadline, .now + delay >= deadline {
                throw failure.error
            }
            self.logger.debug("retrying", metadata: [
                "rpc-method": "\(context.method)", "attempt": "\(attempt + 1)", "after": "\(delay)", "error": "\(failure.error)",
            ])
            do {
                try await Task.sleep(for: delay)
            } catch {
                throw RPCError(code: .cancelled, message: "the call was cancelled")
            }
            attempt += 1
        }
    }

    private func attempt(_ request: ClientRequest, _ context: ClientCallContext) async throws -> ClientResponse {
        if let deadline = context.deadline, deadline <= .now {
            throw CallFailure(.deadlineExceeded, "deadline exceeded", mayHaveRun: false)
        }
        if Task.isCancelled {
            throw CallFailure(.cancelled, "the call was cancelled", mayHaveRun: false)
        }
        let connection = try await self.pickSlot().connection(deadline: context.deadline)
        return try await connection.call(method: context.method, metadata: request.metadata, payload: request.payload, deadline: context.deadline)
    }

    private func pickSlot() -> ConnectionSlot {
        guard self.slots.count > 1 else { return self.slots[0] }
        let index = self.nextSlot.withLockedValue { next in
            defer { next = (next + 1) % self.slots.count }
            return next
        }
        return self.slots[index]
    }
}
