import TongxinRPC
import TongxinRules

/// 错误 — everything a service refuses for domain reasons, mapped to a canonical status once,
/// here (STYLE.md "Errors are typed and mapped once"). Agenda, session and supervision throw
/// it (`DomainError`, `SessionError`, … are its names there); authentication, permissions and
/// infrastructure failures are `ServiceFailure`.
///
/// - an unknown object or unit — or one outside the caller's subtree — is `notFound`
///   (existence must not leak);
/// - a malformed field is `invalidArgument` naming the field (and the rule, when a rule
///   module refused it);
/// - a second of something unique (a ballot, a feedback) is `alreadyExists`;
/// - a broken rule (negative list, illegal transition, no quorum, open objection) is
///   `failedPrecondition` naming the rule in Chinese and English, with its figures.
public enum DomainError: Error, Sendable, Equatable {
    case invalidArgument(field: String, zh: String, en: String, rule: String? = nil)
    case notFound(what: String)
    case alreadyExists(field: String, zh: String, en: String)
    case failedPrecondition(rule: String, zh: String, en: String, figures: [ErrorDetail.Figure] = [])
    /// A rule about who may act that only the service can check (progress by someone who is
    /// not the responsible person), beyond the method's permission the interceptor checked.
    case permissionDenied(rule: String, zh: String, en: String)
    /// Another service the call needs could not be read (a dossier frozen at closing).
    case unavailable(zh: String, en: String)

    /// A field-level violation from a rules module (a path, a ballot, a period).
    public static func invalid(_ violation: DomainViolation) -> DomainError {
        .invalidArgument(field: violation.field ?? "request", zh: violation.messageZH, en: violation.messageEN, rule: violation.rule)
    }

    /// A refused state change from a rules module.
    public static func precondition(_ violation: DomainViolation, figures: [ErrorDetail.Figure] = []) -> DomainError {
        .failedPrecondition(rule: violation.rule, zh: violation.messageZH, en: violation.messageEN, figures: figures)
    }

    public static func missing(_ field: String) -> DomainError {
        .invalidArgument(field: field, zh: "缺少必填字段 \(field)", en: "\(field) is required")
    }
}

extension DomainError: RPCErrorConvertible {
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
        case .permissionDenied(let rule, let zh, let en):
            RPCError(code: .permissionDenied, message: "[\(rule)] \(zh) / \(en)",
                     detail: ErrorDetail(rule: rule, messageZH: zh, messageEN: en))
        case .unavailable(let zh, let en):
            RPCError(code: .unavailable, message: "\(zh) / \(en)", detail: ErrorDetail(messageZH: zh, messageEN: en))
        }
    }

    /// The Chinese name of what was not found (the English one is `what`).
    private static func zhName(_ what: String) -> String {
        switch what {
        case "unit": "单元"
        case "item": "问题"
        case "topic": "议题"
        case "meeting plan": "议事方案"
        case "meeting": "会议"
        case "vote": "表决"
        case "result": "协商结果"
        case "objection": "异议"
        case "opinion": "发言"
        case "democracy day": "民主日"
        case "council": "议事会"
        case "case": "落实事项"
        case "milestone": "节点"
        case "indicator": "指标"
        case "dossier": "档案"
        case "appeal": "诉求"
        default: what
        }
    }
}
