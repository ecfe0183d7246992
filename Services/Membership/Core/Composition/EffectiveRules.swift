import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// 适用规则 — the composition rules that bind a council of `kind` at the unit `path`:
/// defaults, then the deployment's, then each ancestor's override down to the unit's own
/// (the deepest wins, issue 3 §4). Ancestors' overrides are readable to a subtree caller
/// by the read policy of `membership.rule_overrides`.
struct EffectiveRules {
    let rules: CompositionRuleSet
    /// Rule id → "default", "deployment" or "unit:<id>".
    let origins: [String: String]
    /// Ids switched off by an override, with the override's origin.
    let disabled: [String: String]

    static func load(kind: CouncilKind, unitPath: String, defaults: CompositionDefaults, tx: PostgresTransaction) async throws -> EffectiveRules {
        var (rules, origins) = defaults.base(for: kind)
        var disabled: [String: String] = [:]
        let rows = try await tx.query(
            """
            SELECT unit_id, rule_id, rule::text AS rule, disabled FROM membership.rule_overrides
             WHERE kind = $1 AND unit_path @> $2::ltree
             ORDER BY nlevel(unit_path), rule_id
            """,
            [.int(Int64(kind.sqlValue)), .text(unitPath)])
        for row in rows {
            let unit = try row["unit_id"].decode(UUID.self)
            let id = try row["rule_id"].decode(String.self)
            if try row["disabled"].decode(Bool.self) {
                rules = rules.merging(CompositionRuleOverride(removing: [id]))
                disabled[id] = "unit:\(unit.lowercased)"
                origins[id] = nil
            } else if let json = try row["rule"].decode(String?.self) {
                let rule = try JSONDecoder().decode(CompositionRule.self, from: Data(json.utf8))
                rules = rules.merging(CompositionRuleOverride(rules: [rule]))
                origins[id] = "unit:\(unit.lowercased)"
                disabled[id] = nil
            }
        }
        return EffectiveRules(rules: rules, origins: origins, disabled: disabled)
    }

    var wire: [MembershipV1.CompositionRule] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var out = rules.rules.map { rule in
            MembershipV1.CompositionRule(
                id: rule.id, kind: rule.kind.rawValue, summary: nil, source: rule.source,
                origin: origins[rule.id] ?? "default", disabled: false,
                definitionJson: (try? encoder.encode(rule)).map { String(decoding: $0, as: UTF8.self) } ?? "")
        }
        for (id, origin) in disabled.sorted(by: { $0.key < $1.key }) {
            out.append(MembershipV1.CompositionRule(id: id, origin: origin, disabled: true))
        }
        return out
    }
}
