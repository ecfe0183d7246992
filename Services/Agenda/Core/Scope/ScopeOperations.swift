import AgendaRules
import Foundation
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 协商清单 and 表决门槛 — per unit, inherited down the tree (issue 9 §2, §4). The entries
/// of the units above the caller's scope are readable (policy `inherited_from_above`), so a
/// village clerk's topic is checked against its town's lists.
struct ScopeOperations {
    let scope: CallScope
    var units = UnitCheck(directory: nil)
    private var tx: PostgresTransaction { scope.tx }

    /// The entries of `unit` and of every unit above it.
    func entries(at unit: UnitPath) async throws -> [ScopeListEntry] {
        try await tx.query(
            ScopeEntryRecord.self,
            "SELECT \(ScopeEntryRecord.columns) FROM agenda.scope_entries WHERE county_code = $1 AND unit_path @> $2::ltree",
            [.text(unit.countyCode), .text(unit.description)]
        ).compactMap(\.rule)
    }

    func set(_ request: AgendaV1.SetScopeEntryRequest) async throws -> AgendaV1.ScopeEntry {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let list: ScopeListKind = try Validate.code(request.list, field: "list")
        let category: AgendaRules.Category = try Validate.code(request.category, field: "category")
        let text = try Validate.text(request.text, field: "text", limit: 1000, required: true)
        try await units.require(unit, scope.caller)
        let entry = try await tx.queryOne(
            ScopeEntryRecord.self,
            """
            INSERT INTO agenda.scope_entries (county_code, id, unit_path, list, category, text, created_at, updated_at)
            VALUES ($1, $2, $3::ltree, $4, $5, $6, $7, $7)
            ON CONFLICT (county_code, unit_path, category) DO UPDATE SET list = excluded.list, text = excluded.text, updated_at = excluded.updated_at
            RETURNING \(ScopeEntryRecord.columns)
            """,
            [.text(unit.countyCode), .uuid(UUID()), .text(unit.description), list.postgresValue, category.postgresValue,
             .text(text), .timestamp(scope.now)])
        guard let entry else { throw AgendaError.notFound(what: "unit") }
        try await scope.audit("SetScopeEntry", target: "scope/\(unit)/\(category.rawValue)", unitPath: unit.description,
                              ["list": String(list.rawValue), "category": String(category.rawValue)])
        return entry.wire
    }

    func remove(_ request: AgendaV1.RemoveScopeEntryRequest) async throws -> AgendaV1.RemoveScopeEntryResponse {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let category: AgendaRules.Category = try Validate.code(request.category, field: "category")
        let removed = try await tx.execute(
            "DELETE FROM agenda.scope_entries WHERE county_code = $1 AND unit_path = $2::ltree AND category = $3",
            [.text(unit.countyCode), .text(unit.description), category.postgresValue])
        if removed > 0 {
            try await scope.audit("RemoveScopeEntry", target: "scope/\(unit)/\(category.rawValue)", unitPath: unit.description)
        }
        return AgendaV1.RemoveScopeEntryResponse(removed: removed > 0)
    }

    func lists(_ request: AgendaV1.GetScopeListsRequest) async throws -> AgendaV1.GetScopeListsResponse {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let rows = try await tx.query(
            ScopeEntryRecord.self,
            "SELECT \(ScopeEntryRecord.columns) FROM agenda.scope_entries WHERE county_code = $1 AND unit_path @> $2::ltree",
            [.text(unit.countyCode), .text(unit.description)])
        let inForce = Set(ScopeLists.effective(rows.compactMap(\.rule), at: unit).values.map(\.id))
        let shown = rows.filter { inForce.contains($0.id.canonicalText) }.sorted { $0.category.rawValue < $1.category.rawValue }
        return AgendaV1.GetScopeListsResponse(
            positive: shown.filter { $0.list == .positive }.map(\.wire),
            negative: shown.filter { $0.list == .negative }.map(\.wire))
    }

    // MARK: Approval thresholds

    func approvalRule(at unit: UnitPath) async throws -> ApprovalThreshold {
        let rows = try await tx.query(
            ApprovalRuleRecord.self,
            "SELECT \(ApprovalRuleRecord.columns) FROM agenda.approval_rules WHERE county_code = $1 AND unit_path @> $2::ltree",
            [.text(unit.countyCode), .text(unit.description)])
        return ApprovalThreshold.effective(rows.compactMap(\.rule), at: unit)
    }

    func getApprovalRule(_ request: AgendaV1.GetApprovalRuleRequest) async throws -> AgendaV1.ApprovalRule {
        try await approvalRule(at: try Validate.unit(request.unitPath, caller: scope.caller)).wire
    }

    func setApprovalRule(_ request: AgendaV1.SetApprovalRuleRequest) async throws -> AgendaV1.ApprovalRule {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        guard let fraction = request.threshold else { throw AgendaError.missing("threshold") }
        try await units.require(unit, scope.caller)
        guard let numerator = Int(exactly: fraction.numerator), let denominator = Int(exactly: fraction.denominator) else {
            throw AgendaError.invalidArgument(field: "threshold", zh: "门槛无效", en: "invalid threshold")
        }
        // UNSPECIFIED is the seed's base, those present.
        let base: ApprovalBase = try request.countedAgainst.rawValue == 0
            ? ApprovalThreshold.seedBase : Validate.code(request.countedAgainst, field: "counted_against")
        let threshold: Threshold
        do {
            threshold = try ApprovalThreshold.validated(numerator: numerator, denominator: denominator, inclusive: request.inclusive)
        } catch {
            throw AgendaError.invalid(error)
        }
        _ = try await tx.execute(
            """
            INSERT INTO agenda.approval_rules (county_code, unit_path, numerator, denominator, inclusive, base, updated_at)
            VALUES ($1, $2::ltree, $3, $4, $5, $6, $7)
            ON CONFLICT (county_code, unit_path) DO UPDATE
               SET numerator = excluded.numerator, denominator = excluded.denominator, inclusive = excluded.inclusive,
                   base = excluded.base, updated_at = excluded.updated_at
            """,
            [.text(unit.countyCode), .text(unit.description), .int(Int64(numerator)), .int(Int64(denominator)),
             .bool(request.inclusive), .int(Int64(base.rawValue)), .timestamp(scope.now)])
        try await scope.audit("SetApprovalRule", target: "approval-rule/\(unit)", unitPath: unit.description,
                              ["threshold": threshold.descriptionEN, "base": base.nameEN])
        return ApprovalThreshold(unitPath: unit, threshold: threshold, base: base).wire
    }
}
