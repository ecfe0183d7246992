import SessionRules
import TongxinRPC

/// 错误 — everything the session service refuses for domain reasons, mapped to a canonical
/// status once, here (STYLE.md "Errors are typed and mapped once"; issue 10 "Bad input").
///
/// - an unknown meeting, vote, result, opinion or unit — or one outside the caller's
///   subtree — is `notFound`;
/// - a malformed field is `invalidArgument` naming the field;
/// - a second ballot by the same voter (not changeable) is `alreadyExists`;
/// - a broken rule (no quorum, vote closed, notice running, open objection, filed result,
///   check-in of a non-invitee) is `failedPrecondition` naming the rule in Chinese and
///   English, with the figures.
public enum SessionError: Error, Sendable, Equatable {
    case invalidArgument(field: String, zh: String, en: String, rule: String? = nil)
    case notFound(what: String)
    case alreadyExists(field: String, zh: String, en: String)
    case failedPrecondition(rule: String, zh: String, en: String, figures: [ErrorDetail.Figure] = [])

    static func invalid(_ violation: DomainViolation) -> SessionError {
        .invalidArgument(field: violation.field ?? "request", zh: violation.messageZH, en: violation.messageEN, rule: violation.rule)
    }

    static func precondition(_ violation: DomainViolation, figures: [ErrorDetail.Figure] = []) -> SessionError {
        .failedPrecondition(rule: violation.rule, zh: violation.messageZH, en: violation.messageEN, figures: figures)
    }

    static func missing(_ field: String) -> SessionError {
        .invalidArgument(field: field, zh: "缺少必填字段 \(field)", en: "\(field) is required")
    }
}

extension SessionError: RPCErrorConvertible {
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
        }
    }

    private static func zhName(_ what: String) -> String {
        switch what {
        case "unit": "单元"
        case "meeting": "会议"
        case "topic": "议题"
        case "meeting plan": "议事方案"
        case "vote": "表决"
        case "result": "协商结果"
        case "objection": "异议"
        case "opinion": "发言"
        case "democracy day": "民主日"
        case "council": "议事会"
        default: what
        }
    }
}
