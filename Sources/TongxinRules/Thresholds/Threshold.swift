/// 门槛 — a proportion rule bound as data: an exact fraction and how the legal wording
/// compares against it.
///
/// DOMAIN.md, "Reading thresholds and periods the way the law reads them": 以上、以下、以内、
/// 不少于、不低于、不超过 include the number itself; 不满、超过、过半数 exclude it (Civil Code
/// art. 1259). So the comparison is part of the rule, and the fraction is kept as two
/// integers: thresholds are evaluated by cross-multiplication, never in floating point.
public struct Threshold: Sendable, Hashable {
    /// 比较方式 — how a count is compared with the fraction of its base.
    public enum Comparison: String, Sendable, Hashable, Codable, CaseIterable {
        /// 以上 / 不少于 / 不低于 — the count may equal the fraction (inclusive lower bound).
        case atLeast
        /// 以下 / 不超过 / 以内 — the count may equal the fraction (inclusive upper bound).
        case atMost
        /// 超过 / 过半数 — strictly more than the fraction.
        case moreThan
        /// 不满 — strictly less than the fraction.
        case lessThan
    }

    public let comparison: Comparison
    public let numerator: Int
    public let denominator: Int

    /// A threshold `comparison numerator/denominator`.
    ///
    /// - Precondition: `denominator > 0` and `0 <= numerator <= denominator`; decoding checks
    ///   the same and throws instead of trapping.
    public init(_ comparison: Comparison, _ numerator: Int, _ denominator: Int) {
        precondition(Self.isValid(numerator, denominator), "threshold needs 0 <= n <= d, d > 0")
        self.comparison = comparison
        self.numerator = numerator
        self.denominator = denominator
    }

    /// 以上 / 不少于 / 不低于 `n/d`.
    public static func atLeast(_ numerator: Int, _ denominator: Int) -> Threshold {
        Threshold(.atLeast, numerator, denominator)
    }
    /// 以下 / 不超过 / 以内 `n/d`.
    public static func atMost(_ numerator: Int, _ denominator: Int) -> Threshold {
        Threshold(.atMost, numerator, denominator)
    }
    /// 超过 `n/d`; `moreThan(1, 2)` is 过半数.
    public static func moreThan(_ numerator: Int, _ denominator: Int) -> Threshold {
        Threshold(.moreThan, numerator, denominator)
    }
    /// 不满 `n/d`.
    public static func lessThan(_ numerator: Int, _ denominator: Int) -> Threshold {
        Threshold(.lessThan, numerator, denominator)
    }

    /// Whether `numerator/denominator` is a proportion: `0 <= n <= d`, `d > 0`.
    public static func isValid(_ numerator: Int, _ denominator: Int) -> Bool {
        denominator > 0 && numerator >= 0 && numerator <= denominator
    }

    /// Whether `count` members out of `base` satisfy the threshold, with the figures.
    ///
    /// Exact integer arithmetic: `count/base ≥ n/d` is `count·d ≥ n·base`. The smallest
    /// passing count for a lower bound is `⌈n·base/d⌉` (inclusive) or `⌊n·base/d⌋ + 1`
    /// (strict); the largest for an upper bound is `⌊n·base/d⌋` (inclusive) or
    /// `⌈n·base/d⌉ − 1` (strict).
    public func evaluate(count: Int, of base: Int) -> ThresholdOutcome {
        precondition(base >= 0 && count >= 0, "counts are never negative")
        let scaledCount = count * denominator
        let scaledBound = numerator * base
        let floorBound = scaledBound / denominator
        let ceilBound = (scaledBound + denominator - 1) / denominator
        let passed: Bool
        var minimum: Int?
        var maximum: Int?
        switch comparison {
        case .atLeast:
            passed = scaledCount >= scaledBound
            minimum = ceilBound
        case .moreThan:
            passed = scaledCount > scaledBound
            minimum = floorBound + 1
        case .atMost:
            passed = scaledCount <= scaledBound
            maximum = floorBound
        case .lessThan:
            passed = scaledCount < scaledBound
            maximum = ceilBound - 1
        }
        return ThresholdOutcome(
            threshold: self, passed: passed, count: count, base: base,
            requiredMinimum: minimum, requiredMaximum: maximum
        )
    }
}

extension Threshold {
    /// The fraction as the seeds write it: `50%` for hundredths, `1/3` otherwise.
    public var fractionText: String {
        denominator == 100 ? "\(numerator)%" : "\(numerator)/\(denominator)"
    }

    /// The fraction in Chinese: `百分之五十`, `三分之一`, `五分之四`.
    public var fractionZH: String {
        denominator == 100
            ? "百分之\(ChineseNumerals.text(numerator))"
            : "\(ChineseNumerals.text(denominator))分之\(ChineseNumerals.text(numerator))"
    }

    /// The legal wording in Chinese: `不少于百分之五十`, `不超过三分之一`, `超过二分之一`.
    public var descriptionZH: String {
        switch comparison {
        case .atLeast: "不少于\(fractionZH)"
        case .atMost: "不超过\(fractionZH)"
        case .moreThan: "超过\(fractionZH)"
        case .lessThan: "不满\(fractionZH)"
        }
    }

    /// The wording in English: `at least 50%`, `at most 1/3`, `more than 1/2`.
    public var descriptionEN: String {
        switch comparison {
        case .atLeast: "at least \(fractionText)"
        case .atMost: "at most \(fractionText)"
        case .moreThan: "more than \(fractionText)"
        case .lessThan: "less than \(fractionText)"
        }
    }
}

extension Threshold: Codable {
    private enum CodingKeys: String, CodingKey { case comparison, numerator, denominator }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let comparison = try container.decode(Comparison.self, forKey: .comparison)
        let numerator = try container.decode(Int.self, forKey: .numerator)
        let denominator = try container.decode(Int.self, forKey: .denominator)
        guard Self.isValid(numerator, denominator) else {
            throw DecodingError.dataCorruptedError(
                forKey: .denominator, in: container,
                debugDescription: "threshold needs 0 <= numerator <= denominator and denominator > 0"
            )
        }
        self.init(comparison, numerator, denominator)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(comparison, forKey: .comparison)
        try container.encode(numerator, forKey: .numerator)
        try container.encode(denominator, forKey: .denominator)
    }
}
