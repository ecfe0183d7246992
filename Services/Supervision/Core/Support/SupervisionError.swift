import SupervisionRules
import TongxinRPC

/// 错误 — everything the supervision service refuses for domain reasons, mapped to a
/// canonical status once, here (issue 11 "Bad input"): an unknown case or unit (or one
/// outside the caller's subtree) is NOT_FOUND; a malformed field or a percentage outside
/// 0–100 is INVALID_ARGUMENT naming the field; a second rating by the same resident is
/// ALREADY_EXISTS; a case for an unfiled result or an action its state does not allow is
/// FAILED_PRECONDITION naming the rule; progress by someone who is not the responsible
/// person is PERMISSION_DENIED. Authentication, permissions and infrastructure are the kit's.
public enum SupervisionError: Error, Sendable, Equatable {
    case invalidArgument(field: String, zh: String, en: String, rule: String? = nil)
    case notFound(what: String)
    case alreadyExists(field: String, zh: String, en: String)
    case failedPrecondition(rule: String, zh: String, en: String, figures: [ErrorDetail.Figure] = [])
    case permissionDenied(rule: String, zh: String, en: String)
    /// Another service the call needs could not be read (the dossier of a closing case).
    case unavailable(zh: String, en: String)

    static func invalid(_ violation: DomainViolation) -> SupervisionError {
        .invalidArgument(field: violation.field ?? "request", zh: violation.messageZH, en: violation.messageEN, rule: violation.rule)
    }

    static func precondition(_ violation: DomainViolation, figures: [ErrorDetail.Figure] = []) -> SupervisionError {
        .failedPrecondition(rule: violation.rule, zh: violation.messageZH, en: violation.messageEN, figures: figures)
    }

    static func missing(_ field: String) -> SupervisionError {
        .invalidArgument(field: field, zh: "缺少必填字段 \(field)", en: "\(field) is required")
    }
}

extension SupervisionError: RPCErrorConvertible {
    public var rpcError: RPCError {
        switch self {
        case .invalidArgument(let field, let zh, let en, let rule):
            RPCError(code: .invalidArgument, message: "\(field): \(zh) / \(en)",
                     detail: ErrorDetail(rule: rule ?? "", field: field, messageZH: zh, messageEN: en))
        case .notFound(let what):
            RPCError(code: .notFound, message: "\(what) not found / 未找到\(Self.zhName(what))",
                     detail: ErrorDetail(messageZH: "未找到\(Self.zhName(what))", messageEN: "\(what) not found"))
        case .alreadyExists(let field, let zh, let en):
            RPCError(code: .alreadyExists, message: "\(field): \(zh) / \(en)",
                     detail: ErrorDetail(field: field, messageZH: zh, messageEN: en))
        case .failedPrecondition(let rule, let zh, let en, let figures):
            RPCError(code: .failedPrecondition, message: "[\(rule)] \(zh) / \(en)",
                     detail: ErrorDetail(rule: rule, messageZH: zh, messageEN: en, figures: figures))
        case .unavailable(let zh, let en):
            RPCError(code: .unavailable, message: "\(zh) / \(en)", detail: ErrorDetail(messageZH: zh, messageEN: en))
        case .permissionDenied(let rule, let zh, let en):
            RPCError(code: .permissionDenied, message: "[\(rule)] \(zh) / \(en)",
                     detail: ErrorDetail(rule: rule, messageZH: zh, messageEN: en))
        }
    }

    private static func zhName(_ what: String) -> String {
        switch what {
        case "unit": "单元"
        case "case": "落实事项"
        case "topic": "议题"
        case "milestone": "节点"
        case "indicator": "指标"
        default: what
        }
    }
}
