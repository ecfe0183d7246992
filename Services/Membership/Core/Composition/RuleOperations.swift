import TongxinService
import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// 规则配置 — read the rules that bind a unit's councils of a kind, and override or reset
/// one rule for a unit's subtree (issue 3 §4: "configurable per deployment and
/// overridable per unit").
struct RuleOperations {
    let scope: CallScope
    let defaults: CompositionDefaults

    func get(_ request: MembershipV1.GetCompositionRulesRequest) async throws -> MembershipV1.GetCompositionRulesResponse {
        let kind = try CouncilKind(wire: request.kind)
        let unit = try await UnitStore(tx: scope.tx).find(request.unit)
        let effective = try await EffectiveRules.load(kind: kind, unitPath: unit.path, defaults: defaults, tx: scope.tx)
        return MembershipV1.GetCompositionRulesResponse(rules: effective.wire)
    }

    func set(_ request: MembershipV1.SetCompositionRuleRequest) async throws -> MembershipV1.CompositionRule {
        let kind = try CouncilKind(wire: request.kind)
        guard request.ruleId.range(of: "^[a-z0-9_.:-]{1,100}$", options: .regularExpression) != nil else {
            throw MembershipError.invalidArgument(field: "rule_id", zh: "规则编号格式错误", en: "rule ids are 1–100 of a-z 0-9 _ . : -")
        }
        var json: String?
        if !request.disabled {
            let rule: CompositionRule
            do {
                rule = try JSONDecoder().decode(CompositionRule.self, from: Data(request.definitionJson.utf8))
            } catch {
                throw MembershipError.invalidArgument(
                    field: "definition_json", zh: "规则定义无法解析", en: "not a valid rule definition: \(error)")
            }
            guard rule.id == request.ruleId else {
                throw MembershipError.invalidArgument(field: "definition_json", zh: "规则编号与 rule_id 不一致", en: "the definition's id differs from rule_id")
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            json = String(decoding: try encoder.encode(rule), as: UTF8.self)
        }
        let unit = try await UnitStore(tx: scope.tx).find(request.unit)
        try await scope.tx.execute(
            """
            INSERT INTO membership.rule_overrides (unit_id, unit_path, kind, rule_id, rule, disabled, updated_at, updated_by,
                                                   county_code)
            VALUES ($1, $2::ltree, $3, $4, $5::jsonb, $6, $7, $8, $9)
            ON CONFLICT (county_code, unit_id, kind, rule_id) DO UPDATE
               SET rule = EXCLUDED.rule, disabled = EXCLUDED.disabled, updated_at = EXCLUDED.updated_at,
                   updated_by = EXCLUDED.updated_by
            """,
            [.uuid(unit.id), .text(unit.path), kind.postgresValue, .text(request.ruleId), PostgresValue(json),
             .bool(request.disabled), .timestamp(scope.now), .text(scope.caller.principal), .text(unit.countyCode)])
        try await scope.audit("SetCompositionRule", target: "unit/\(unit.id.lowercased)", unitPath: unit.path,
                              ["kind": kind.rawValue, "rule": request.ruleId, "definition": json ?? "disabled"])
        let effective = try await EffectiveRules.load(kind: kind, unitPath: unit.path, defaults: defaults, tx: scope.tx)
        return effective.wire.first { $0.id == request.ruleId } ?? MembershipV1.CompositionRule(id: request.ruleId)
    }

    func reset(_ request: MembershipV1.ResetCompositionRuleRequest) async throws -> MembershipV1.GetCompositionRulesResponse {
        let kind = try CouncilKind(wire: request.kind)
        let unit = try await UnitStore(tx: scope.tx).find(request.unit)
        let removed = try await scope.tx.execute(
            "DELETE FROM membership.rule_overrides WHERE county_code = $4 AND unit_id = $1 AND kind = $2 AND rule_id = $3",
            [.uuid(unit.id), kind.postgresValue, .text(request.ruleId), .text(unit.countyCode)])
        if removed > 0 {
            try await scope.audit("ResetCompositionRule", target: "unit/\(unit.id.lowercased)", unitPath: unit.path,
                                  ["kind": kind.rawValue, "rule": request.ruleId])
        }
        let effective = try await EffectiveRules.load(kind: kind, unitPath: unit.path, defaults: defaults, tx: scope.tx)
        return MembershipV1.GetCompositionRulesResponse(rules: effective.wire)
    }
}
