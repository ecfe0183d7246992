import AgendaRules
import TongxinRPC

/// 错误 — everything the agenda service refuses for domain reasons, mapped to a canonical
/// status once, here (STYLE.md "Errors are typed and mapped once"; issue 9 "Bad input").
/// Authentication, permissions and infrastructure failures are the kit's (`ServiceFailure`).
///
/// - an unknown item, topic or unit — or one outside the caller's subtree — is `notFound`
///   (existence must not leak);
/// - a malformed field, a ballot by someone absent, a second ballot is `invalidArgument`
///   naming the field;
/// - a broken rule (negative list, illegal transition, plan too late) is
///   `failedPrecondition` naming the rule, in Chinese and English.
public enum AgendaError: Error, Sendable, Equatable {
    case invalidArgument(field: String, zh: String, en: String, rule: String? = nil)
    case notFound(what: String)
    case alreadyExists(field: String, zh: String, en: String)
    case failedPrecondition(rule: String, zh: String, en: String, figures: [ErrorDetail.Figure] = [])

    /// A field-level violation from AgendaRules (a path, a ballot, a period).
    static func invalid(_ violation: DomainViolation) -> AgendaError {
        .invalidArgument(field: violation.field ?? "request", zh: violation.messageZH, en: violation.messageEN, rule: violation.rule)
    }

    /// A refused state change from AgendaRules.
    static func precondition(_ violation: DomainViolation, figures: [ErrorDetail.Figure] = []) -> AgendaError {
        .failedPrecondition(rule: violation.rule, zh: violation.messageZH, en: violation.messageEN, figures: figures)
    }

    static func missing(_ field: String) -> AgendaError {
        .invalidArgument(field: field, zh: "缺少必填字段 \(field)", en: "\(field) is required")
    }
}

extension AgendaError: RPCErrorConvertible {
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
        case "item": "问题"
        case "topic": "议题"
        case "meeting plan": "议事方案"
        default: what
        }
    }
}
