import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// 适用规则 — the composition rules that bind a council of `kind` at the unit `path`:
/// defaults, then the deployment's, then each ancestor's override down to the unit's own
/// (the deepest wins, issue 3 §4). Ancestors' overrides are readable to a subtree caller
/// by the read policy of `membership.rule_overrides`.
///
/// 锁定 (0007): a rule locked by an ancestor (`locked`) or by statute
/// (``CompositionRuleSet/statutoryRuleIDs(for:)``) keeps the value in force where it was
/// locked; overrides of it further down are ignored (``RuleOperations`` refuses new ones).
struct EffectiveRules {
    let rules: CompositionRuleSet
    /// Rule id → "default", "deployment" or "unit:<id>".
    let origins: [String: String]
    /// Ids switched off by an override, with the override's origin.
    let disabled: [String: String]
    /// Rule id → who locked it: "statute" or "unit:<id>".
    let lockedBy: [String: String]

    static func load(kind: CouncilKind, unitPath: String, defaults: CompositionDefaults, tx: PostgresTransaction) async throws -> EffectiveRules {
        var (rules, origins) = defaults.base(for: kind)
        var disabled: [String: String] = [:]
        var lockedBy = Dictionary(uniqueKeysWithValues: CompositionRuleSet.statutoryRuleIDs(for: kind).map { ($0, "statute") })
        let overrides = try await tx.query(
            OverrideRow.self,
            """
            SELECT \(OverrideRow.columns) FROM membership.rule_overrides
             WHERE kind = $1 AND unit_path @> $2::ltree
             ORDER BY nlevel(unit_path), rule_id
            """,
            [kind.postgresValue, .text(unitPath)])
        for row in overrides {
            let unit = row.unitID
            let id = row.ruleID
            // Rows come shallowest first: a lock seen so far is an ancestor's (or statute's).
            if let lock = lockedBy[id], lock != "unit:\(unit.lowercased)" { continue }
            if row.locked { lockedBy[id] = "unit:\(unit.lowercased)" }
            if row.disabled {
                rules = rules.merging(CompositionRuleOverride(removing: [id]))
                disabled[id] = "unit:\(unit.lowercased)"
                origins[id] = nil
            } else if let json = row.json {
                let rule = try JSONDecoder().decode(CompositionRule.self, from: Data(json.utf8))
                rules = rules.merging(CompositionRuleOverride(rules: [rule]))
                origins[id] = "unit:\(unit.lowercased)"
                disabled[id] = nil
            }
        }
        return EffectiveRules(rules: rules, origins: origins, disabled: disabled, lockedBy: lockedBy)
    }

    /// One row of `membership.rule_overrides`.
    struct OverrideRow: PostgresRecord {
        var unitID: UUID
        var ruleID: String
        var json: String?
        var disabled: Bool
        var locked: Bool

        static let columns = "unit_id, rule_id, rule::text AS rule, disabled, locked"

        init(row: PostgresRow) throws {
            unitID = try row["unit_id"].decode(UUID.self)
            ruleID = try row["rule_id"].decode(String.self)
            json = try row["rule"].decode(String?.self)
            disabled = try row["disabled"].decode(Bool.self)
            locked = try row["locked"].decode(Bool.self)
        }
    }

    var wire: [MembershipV1.CompositionRule] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        var out = rules.rules.map { rule in
            MembershipV1.CompositionRule(
                id: rule.id, kind: rule.kind.rawValue,
                summary: CommonV1.LocalizedText(zh: rule.summaryZH, en: rule.summaryEN), source: rule.source,
                origin: origins[rule.id] ?? "default", disabled: false,
                definitionJson: (try? encoder.encode(rule)).map { String(decoding: $0, as: UTF8.self) } ?? "",
                lockedBy: lockedBy[rule.id] ?? "", severity: rule.severity.wire)
        }
        for (id, origin) in disabled.sorted(by: { $0.key < $1.key }) {
            out.append(MembershipV1.CompositionRule(id: id, origin: origin, disabled: true, lockedBy: lockedBy[id] ?? ""))
        }
        return out
    }
}
