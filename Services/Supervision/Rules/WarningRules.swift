/// 预警规则 — one rule of the warning ledger, as data (ARCHITECTURE.md principle 9: "warning
/// rules … are configured per deployment"): when its trigger holds, the case is at least at
/// `level`.
public struct WarningRule: Sendable, Hashable, Codable {
    public var id: String
    public var level: WarningLevel
    public var trigger: Trigger

    public init(id: String, level: WarningLevel, trigger: Trigger) {
        self.id = id
        self.level = level
        self.trigger = trigger
    }

    /// What a rule looks at. Days are calendar days; every trigger names its boundary.
    public enum Trigger: Sendable, Hashable, Codable {
        /// 逾期: an unfinished case whose deadline passed more than `graceDays` ago. On the
        /// deadline day itself the case is not late (the deadline is 届满 at the day's end).
        case pastDeadline(graceDays: Int)
        /// 不满意: the share of dissatisfied ratings meets `threshold` (default 过半数 — strictly
        /// more than half of the ratings given). No rating, no trigger.
        case dissatisfied(threshold: Threshold)
        /// 节点滞后: a milestone not done more than `graceDays` after its due day.
        case milestoneLate(graceDays: Int)
        /// 久无进展: an unfinished case with no progress report for more than `days` days
        /// (counted from the latest report, else the assignment, else the opening): on day
        /// `days` it is still in time, on day `days + 1` it is not.
        case noProgress(days: Int)
    }
}

/// Why a case is at its level: the rule and its figures, in Chinese and English.
public struct WarningReason: Sendable, Hashable, Codable {
    public let rule: String
    public let level: WarningLevel
    public let zh: String
    public let en: String
}

/// A case's level and the rules that set it (empty for green).
public struct WarningAssessment: Sendable, Hashable {
    public let level: WarningLevel
    public let reasons: [WarningReason]
}

/// 三级预警规则 — the deployment's warning rules (seed 002: 红色、黄色、绿色三级预警台账).
///
/// Defaults (issue 11): **red** = past the deadline, or a dissatisfied majority (过半数) of
/// the ratings; **yellow** = a milestone late, or no progress report in 30 days; **green**
/// otherwise. A deployment replaces the list; the level of a case is the highest level of
/// the rules that hold.
public struct WarningRules: Sendable, Hashable, Codable {
    public var rules: [WarningRule]
    /// How a unit's level rolls up from the cases of its subtree.
    public var rollUp: UnitRollUp

    public init(rules: [WarningRule], rollUp: UnitRollUp = UnitRollUp()) {
        self.rules = rules
        self.rollUp = rollUp
    }

    public static let `default` = WarningRules(rules: [
        WarningRule(id: "red.past_deadline", level: .red, trigger: .pastDeadline(graceDays: 0)),
        WarningRule(id: "red.dissatisfied_majority", level: .red, trigger: .dissatisfied(threshold: .moreThan(1, 2))),
        WarningRule(id: "yellow.milestone_late", level: .yellow, trigger: .milestoneLate(graceDays: 0)),
        WarningRule(id: "yellow.no_progress_30_days", level: .yellow, trigger: .noProgress(days: 30)),
    ])

    /// The level of a case with `facts` on `today`, and every rule that set it (red first).
    public func assess(_ facts: CaseFacts, on today: LocalDate) -> WarningAssessment {
        var reasons: [WarningReason] = []
        for rule in rules where Self.holds(rule.trigger, facts, today) {
            reasons.append(Self.reason(rule, facts, today))
        }
        reasons.sort { $0.level > $1.level }
        return WarningAssessment(level: reasons.first?.level ?? .green, reasons: reasons)
    }

    /// The level alone, without composing the reasons: what a county-wide report computes for
    /// every case (the reasons are composed only for the cases it shows). Always equal to
    /// `assess(facts, on: today).level`.
    public func level(_ facts: CaseFacts, on today: LocalDate) -> WarningLevel {
        var level = WarningLevel.green
        for rule in rules where rule.level > level && Self.holds(rule.trigger, facts, today) {
            level = rule.level
        }
        return level
    }

