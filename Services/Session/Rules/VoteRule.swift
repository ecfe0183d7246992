/// 表决门槛的基数 — what a vote's count of votes in favour is held against.
public enum ThresholdBase: Int, Sendable, Hashable, CaseIterable, Codable {
    /// 与会人员: members of the electorate present when the vote opened.
    case present = 1
    /// 有表决权的全体人员 (全体村民、全体居民): the whole electorate.
    case eligible
    /// 户: households of the register.
    case households

    public var nameZH: String {
        switch self {
        case .present: "与会人员"
        case .eligible: "有表决权的人员"
        case .households: "户"
        }
    }

    public var nameEN: String {
        switch self {
        case .present: "those present"
        case .eligible: "those eligible"
        case .households: "households"
        }
    }
}

/// The figures a vote's base is taken from, fixed when the vote opened.
public struct VoteFigures: Sendable, Hashable, Codable {
    /// The electorate (有表决权的人员).
    public var eligible: Int
    /// Members of the electorate checked in.
    public var present: Int
    /// Households on the register.
    public var households: Int

    public init(eligible: Int, present: Int, households: Int = 0) {
        self.eligible = eligible
        self.present = present
        self.households = households
    }

    public func base(_ base: ThresholdBase) -> Int {
        switch base {
        case .present: present
        case .eligible: eligible
        case .households: households
        }
    }
}

/// 表决规则 — a threshold as data (DOMAIN.md "Reading thresholds"): an exact fraction, a
/// base, and inclusive (以上/不少于: equal passes) or strict (过半数/超过: equal fails).
/// Evaluated with integers only (``Threshold/evaluate(count:of:)`` cross-multiplies).
public struct VoteRule: Sendable, Hashable, Codable {
    public var threshold: Threshold
    public var base: ThresholdBase

    public init(_ threshold: Threshold, of base: ThresholdBase) {
        self.threshold = threshold
        self.base = base
    }

    /// 过半数 of those present — the decision rule of the villagers' assembly and the
    /// representatives' meeting (Organic Law arts. 22, 26).
    public static let majorityOfPresent = VoteRule(.majority, of: .present)
    /// 三分之二以上 of those present.
    public static let twoThirdsOfPresent = VoteRule(.twoThirdsOrMore, of: .present)
    /// 90%以上 of residents — renovation-type topics (004: "90%以上居民同意方可启动").
    public static let ninetyPercentOfResidents = VoteRule(.ninetyPercentOrMore, of: .eligible)

    public var inclusive: Bool { threshold.comparison == .atLeast }

    /// A rule from the wire's parts, or a `vote.threshold` violation: a proper fraction
    /// 0 < n ≤ d ≤ 1000 used as a lower bound.
    public static func validated(numerator: Int, denominator: Int, inclusive: Bool, base: ThresholdBase) throws(DomainViolation) -> VoteRule {
        guard Threshold.isValid(numerator, denominator), numerator > 0, denominator <= 1000 else {
            throw DomainViolation(
                rule: "vote.threshold", field: "threshold.fraction",
                zh: "表决门槛应为 0 < 分子 ≤ 分母 ≤ 1000 的分数", en: "the threshold must be a fraction 0 < n ≤ d ≤ 1000")
        }
        return VoteRule(inclusive ? .atLeast(numerator, denominator) : .moreThan(numerator, denominator), of: base)
    }

    /// Whether `inFavour` votes pass over the base `figures` give, with the figures.
    public func evaluate(inFavour: Int, figures: VoteFigures) -> VoteOutcome {
        let base = figures.base(base)
        return VoteOutcome(rule: self, figures: figures, outcome: threshold.evaluate(count: inFavour, of: base))
    }

    /// `超过二分之一的与会人员` / `more than 1/2 of those present`.
    public var descriptionZH: String { "\(threshold.descriptionZH)的\(base.nameZH)" }
    public var descriptionEN: String { "\(threshold.descriptionEN) of \(base.nameEN)" }
}

/// A vote's outcome with every figure shown.
public struct VoteOutcome: Sendable, Hashable, Codable {
    public let rule: VoteRule
    public let figures: VoteFigures
    public let outcome: ThresholdOutcome

    public var passed: Bool { outcome.passed }
    /// The fewest votes in favour that pass.
    public var required: Int { outcome.requiredMinimum ?? 0 }

    /// `同意 90/100（有表决权的人员），不少于百分之九十（至少 90）：通过`.
    public var descriptionZH: String {
        "同意 \(outcome.count)/\(outcome.base)（\(rule.base.nameZH)），\(rule.threshold.descriptionZH)（至少 \(required)）：\(passed ? "通过" : "未通过")"
    }

    public var descriptionEN: String {
        "\(outcome.count) in favour of \(outcome.base) (\(rule.base.nameEN)), \(rule.threshold.descriptionEN) (at least \(required)): \(passed ? "passed" : "failed")"
    }
}
