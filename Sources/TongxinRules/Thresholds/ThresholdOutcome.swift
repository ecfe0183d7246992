/// 门槛判定结果 — a threshold applied to one count, with every figure shown.
///
/// DOMAIN.md: "show the figures with the result". `requiredMinimum` is set for lower
/// bounds (以上、超过), `requiredMaximum` for upper bounds (以下、不满).
public struct ThresholdOutcome: Sendable, Hashable, Codable {
    public let threshold: Threshold
    public let passed: Bool
    public let count: Int
    public let base: Int
    /// The fewest that pass, for `atLeast` / `moreThan`.
    public let requiredMinimum: Int?
    /// The most that pass, for `atMost` / `lessThan`.
    public let requiredMaximum: Int?

    /// `15/30，不少于百分之五十（至少 15）：通过`.
    public var descriptionZH: String {
        "\(count)/\(base)，\(threshold.descriptionZH)（\(boundZH)）：\(passed ? "通过" : "未通过")"
    }

    /// `15 of 30, at least 50% (at least 15): passed`.
    public var descriptionEN: String {
        "\(count) of \(base), \(threshold.descriptionEN) (\(boundEN)): \(passed ? "passed" : "failed")"
    }

    /// Both languages, Chinese first.
    public var description: String { "\(descriptionZH) / \(descriptionEN)" }

    /// `至少 15` or `至多 10`: the bound the count was held to.
    public var boundZH: String {
        if let requiredMinimum { return "至少 \(requiredMinimum)" }
        return "至多 \(requiredMaximum ?? 0)"
    }

    /// `at least 15` or `at most 10`.
    public var boundEN: String {
        if let requiredMinimum { return "at least \(requiredMinimum)" }
        return "at most \(requiredMaximum ?? 0)"
    }
}
