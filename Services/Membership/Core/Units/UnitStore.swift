import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// SQL over `membership.units`. Every statement runs in the caller's transaction, so
/// row-level security has already cut the table down to the caller's subtree: a unit
/// that is not returned here does not exist for the caller.
struct UnitStore {
    let tx: PostgresTransaction

    /// The unit a reference names (by id or division code), or NOT_FOUND naming `what`.
    func find(_ ref: CommonV1.UnitRef?, what: String = "unit", forUpdate: Bool = false) async throws -> UnitRecord {
        guard let ref, !(ref.id.isEmpty && ref.divisionCode.isEmpty) else {
            throw MembershipError.missing(what == "unit" ? "unit" : what.replacingOccurrences(of: " ", with: "_"))
        }
        let lock = forUpdate ? " FOR UPDATE" : ""
        let unit: UnitRecord?
        if !ref.id.isEmpty {
            guard let id = UUID(canonicalText: ref.id) else { throw MembershipError.notFound(what: what) }
            unit = try await tx.queryOne(UnitRecord.self, "SELECT \(UnitRecord.columns) FROM membership.units WHERE id = $1\(lock)", [.uuid(id)])
        } else {
            unit = try await tx.queryOne(
                UnitRecord.self,
                "SELECT \(UnitRecord.columns) FROM membership.units WHERE division_code = $1\(lock)", [.text(ref.divisionCode)])
        }
        guard let unit else { throw MembershipError.notFound(what: what) }
        return unit
    }

    func find(id: UUID) async throws -> UnitRecord {
        let unit = try await tx.queryOne(UnitRecord.self, "SELECT \(UnitRecord.columns) FROM membership.units WHERE id = $1", [.uuid(id)])
        guard let unit else { throw MembershipError.notFound(what: "unit") }
        return unit
    }

    /// Units visible to the caller whose codes are in `codes`.
    func find(codes: [String]) async throws -> [String: UnitRecord] {
        guard !codes.isEmpty else { return [:] }
        let units = try await tx.query(
            UnitRecord.self, "SELECT \(UnitRecord.columns) FROM membership.units WHERE division_code = ANY($1)", [.textArray(codes)])
        return Dictionary(units.map { ($0.code, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Inserts a unit; `nil` when the code is already registered (anywhere: the code is
    /// unique across the deployment, see 0001_units.sql).
    func insert(
        id: UUID, code: String, name: String, level: AdministrativeLevel, parent: UnitRecord?,
        households: Int, now: Date
    ) async throws -> UnitRecord? {
        let label = UnitRecord.label(code: code)
        let path = parent.map { "\($0.path).\(label)" } ?? label
        let tenant = UnitRecord.tenantPath(level: level, path: path, parent: parent)
        // A root starts its own county; every other unit lies in its parent's.
        let county = parent?.countyCode ?? code
        return try await tx.queryOne(
            UnitRecord.self,
            """
            INSERT INTO membership.units (id, division_code, name, level, parent_id, unit_path, tenant_path,
                                          household_count, created_at, updated_at, county_code)
            VALUES ($1, $2, $3, $4, $5, $6::ltree, $7::ltree, $8, $9, $9, $10)
            ON CONFLICT DO NOTHING
            RETURNING \(UnitRecord.columns)
            """,
            [.uuid(id), .text(code), .text(name), level.postgresValue, PostgresValue(parent?.id),
             .text(path), .text(tenant), .int(Int64(households)), .timestamp(now), .text(county)]
        )
    }

    func update(_ id: UUID, name: String?, households: Int?, now: Date) async throws -> UnitRecord {
        let unit = try await tx.queryOne(
            UnitRecord.self,
            """
            UPDATE membership.units
               SET name = COALESCE($2, name), household_count = COALESCE($3, household_count), updated_at = $4
             WHERE id = $1
            RETURNING \(UnitRecord.columns)
            """,
            [.uuid(id), PostgresValue(name), PostgresValue(households), .timestamp(now)]
        )
        guard let unit else { throw MembershipError.notFound(what: "unit") }
        return unit
    }

    func retire(_ id: UUID, reason: String, now: Date) async throws -> UnitRecord {
        let retired = try await tx.queryOne(
            UnitRecord.self,
            """
            UPDATE membership.units SET retired_at = $2, retire_reason = $3, updated_at = $2
             WHERE id = $1 AND retired_at IS NULL
            RETURNING \(UnitRecord.columns)
            """,
            [.uuid(id), .timestamp(now), .text(reason)]
        )
        guard let retired else { return try await find(id: id) }
        return retired
    }

    func activeChildren(of id: UUID) async throws -> Int {
        try await tx.queryValue(
            Int.self, "SELECT count(*) FROM membership.units WHERE parent_id = $1 AND retired_at IS NULL", [.uuid(id)]) ?? 0
    }

    /// One page of the subtree under `path`, parents before children (ltree order), keyed
    /// by the unit path; the total is counted on the first page only.
    func list(under path: String, includeRetired: Bool, page: KeysetPage) async throws -> KeysetListing<UnitRecord> {
        let retired = includeRetired ? "" : " AND retired_at IS NULL"
        var binds: [PostgresValue] = [.text(path)]
        var after = ""
        if let key = try page.binds([.text]) {
            binds += key
            after = " AND unit_path > $2::ltree"
        }
        return try await tx.listing(UnitRecord.self, page: page, key: { [$0.path] }, { columns in
            """
            SELECT \(columns) FROM membership.units
             WHERE unit_path <@ $1::ltree\(retired)\(after)
             ORDER BY unit_path LIMIT \(page.fetchLimit)
            """
        }, binds)
    }
}
