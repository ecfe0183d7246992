import MembershipRules
import TongxinRPC

/// 错误 — everything the membership service refuses for domain reasons, typed, and mapped
/// to a canonical status once, here (STYLE.md, "Errors are typed and mapped once"; issue 3,
/// "Bad input"). Authentication, permissions and infrastructure failures are the kit's
/// (``ServiceFailure``).
///
/// - Unknown unit, person, council, notice, objection — or one outside the caller's
///   subtree — is `notFound` (NOT_FOUND, never PERMISSION_DENIED: existence must not leak).
/// - A duplicate division code (or ID number / phone within a town) is `alreadyExists`.
/// - A malformed field is `invalidArgument` naming the field.
/// - A broken rule is `failedPrecondition` naming the rule and its figures, in Chinese
///   and English (ARCHITECTURE.md, principle 7).
///
/// Besides the bilingual status message, every refusal with a rule or a field carries an
/// `ErrorDetail` (rule id, field, both messages, figures) that clients and tests read
/// instead of parsing text. `internal` carries none and never names a Swift type.
public enum MembershipError: Error, Sendable, Equatable {
    case invalidArgument(field: String, zh: String, en: String)
    case notFound(what: String)
    case alreadyExists(field: String, zh: String, en: String)
    /// `figures` are named `<rule>.<figure>` (`count`, `base`, `minimum`, `maximum`, `subject`).
    case failedPrecondition(rule: String, zh: String, en: String, figures: [ErrorDetail.Figure] = [])

    /// A field-level violation from MembershipRules (ID number, phone, division code).
    static func invalid(_ violation: DomainViolation) -> MembershipError {
        .invalidArgument(field: violation.field ?? "request", zh: violation.messageZH, en: violation.messageEN)
    }

    /// A refused state change from MembershipRules (notice still open, objection pending).
    static func precondition(_ violation: DomainViolation) -> MembershipError {
        .failedPrecondition(rule: violation.rule, zh: violation.messageZH, en: violation.messageEN)
    }

    /// Every violated composition rule with its figures, in one refusal.
    static func composition(_ violations: [RuleViolation]) -> MembershipError {
        .failedPrecondition(
            rule: violations.map(\.rule).joined(separator: ","),
            zh: violations.map(\.messageZH).joined(separator: "；"),
            en: violations.map(\.messageEN).joined(separator: "; "),
            figures: violations.flatMap(figures(of:))
        )
    }

    /// The figures a composition violation carries, each named after its rule.
    static func figures(of violation: RuleViolation) -> [ErrorDetail.Figure] {
        let named: [(String, String?)] = [
            ("subject", violation.subject),
            ("count", violation.count.map(String.init)),
            ("base", violation.base.map(String.init)),
            ("minimum", violation.minimum.map(String.init)),
            ("maximum", violation.maximum.map(String.init)),
        ]
        return named.compactMap { name, value in value.map { ErrorDetail.Figure("\(violation.rule).\(name)", $0) } }
    }

    static func missing(_ field: String) -> MembershipError {
        .invalidArgument(field: field, zh: "缺少必填字段 \(field)", en: "\(field) is required")
    }
}

extension MembershipError: RPCErrorConvertible {
    public var rpcError: RPCError {
        switch self {
        case .invalidArgument(let field, let zh, let en):
            RPCError(code: .invalidArgument, message: "\(field): \(zh) / \(en)",
                     detail: ErrorDetail(field: field, messageZH: zh, messageEN: en))
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
        case "parent unit": "上级单元"
        case "person": "人员"
        case "relative": "亲属"
        case "council": "议事会"
        case "seat": "任职记录"
        case "notice": "公示"
        case "objection": "异议"
        default: what
        }
    }
}
