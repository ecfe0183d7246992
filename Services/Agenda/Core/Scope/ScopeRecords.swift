import AgendaRules
import Foundation
import TongxinPostgres
import TongxinSchemas

/// One row of `agenda.scope_entries`: a unit's positive or negative entry for a category.
struct ScopeEntryRecord: PostgresRecord {
    var id: UUID
    var unitPath: String
    var list: ScopeListKind
    var category: AgendaRules.Category
    var text: String
    var createdAt: Date

    static let columns = "id, unit_path::text AS unit_path, list, category, text, created_at"

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        list = try row["list"].decode(ScopeListKind.self)
        category = try row["category"].decode(AgendaRules.Category.self)
        text = try row["text"].decode(String.self)
        createdAt = try row["created_at"].decode(Date.self)
    }

    var rule: ScopeListEntry? {
        guard let path = try? UnitPath(unitPath) else { return nil }
        return ScopeListEntry(id: id.canonicalText, unitPath: path, list: list, category: category, text: text)
    }

    var wire: AgendaV1.ScopeEntry {
        AgendaV1.ScopeEntry(
            id: id.canonicalText, unitPath: unitPath, list: AgendaCore.wire(list), category: AgendaCore.wire(category),
            text: text, createdAt: CommonV1.Timestamp(createdAt))
    }
}

/// One row of `agenda.approval_rules`.
struct ApprovalRuleRecord: PostgresRecord {
    var unitPath: String
    var numerator: Int
    var denominator: Int
    var inclusive: Bool
    var base: ApprovalBase?

    static let columns = "unit_path::text AS unit_path, numerator, denominator, inclusive, base"

    init(row: PostgresRow) throws {
        unitPath = try row["unit_path"].decode(String.self)
        numerator = try row["numerator"].decode(Int.self)
        denominator = try row["denominator"].decode(Int.self)
        inclusive = try row["inclusive"].decode(Bool.self)
        base = ApprovalBase(rawValue: try row["base"].decode(Int.self))
    }

    var rule: ApprovalThreshold? {
        guard let path = try? UnitPath(unitPath), let base,
              let threshold = try? ApprovalThreshold.validated(numerator: numerator, denominator: denominator, inclusive: inclusive)
        else { return nil }
        return ApprovalThreshold(unitPath: path, threshold: threshold, base: base)
    }
}

extension ApprovalThreshold {
    var wire: AgendaV1.ApprovalRule {
        AgendaV1.ApprovalRule(
            unitPath: unitPath?.description ?? "",
            threshold: CommonV1.Fraction(numerator: Int64(threshold.numerator), denominator: Int64(threshold.denominator)),
            inclusive: threshold.comparison == .atLeast, setAt: unitPath?.description ?? "default", countedAgainst: AgendaV1.ApprovalBase(rawValue: Int32(base.rawValue)))
    }
}
