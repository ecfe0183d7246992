import Foundation
import MembershipRules

/// 默认组成规则 — the rules every council of a kind starts from: the seeds' values
/// (``CompositionRuleSet/defaults(for:)``) with this deployment's configuration applied
/// (DOMAIN.md §1, "configurable per deployment"). Per-unit overrides live in the database
/// (`membership.rule_overrides`) and are applied on top, deepest unit last.
public struct CompositionDefaults: Sendable {
    /// The deployment's changes per kind.
    public var deployment: [CouncilKind: CompositionRuleOverride]

    public init(deployment: [CouncilKind: CompositionRuleOverride] = [:]) {
        self.deployment = deployment
    }

    /// Reads a deployment configuration: a JSON object from kind to override, e.g.
    /// `{"villageCouncil": {"rules": [{"kind":"memberCount", …}], "removing": []}}`.
    public init(json: Data) throws {
        let decoded = try JSONDecoder().decode([String: CompositionRuleOverride].self, from: json)
        var deployment: [CouncilKind: CompositionRuleOverride] = [:]
        for (key, value) in decoded {
            guard let kind = CouncilKind(rawValue: key) else {
                throw MembershipError.invalidArgument(field: "composition_rules", zh: "未知的议事会类型 \(key)", en: "unknown council kind \(key)")
            }
            deployment[kind] = value
        }
        self.init(deployment: deployment)
    }

    /// The rules for `kind` before unit overrides, with where each came from.
    func base(for kind: CouncilKind) -> (rules: CompositionRuleSet, origins: [String: String]) {
        let seeds = CompositionRuleSet.defaults(for: kind)
        var origins = Dictionary(seeds.rules.map { ($0.id, "default") }, uniquingKeysWith: { a, _ in a })
        guard let override = deployment[kind] else { return (seeds, origins) }
        for rule in override.rules { origins[rule.id] = "deployment" }
        return (seeds.merging(override), origins)
    }
}