    /// Whether a trigger holds: the boundaries, documented on ``WarningRule/Trigger``.
    static func holds(_ trigger: WarningRule.Trigger, _ facts: CaseFacts, _ today: LocalDate) -> Bool {
        switch trigger {
        case .pastDeadline(let grace):
            guard facts.state.isUnfinished, let deadline = facts.deadline else { return false }
            return today.daysSinceEpoch - deadline.daysSinceEpoch > grace
        case .dissatisfied(let threshold):
            let counts = facts.feedback
            return counts.total > 0 && threshold.evaluate(count: counts.dissatisfied, of: counts.total).passed
        case .milestoneLate(let grace):
            guard facts.state.isUnfinished, let due = facts.earliestOutstandingMilestone else { return false }
            return today.daysSinceEpoch - due.daysSinceEpoch > grace
        case .noProgress(let days):
            return facts.state.isUnfinished && today.daysSinceEpoch - facts.silentSince.daysSinceEpoch > days
        }
    }

    /// The reason of a rule that holds, with its figures.
    private static func reason(_ rule: WarningRule, _ facts: CaseFacts, _ today: LocalDate) -> WarningReason {
        func make(_ zh: String, _ en: String) -> WarningReason { WarningReason(rule: rule.id, level: rule.level, zh: zh, en: en) }
        switch rule.trigger {
        case .pastDeadline:
            let deadline = facts.deadline ?? today
            let late = today.daysSinceEpoch - deadline.daysSinceEpoch
            return make("已过办结期限 \(deadline)（逾期 \(late) 天）", "past its deadline \(deadline) (\(late) days late)")
        case .dissatisfied(let threshold):
            let counts = facts.feedback
            return make("不满意 \(counts.dissatisfied)/\(counts.total)，\(threshold.descriptionZH)",
                        "dissatisfied \(counts.dissatisfied) of \(counts.total), \(threshold.descriptionEN)")
        case .milestoneLate:
            let due = facts.earliestOutstandingMilestone ?? today
            let late = today.daysSinceEpoch - due.daysSinceEpoch
            return make("节点 \(due) 未完成（滞后 \(late) 天）", "a milestone due \(due) is not done (\(late) days late)")
        case .noProgress(let days):
            let silent = today.daysSinceEpoch - facts.silentSince.daysSinceEpoch
            return make("\(silent) 天无进展报告（自 \(facts.silentSince) 起，超过 \(days) 天）",
                        "no progress report for \(silent) days (since \(facts.silentSince), more than \(days))")
        }
    }
}

/// 单元汇总 — a unit's level from the cases of its subtree (the unit's own and every unit
/// under it): red when at least `redCases` of them are red, yellow when at least
/// `yellowCases` are yellow or red, green otherwise (and with no case at all). The default,
/// one case each, makes a unit as bad as its worst case.
public struct UnitRollUp: Sendable, Hashable, Codable {
    public var redCases: Int
    public var yellowCases: Int

    public init(redCases: Int = 1, yellowCases: Int = 1) {
        self.redCases = max(1, redCases)
        self.yellowCases = max(1, yellowCases)
    }

    public func level(_ counts: LevelCounts) -> WarningLevel {
        if counts.red >= redCases { return .red }
        if counts.red + counts.yellow >= yellowCases { return .yellow }
        return .green
    }

    /// Counts per unit of `units`, each over the cases lying in its subtree.
    public func counts(of cases: [(unit: UnitPath, level: WarningLevel)], for units: [UnitPath]) -> [UnitPath: LevelCounts] {
        var result = Dictionary(uniqueKeysWithValues: units.map { ($0, LevelCounts()) })
        for entry in cases {
            for ancestor in entry.unit.selfAndAncestors where result[ancestor] != nil {
                result[ancestor]!.add(entry.level)
            }
        }
        return result
    }
}

extension UnitPath {
    /// The child of `parent` on the way down to this unit (nil when this unit is not below it).
    public func child(under parent: UnitPath) -> UnitPath? {
        guard depth > parent.depth, isWithin(parent) else { return nil }
        return selfAndAncestors[parent.depth]
    }
}
