import TongxinPostgres

/// The tables of a service schema are ready to be distributed by county (Citus
/// `create_distributed_table(…, 'county_code')`, ARCHITECTURE.md "Tenancy and data"):
/// read from the catalog, for every table of `schema` with row-level security (a tenant
/// table):
///
/// - it has a NOT NULL distribution column (`county_code` by default);
/// - every primary key, unique constraint and unique index includes it (Citus can only
///   enforce uniqueness inside one shard);
/// - every foreign key to another tenant table pairs the column with the referenced table's
///   (composite `(county_code, x_id) REFERENCES t (county_code, id)`, so both rows live in
///   one shard);
/// - a reference table (one whose comment starts with `tongxin:reference`, replicated to
///   every node) is exempt from the key rules but must still carry the column, and may not
///   reference a distributed table (Citus forbids that).
///
/// Returns one readable line per problem; empty when the schema is distributable.
public func distributionViolations(
    schema: String, column: String = "county_code", on pool: PostgresPool
) async throws -> [String] {
    let tenantTables = try await pool.query(
        """
        SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relrowsecurity
        """, [.text(schema)])
    guard try tenantTables.first?[0].decode(Int.self) ?? 0 > 0 else {
        return ["schema \(schema) has no table with row-level security"]
    }
    let rows = try await pool.query(
        """
        WITH t AS (
            SELECT c.oid, c.relname,
                   coalesce(obj_description(c.oid, 'pg_class'), '') LIKE 'tongxin:reference%' AS reference,
                   a.attnum AS county, coalesce(a.attnotnull, false) AS not_null
              FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attname = $2 AND NOT a.attisdropped
             WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') AND c.relrowsecurity
        )
        SELECT format('%s: no column %s', relname, $2) AS problem FROM t WHERE county IS NULL
        UNION ALL
        SELECT format('%s: column %s may be NULL', relname, $2) FROM t WHERE county IS NOT NULL AND NOT not_null
        UNION ALL
        SELECT format('%s: %s %s lacks %s', t.relname,
                      CASE k.contype WHEN 'p' THEN 'primary key' ELSE 'unique constraint' END, k.conname, $2)
          FROM t JOIN pg_constraint k ON k.conrelid = t.oid
         WHERE NOT t.reference AND k.contype IN ('p', 'u') AND NOT coalesce(t.county = ANY (k.conkey), false)
        UNION ALL
        SELECT format('%s: unique index %s lacks %s', t.relname, ic.relname, $2)
          FROM t JOIN pg_index i ON i.indrelid = t.oid JOIN pg_class ic ON ic.oid = i.indexrelid
         WHERE NOT t.reference AND i.indisunique AND NOT coalesce(t.county = ANY (i.indkey::int2[]), false)
           AND NOT EXISTS (SELECT 1 FROM pg_constraint k
                            WHERE k.conindid = i.indexrelid AND k.conrelid = t.oid AND k.contype IN ('p', 'u', 'x'))
        UNION ALL
        SELECT format('%s: foreign key %s to %s does not pair %s with %s', s.relname, k.conname, d.relname, $2, $2)
          FROM pg_constraint k JOIN t s ON s.oid = k.conrelid JOIN t d ON d.oid = k.confrelid
         WHERE k.contype = 'f'
           AND NOT coalesce(array_position(k.conkey, s.county) = array_position(k.confkey, d.county), false)
        UNION ALL
        SELECT format('%s: reference table has foreign key %s to distributed table %s', s.relname, k.conname, d.relname)
          FROM pg_constraint k JOIN t s ON s.oid = k.conrelid JOIN t d ON d.oid = k.confrelid
         WHERE k.contype = 'f' AND s.reference AND NOT d.reference
        ORDER BY 1
        """, [.text(schema), .text(column)])
    return try rows.map { try $0[0].decode(String.self) }
}

/// Throws ``DistributionViolations`` listing every problem unless every tenant table of
/// `schema` is ready to be distributed by `column` (see ``distributionViolations(schema:column:on:)``).
/// For any service's schema: `try await assertDistributable(schema: "agenda", on: superuser)`.
public func assertDistributable(schema: String, column: String = "county_code", on pool: PostgresPool) async throws {
    let problems = try await distributionViolations(schema: schema, column: column, on: pool)
    guard problems.isEmpty else { throw DistributionViolations(schema: schema, problems: problems) }
}

/// What keeps a schema from being distributed by county, one line per problem.
public struct DistributionViolations: Error, CustomStringConvertible {
    public let schema: String
    public let problems: [String]
    public var description: String {
        "schema \(schema) is not distributable by county:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
    }
}
