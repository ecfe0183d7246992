import Crypto
import Foundation
import Logging
import TongxinPostgres
import TongxinRPC
import TongxinWire

/// 服务套件 — what every Tongxin service's handlers run in.
///
/// A handler is one line: `try await kit.handle(request, context) { scope in … }`. The kit
/// does the rest once, the same way for every service:
/// - the caller: bound by ``AuthInterceptor``, which verified the token (against this
///   kit's clock) and the method's permission declared in the schema;
/// - one transaction scoped to the caller's unit subtree, with the call's deadline; a
///   method declared `NO_SIDE_EFFECTS` runs read-only (each round trip an implicit
///   transaction, see `PostgresTransaction`);
/// - the audit record of a mutation, sent with `COMMIT`, and the changes it recorded for the
///   change feed (``CallScope/change(_:subject:unitPath:state:externalRef:_:)``), after it;
/// - idempotency keys: a method that is not idempotent by itself, called again with the
///   same `x-idempotency-key` by the same principal, returns the first result and writes
///   nothing (``Idempotency``);
/// - error mapping: domain errors map themselves (`RPCErrorConvertible`), database and
///   runtime failures become ``ServiceFailure``s; INTERNAL never carries a type name.
public struct ServiceKit: Sendable {
    /// The service's name: the audit log's `service` and the idempotency namespace.
    public let service: String
    public let pool: PostgresPool
    public let clock: any ServiceClock
    public let logger: Logger
    /// How long the first result of a call with an idempotency key is kept.
    public var idempotencyRetention: Duration

    public init(
        service: String, pool: PostgresPool, clock: any ServiceClock = SystemClock(), logger: Logger,
        idempotencyRetention: Duration = .seconds(24 * 3600)
    ) {
        self.service = service
        self.pool = pool
        self.clock = clock
        self.logger = logger
        self.idempotencyRetention = idempotencyRetention
    }

    /// Runs `body` for the authenticated caller of `context` in one scoped transaction.
    public func handle<Request: WireMessage, Response: WireMessage>(
        _ request: Request, _ context: ServerCallContext, isolation: IsolationLevel = .readCommitted,
        _ body: @Sendable (CallScope) async throws -> Response
    ) async throws -> Response {
        guard let caller = Caller.bound else {
            throw ServiceFailure.unauthenticated(AuthenticationFailure.missing.description)
        }
        let descriptor = context.methodDescriptor
        let readOnly = descriptor?.readOnly ?? false
        let method = descriptor?.name ?? String(context.method.split(separator: "/").last ?? "")
        let idempotency = try Idempotency.Claim(
            service: service, caller: caller, method: context.method, request: request,
            key: (descriptor?.idempotent ?? false) ? nil : context.metadata.idempotencyKey,
            retention: idempotencyRetention)
        let now = clock.now()
        let traceID = context.traceID
        let service = service
        do {
            return try await pool.transaction(
                scope: caller.scope, isolation: isolation, readOnly: readOnly, deadline: context.deadline
            ) { tx in
                if let idempotency, let replay: Response = try await idempotency.replay(in: tx) {
                    return replay
                }
                let scope = CallScope(caller: caller, tx: tx, now: now, traceID: traceID, service: service, method: method)
                let response = try await body(scope)
                // The feed's changes travel with COMMIT after the audit records (see PendingChanges).
                try scope.pendingChanges.flush(into: tx, now: now, traceID: traceID)
                try idempotency?.store(response, in: tx)
                return response
            }
        } catch let error as any RolledBackResult {
            throw error
        } catch let error as any RPCErrorConvertible {
            throw error
        } catch let error as RPCError {
            throw error
        } catch let error as PostgresError {
            let failure = ServiceFailure(error)
            if case .internal = failure {
                context.logger.error("database failure", metadata: ["error": "\(error)"])
            }
            throw failure
        } catch is CancellationError {
            throw ServiceFailure.cancelled
        } catch {
            let reference = String(UInt32.random(in: 0...UInt32.max), radix: 16)
            context.logger.error(
                "unexpected failure", metadata: ["error": "\(error)", "type": "\(type(of: error))", "reference": "\(reference)"])
            throw ServiceFailure.internal(reference: reference)
        }
    }
}
