import Foundation
import TongxinPostgres
import TongxinRPC

/// The failures every service shares, mapped to canonical status codes once, here: a
/// service's own error type holds only its domain errors (ARCHITECTURE.md principle 7).
public enum ServiceFailure: Error, Sendable, Equatable {
    case unauthenticated(String)
    case permissionDenied(permission: String)
    /// The database (or another dependency) cannot be reached; retry later.
    case unavailable
    case deadlineExceeded
    case cancelled
    /// A concurrent change won (serialization failure, deadlock); retry.
    case aborted
    /// A bounded resource is full (pool wait queue, rate limit).
    case resourceExhausted(String)
    /// Something that should not happen. `reference` is logged with the cause; callers see
    /// only the reference, never a type name or SQL text.
    case `internal`(reference: String)
    /// `x-idempotency-key` is malformed or was used for another request.
    case idempotencyKey(problem: LocalizedProblem)
    /// A write that row-level security refused: its target lies outside the caller's
    /// subtree, which must look exactly like a target that does not exist.
    case outsideScope

    /// A refusal in both languages.
    public struct LocalizedProblem: Sendable, Equatable {
        public var zh: String
        public var en: String
        public init(zh: String, en: String) {
            self.zh = zh
            self.en = en
        }
    }

    /// A database failure no handler turned into a domain error.
    public init(_ error: PostgresError) {
        switch error.kind {
        case .connectionFailed, .connectionLost, .poolClosed: self = .unavailable
        case .deadlineExceeded: self = .deadlineExceeded
        case .queryCanceled: self = .cancelled
        case .serializationFailure, .deadlock: self = .aborted
        case .insufficientPrivilege: self = .outsideScope
        case .poolExhausted: self = .resourceExhausted("too many calls are waiting for the database; retry later")
        default: self = .internal(reference: error.sqlState ?? "database")
        }
    }
}

extension ServiceFailure: RPCErrorConvertible {
    public var rpcError: RPCError {
        switch self {
        case .unauthenticated(let detail):
            RPCError(code: .unauthenticated, message: detail)
        case .permissionDenied(let permission):
            RPCError(code: .permissionDenied, message: "permission \"\(permission)\" is required / 需要权限 \(permission)")
        case .unavailable:
            RPCError(code: .unavailable, message: "the database is unavailable; retry later / 数据库暂不可用，请稍后重试")
        case .deadlineExceeded:
            RPCError(code: .deadlineExceeded, message: "deadline exceeded / 已超过截止时间")
        case .cancelled:
            RPCError(code: .cancelled, message: "cancelled / 已取消")
        case .aborted:
            RPCError(code: .aborted, message: "a concurrent change conflicted; retry / 并发修改冲突，请重试")
        case .resourceExhausted(let what):
            RPCError(code: .resourceExhausted, message: "\(what) / 资源已满")
        case .internal(let reference):
            RPCError(code: .internalError, message: "internal error (reference \(reference)) / 内部错误")
        case .idempotencyKey(let problem):
            RPCError(code: .invalidArgument, message: "x-idempotency-key: \(problem.zh) / \(problem.en)",
                     detail: ErrorDetail(field: "x-idempotency-key", messageZH: problem.zh, messageEN: problem.en))
        case .outsideScope:
            RPCError(code: .notFound, message: "unit not found / 未找到单元")
        }
    }
}
