import Foundation
import TongxinPostgres
import TongxinRPC
import TongxinService

/// One authenticated call: the caller, the transaction it runs in, and the time it runs at
/// (read once per call from the injected clock, so every row a call writes agrees).
struct CallScope: Sendable {
    let caller: Caller
    let tx: PostgresTransaction
    let now: Date
    let traceID: String

    func has(_ permission: String) -> Bool { caller.has(permission) }

    /// Appends the audit record of this call's mutation, in its transaction.
    func audit(_ method: String, target: String, unitPath: String, _ detail: [String: String] = [:]) async throws {
        try await AuditLog.record(
            AuditLog.Entry(service: "membership", method: method, target: target, unitPath: unitPath, detail: detail, traceID: traceID),
            by: caller, in: tx
        )
    }
}

extension MembershipService {
    /// Runs `body` for an authenticated caller in one transaction scoped to the caller's
    /// subtree, with the call's deadline. The method's permission (declared in the schema)
    /// has been checked by `AuthInterceptor` before the handler runs.
    func run<T: Sendable>(
        _ context: ServerCallContext,
        _ body: @Sendable (CallScope) async throws -> T
    ) async throws -> T {
        let caller = try authenticator.caller(from: context)
        let now = environment.clock.now()
        let traceID = context.traceID
        do {
            return try await environment.pool.transaction(scope: caller.scope, deadline: context.deadline) { tx in
                try await body(CallScope(caller: caller, tx: tx, now: now, traceID: traceID))
            }
        } catch let error as MembershipError {
            throw Self.withoutInternals(error, context)
        } catch let error as PostgresError {
            throw Self.withoutInternals(MembershipError(error), context)
        } catch let error as ImportRejected {
            throw error
        } catch is CancellationError {
            throw MembershipError.cancelled
        } catch {
            // The type and text go to the log; the caller gets the trace id only.
            context.logger.error("membership call failed", metadata: [
                "error-type": "\(String(reflecting: type(of: error)))", "error": "\(String(reflecting: error))",
            ])
            throw MembershipError.internal("trace id \(traceID)")
        }
    }

    /// An internal error's detail goes to the log; the caller gets the trace id only.
    private static func withoutInternals(_ error: MembershipError, _ context: ServerCallContext) -> MembershipError {
        guard case .internal(let detail) = error else { return error }
        context.logger.error("membership call failed", metadata: ["detail": "\(detail)"])
        return .internal("trace id \(context.traceID)")
    }
}
