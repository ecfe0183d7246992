/// 组成规则违规 — one composition rule a council roster breaks, with the figures.
///
/// DOMAIN.md ("Reading thresholds…"): show the figures with the result. So beside the
/// message a violation keeps the count, the base it was measured against and the bound
/// it missed, for the UI and for the county's reports.
public struct RuleViolation: Violation, Codable {
    public let rule: String
    public let field: String?
    /// What the rule was applied to when it is narrower than the whole roster:
    /// a villager group id, a person id, a role or a post.
    public let subject: String?
    /// How many members (or representatives) were counted.
    public let count: Int?
    /// What they were counted against (members in the base, households …).
    public let base: Int?
    /// The smallest acceptable count, when the rule has a lower bound.
    public let minimum: Int?
    /// The largest acceptable count, when the rule has an upper bound.
    public let maximum: Int?
    public let messageZH: String
    public let messageEN: String
    /// The broken rule's ``RuleSeverity``: an advisory violation is reported, not blocking.
    public private(set) var severity: RuleSeverity = .binding

    public init(
        rule: String,
        field: String? = "members",
        subject: String? = nil,
        count: Int? = nil,
        base: Int? = nil,
        minimum: Int? = nil,
        maximum: Int? = nil,
        zh messageZH: String,
        en messageEN: String
    ) {
        self.rule = rule
        self.field = field
        self.subject = subject
        self.count = count
        self.base = base
        self.minimum = minimum
        self.maximum = maximum
        self.messageZH = messageZH
        self.messageEN = messageEN
    }
}

extension RuleViolation {
    /// This violation as one of a rule of `severity`.
    public func with(severity: RuleSeverity) -> RuleViolation {
        var copy = self
        copy.severity = severity
        return copy
    }

    /// Whether the violation blocks confirmation and changes to a constituted council.
    public var isBinding: Bool { severity == .binding }
}

extension RuleViolation: CustomStringConvertible {
    public var description: String { "[\(rule)] \(message)" }
}
