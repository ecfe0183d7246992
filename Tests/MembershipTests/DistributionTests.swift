import Foundation
import MembershipCore
import Testing
import TongxinPostgres
import TongxinService
import TongxinTesting

/// 按县分布 — the membership schema is ready for Citus by county (0006_county_distribution.sql,
/// README "Scaling out: Citus by county"): the catalog says every tenant table carries
/// `county_code` in every key, the service writes it from the row's unit, and an existing
/// database upgrades with its rows backfilled.
@Suite("Distribution: every membership table is keyed by county", .membershipService("distribution"))
struct DistributionTests {
    @Test("every tenant table of schema membership carries county_code in every primary, unique and foreign key")
    func membershipIsDistributable() async throws {
        try await assertDistributable(schema: "membership", on: MembershipHarness.current.superuser)
    }

    @Test("the catalog check names each table, key and foreign key that would not distribute")
    func checkerFindsViolations() async throws {
        let superuser = try MembershipHarness.current.superuser
        for statement in [
            "CREATE SCHEMA distcheck",
            "CREATE TABLE distcheck.parents (id uuid PRIMARY KEY, county_code text NOT NULL, UNIQUE (county_code, id))",
            """
            CREATE TABLE distcheck.children (id uuid, county_code text NOT NULL, parent_id uuid, code text,
                PRIMARY KEY (county_code, id), CONSTRAINT children_code_key UNIQUE (code),
                CONSTRAINT children_parent_fk FOREIGN KEY (parent_id) REFERENCES distcheck.parents (id))
            """,
            "CREATE UNIQUE INDEX children_code_idx ON distcheck.children (code) WHERE code <> ''",
            "CREATE TABLE distcheck.loose (id uuid PRIMARY KEY, county_code text)",
            "CREATE TABLE distcheck.nocounty (id uuid PRIMARY KEY)",
            "CREATE TABLE distcheck.untenanted (id uuid PRIMARY KEY)",
        ] {
            _ = try await superuser.query(statement)
        }
        for table in ["parents", "children", "loose", "nocounty"] {
            _ = try await superuser.query("ALTER TABLE distcheck.\(table) ENABLE ROW LEVEL SECURITY")
        }
        let problems = try await distributionViolations(schema: "distcheck", on: superuser)
        #expect(problems == [
            "children: foreign key children_parent_fk to parents does not pair county_code with county_code",
            "children: unique constraint children_code_key lacks county_code",
            "children: unique index children_code_idx lacks county_code",
            "loose: column county_code may be NULL",
            "loose: primary key loose_pkey lacks county_code",
            "nocounty: no column county_code",
            "nocounty: primary key nocounty_pkey lacks county_code",
            "parents: primary key parents_pkey lacks county_code",
        ])
        // A reference table is exempt from the key rules, but may not point at a distributed one.
        _ = try await superuser.query("COMMENT ON TABLE distcheck.parents IS 'tongxin:reference test'")
        _ = try await superuser.query(
            "ALTER TABLE distcheck.parents ADD COLUMN child_id uuid, ADD CONSTRAINT parents_child_fk FOREIGN KEY (county_code, child_id) REFERENCES distcheck.children (county_code, id)")
        let withReference = try await distributionViolations(schema: "distcheck", on: superuser)
        #expect(withReference.contains("parents: reference table has foreign key parents_child_fk to distributed table children"))
        #expect(!withReference.contains("parents: primary key parents_pkey lacks county_code"))
        await #expect(throws: DistributionViolations.self) { try await assertDistributable(schema: "distcheck", on: superuser) }
        #expect(try await distributionViolations(schema: "no_such_schema", on: superuser) == ["schema no_such_schema has no table with row-level security"])
    }

    @Test("rows written through RPC carry their unit's county; a row naming another county than its unit's is refused")
    func rowsCarryTheirUnitsCounty() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let (council, members) = try await county.villageCouncil(village: 1, party: 1, nonParty: 1)
        _ = try await county.publish(council)
        for table in ["units", "people", "councils", "terms", "seats", "notices"] {
            let wrong = try await harness.superuser.count(
                "SELECT count(*) FROM membership.\(table) WHERE unit_path <@ $1::ltree AND county_code <> $2",
                [.text(county.path), .text(county.code)])
            let right = try await harness.superuser.count(
                "SELECT count(*) FROM membership.\(table) WHERE county_code = $1", [.text(county.code)])
            #expect(wrong == 0 && right > 0, "\(table): \(right) rows in the county, \(wrong) with another county")
        }
        // The composite foreign key ties a row to its unit's county, even for the superuser
        // (who bypasses row-level security): a person of this county's village filed under
        // another county is refused.
        let other = try await harness.county()
        let village = try #require(UUID(uuidString: members[0].unitId))
        do {
            _ = try await harness.superuser.query(
                """
                INSERT INTO membership.people (id, unit_id, unit_path, tenant_path, name, created_at, updated_at, county_code)
                VALUES (gen_random_uuid(), $1, $2::ltree, $2::ltree, '错县', now(), now(), $3)
                """, [.uuid(village), .text(other.path), .text(other.code)])
            Issue.record("a person was filed under another county than its unit's")
        } catch let error as PostgresError {
            #expect(error.kind == .foreignKeyViolation, "\(error)")
        }
    }

    @Test("a database migrated before 0006 upgrades: every row gets the county of its path, keys are rebuilt")
    func upgradeBackfills() async throws {
        let database = try await TestDatabase.create(prefix: "county_upgrade")
        let owner = database.url(role: "membership_owner")
        let all = try MembershipMigrations.all()
        try await SharedMigrations.apply(all.filter { $0.version < 6 }, schema: "membership", ownerURL: owner, logger: TestDatabase.logger)
        let superuser = try database.superuserPool()
        let (county, town, person, council, notice, seat) = (UUID(), UUID(), UUID(), UUID(), UUID(), UUID())
        let relative = UUID()
        let statements: [(String, [PostgresValue])] = [
            ("""
             INSERT INTO membership.units (id, division_code, name, level, parent_id, unit_path, tenant_path, created_at, updated_at)
             VALUES ($1, '331099000000', '旧县', 1, NULL, 'u331099000000', 'u331099000000', now(), now()),
                    ($2, '331099001000', '旧镇', 2, $1, 'u331099000000.u331099001000', 'u331099000000.u331099001000', now(), now())
             """, [.uuid(county), .uuid(town)]),
            ("""
             INSERT INTO membership.people (id, unit_id, unit_path, tenant_path, name, created_at, updated_at)
             VALUES ($1, $3, 'u331099000000.u331099001000', 'u331099000000.u331099001000', '甲', now(), now()),
                    ($2, $3, 'u331099000000.u331099001000', 'u331099000000.u331099001000', '乙', now(), now())
             """, [.uuid(person), .uuid(relative), .uuid(town)]),
            ("""
             INSERT INTO membership.kinships (person_id, relative_id, relation, unit_path, created_at)
             VALUES ($1, $2, 'spouse', 'u331099000000.u331099001000', now())
             """, [.uuid(person), .uuid(relative)]),
            ("""
             INSERT INTO membership.councils (id, unit_id, unit_path, kind, name, status, created_at, updated_at)
             VALUES ($1, $2, 'u331099000000.u331099001000', 2, '镇议事会', 1, now(), now())
             """, [.uuid(council), .uuid(town)]),
            ("INSERT INTO membership.terms (council_id, number, unit_path) VALUES ($1, 1, 'u331099000000.u331099001000')", [.uuid(council)]),
            ("""
             INSERT INTO membership.notices (id, council_id, unit_path, status, published_at, first_day, last_day, closes_at)
             VALUES ($1, $2, 'u331099000000.u331099001000', 1, now(), current_date, current_date + 5, now() + interval '6 days')
             """, [.uuid(notice), .uuid(council)]),
            ("""
             INSERT INTO membership.seats (id, council_id, person_id, unit_path, role, status, term_number, notice_id, nominated_at)
             VALUES ($1, $2, $3, 'u331099000000.u331099001000', 2, 2, 1, $4, now())
             """, [.uuid(seat), .uuid(council), .uuid(person), .uuid(notice)]),
            ("""
             INSERT INTO membership.objections (id, notice_id, unit_path, seat_id, objector_name, reason, filed_at)
             VALUES (gen_random_uuid(), $1, 'u331099000000.u331099001000', $2, '丙', '理由', now())
             """, [.uuid(notice), .uuid(seat)]),
            ("""
             INSERT INTO membership.rule_overrides (unit_id, unit_path, kind, rule_id, disabled, updated_at, updated_by)
             VALUES ($1, 'u331099000000', 2, 'party.share', true, now(), 'test')
             """, [.uuid(county)]),
        ]
        do {
            for (sql, binds) in statements { _ = try await superuser.query(sql, binds) }
            try await SharedMigrations.apply(all, schema: "membership", ownerURL: owner, logger: TestDatabase.logger)
            for table in ["units", "people", "kinships", "councils", "terms", "seats", "notices", "objections", "rule_overrides"] {
                let rows = try await superuser.count("SELECT count(*) FROM membership.\(table)")
                let backfilled = try await superuser.count(
                    "SELECT count(*) FROM membership.\(table) WHERE county_code = '331099000000'")
                #expect(rows > 0 && backfilled == rows, "\(table): \(backfilled) of \(rows) rows backfilled")
            }
            try await assertDistributable(schema: "membership", on: superuser)
        } catch {
            await superuser.close()
            throw error
        }
        await superuser.close()
    }
}
