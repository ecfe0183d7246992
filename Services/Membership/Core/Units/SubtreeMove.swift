import Foundation
import TongxinPostgres

/// 迁移 — moving a unit rewrites the path of its whole subtree, and the `unit_path` of
/// every row of every table in it, in the caller's one transaction (so a move is atomic
/// and row-level security keeps seeing each row under its new ancestors).
struct SubtreeMove {
    let tx: PostgresTransaction

    /// Every tenant table of the membership schema, by the column holding its path.
    static let tables = [
        "units", "people", "kinships", "councils", "terms", "seats", "notices", "objections", "rule_overrides",
    ]

    /// `$1` old path, `$2` new path: the new path of a row at `column`.
    private static func rewritten(_ column: String) -> String {
        "CASE WHEN \(column) = $1::ltree THEN $2::ltree ELSE $2::ltree || subpath(\(column), nlevel($1::ltree)) END"
    }

    /// Rewrites `oldPath` to `newPath` everywhere. Person uniqueness follows the town:
    /// a tenant path inside the moved subtree moves with it; one outside it (the subtree was
    /// below town level) becomes the new parent's tenant (`newTenant`).
    func move(from oldPath: String, to newPath: String, newTenant: String, now: Date) async throws {
        let binds: [PostgresValue] = [.text(oldPath), .text(newPath), .text(newTenant)]
        let tenant = "CASE WHEN tenant_path <@ $1::ltree THEN \(Self.rewritten("tenant_path")) ELSE $3::ltree END"
        try await tx.execute(
            """
            UPDATE membership.units SET unit_path = \(Self.rewritten("unit_path")), tenant_path = \(tenant)
             WHERE unit_path <@ $1::ltree
            """, binds)
        try await tx.execute(
            """
            UPDATE membership.people SET unit_path = \(Self.rewritten("unit_path")), tenant_path = \(tenant)
             WHERE unit_path <@ $1::ltree
            """, binds)
        for table in Self.tables.dropFirst(2) {
            try await tx.execute(
                "UPDATE membership.\(table) SET unit_path = \(Self.rewritten("unit_path")) WHERE unit_path <@ $1::ltree",
                Array(binds.prefix(2)))
        }
    }
}
