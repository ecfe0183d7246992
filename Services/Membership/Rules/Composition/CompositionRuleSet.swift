/// 组成规则集 — the composition rules that apply to one kind of council.
///
/// Start from ``defaults(for:)`` (the seeds' values) and apply a deployment's or a unit's
/// ``CompositionRuleOverride`` with ``merging(_:)``; both are plain JSON.
public struct CompositionRuleSet: Sendable, Hashable, Codable {
    public var kind: CouncilKind
    /// Checked in this order; ids are unique.
    public var rules: [CompositionRule]

    public init(kind: CouncilKind, rules: [CompositionRule]) {
        self.kind = kind
        self.rules = rules
    }

    /// The rule with `id`, if present.
    public func rule(_ id: String) -> CompositionRule? { rules.first { $0.id == id } }

    /// This set with `override` applied: rules with an id already present replace it in
    /// place, new ids are appended, and ids in `override.removing` are dropped.
    public func merging(_ override: CompositionRuleOverride) -> CompositionRuleSet {
        var merged = rules
        for rule in override.rules {
            if let index = merged.firstIndex(where: { $0.id == rule.id }) {
                merged[index] = rule
            } else {
                merged.append(rule)
            }
        }
        let removed = Set(override.removing)
        merged.removeAll { removed.contains($0.id) }
        return CompositionRuleSet(kind: kind, rules: merged)
    }
}

/// 规则调整 — a deployment's or a unit's changes to a default rule set (DOMAIN.md §1:
/// "configurable per deployment"), e.g. a county that caps village councils at 40 or
/// drops the sector list.
public struct CompositionRuleOverride: Sendable, Hashable, Codable {
    /// Rules to add, or to replace the rule with the same id.
    public var rules: [CompositionRule]
    /// Ids of rules to drop.
    public var removing: [String]

    public init(rules: [CompositionRule] = [], removing: [String] = []) {
        self.rules = rules
        self.removing = removing
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        rules = try container.decodeIfPresent([CompositionRule].self, forKey: .rules) ?? []
        removing = try container.decodeIfPresent([String].self, forKey: .removing) ?? []
    }
}
