import TongxinService
import Foundation
import MembershipRules
import TongxinPostgres
import TongxinRPC
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
        if request.locked && request.disabled {
            throw MembershipError.invalidArgument(
                field: "locked", zh: "不能锁定一条被停用的规则", en: "a rule cannot be locked and disabled at once")
        }
        var json: String?
        if !request.disabled && !(request.locked && request.definitionJson.isEmpty) {
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
        try await refuseIfLocked(kind: kind, ruleID: request.ruleId, at: unit)
        try await scope.tx.execute(
            """
            INSERT INTO membership.rule_overrides (unit_id, unit_path, kind, rule_id, rule, disabled, updated_at, updated_by,
                                                   county_code, locked)
            VALUES ($1, $2::ltree, $3, $4, $5::jsonb, $6, $7, $8, $9, $10)
            ON CONFLICT (county_code, unit_id, kind, rule_id) DO UPDATE
               SET rule = EXCLUDED.rule, disabled = EXCLUDED.disabled, updated_at = EXCLUDED.updated_at,
                   updated_by = EXCLUDED.updated_by, locked = EXCLUDED.locked
            """,
            [.uuid(unit.id), .text(unit.path), kind.postgresValue, .text(request.ruleId), PostgresValue(json),
             .bool(request.disabled), .timestamp(scope.now), .text(scope.caller.principal), .text(unit.countyCode),
             .bool(request.locked)])
        try await scope.audit("SetCompositionRule", target: "unit/\(unit.id.lowercased)", unitPath: unit.path,
                              ["kind": kind.rawValue, "rule": request.ruleId,
                               "definition": json ?? (request.disabled ? "disabled" : "unchanged"),
                               "locked": String(request.locked)])
        let effective = try await EffectiveRules.load(kind: kind, unitPath: unit.path, defaults: defaults, tx: scope.tx)
        return effective.wire.first { $0.id == request.ruleId } ?? MembershipV1.CompositionRule(id: request.ruleId)
    }

    /// 锁定检查 — refuses an override at `unit` of a rule that statute locks everywhere
    /// (Organic Law arts. 25, 32) or that an ancestor of `unit` locked: FAILED_PRECONDITION
    /// `rules.locked`, naming the locking unit by its division code. Resetting an override
    /// stays possible (it only returns the unit to the locked value).
    func refuseIfLocked(kind: CouncilKind, ruleID: String, at unit: UnitRecord) async throws {
        if CompositionRuleSet.statutoryRuleIDs(for: kind).contains(ruleID) {
            throw MembershipError.failedPrecondition(
                rule: "rules.locked",
                zh: "规则 \(ruleID) 由《村民委员会组织法》规定（第二十五条、第三十二条），任何单元不得停用或更改",
                en: "rule \(ruleID) is set by the Organic Law of Villagers' Committees (arts. 25, 32); no unit may disable or change it",
                figures: [ErrorDetail.Figure("rules.locked.by", "statute")])
        }
        let rows = try await scope.tx.query(
            """
            SELECT unit_id, unit_path::text AS unit_path FROM membership.rule_overrides
             WHERE kind = $1 AND rule_id = $2 AND locked AND unit_path @> $3::ltree AND unit_path <> $3::ltree
             ORDER BY nlevel(unit_path) LIMIT 1
            """,
            [kind.postgresValue, .text(ruleID), .text(unit.path)])
        guard let lock = rows.first else { return }
        let path = try lock["unit_path"].decode(String.self)
        // The locking unit may lie above the caller's scope (not readable): name it by the
        // division code its path carries.
        let code = String(path.split(separator: ".").last?.dropFirst() ?? "")
        throw MembershipError.failedPrecondition(
            rule: "rules.locked",
            zh: "规则 \(ruleID) 已由上级单元 \(code) 锁定，下级单元不得停用或更改",
            en: "rule \(ruleID) is locked by the unit \(code) above; units below it may not disable or change it",
            figures: [ErrorDetail.Figure("rules.locked.by", code)])
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
