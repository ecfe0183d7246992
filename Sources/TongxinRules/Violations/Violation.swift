/// 违规 — anything a service's domain rules refuse, said in both languages.
///
/// Every violation carries a stable `rule` id (for example `composition.non_party_share`)
/// that clients and audit records key on, the `field` it concerns where there is one
/// (`division_code`, `id_number`, `phone`, `members` …), and a message in Chinese and
/// English. Service code maps these to RPC status codes once, at the boundary
/// (STYLE.md, "Errors are typed and mapped once").
public protocol Violation: Error, Sendable, Hashable {
    /// Stable, dotted rule id; never localised, never reworded.
    var rule: String { get }
    /// The input field the violation is about, in the wire (snake_case) spelling.
    var field: String? { get }
    /// 中文说明.
    var messageZH: String { get }
    /// English explanation.
    var messageEN: String { get }
}

extension Violation {
    /// Both languages in one line, Chinese first: `"zh / en"`.
    public var message: String { "\(messageZH) / \(messageEN)" }
}

/// 校验错误 — a violation of a single value or transition (an ID number, a phone number,
/// a division code, a state change, a confirmation refused during 公示).
///
/// Thrown by validating initialisers and state-machine transitions (typed
/// `throws(DomainViolation)`) and returned by pure checks such as membership's
/// `ConfirmationGate`. Shared by every service (agenda, session, supervision …) so that
/// every refusal carries the same three things: a stable rule id, 中文 and English.
public struct DomainViolation: Violation, Codable {
    public let rule: String
    public let field: String?
    public let messageZH: String
    public let messageEN: String

    public init(rule: String, field: String?, zh messageZH: String, en messageEN: String) {
        self.rule = rule
        self.field = field
        self.messageZH = messageZH
        self.messageEN = messageEN
    }
}

extension DomainViolation: CustomStringConvertible {
    public var description: String { "[\(rule)] \(message)" }
}
