import Foundation
import Testing
import HealthAPI
import MembershipAPI
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// 租户 (issue 3 §8): row-level security limits every query to the caller's subtree — a
/// town sees only its villages, the county sees all — and what lies outside does not
/// exist (NOT_FOUND, never PERMISSION_DENIED).
@Suite("Tenancy: each caller sees only its own subtree", .membershipService("tenancy"))
struct TenancyTests {
    /// Two towns of one county; town 1 has a village with a person and a council.
    struct TwoTowns {
        let county: County
        let town1: MembershipV1.Unit
        let town2: MembershipV1.Unit
        let village: MembershipV1.Unit
        let person: MembershipV1.Person
        let council: MembershipV1.Council
        /// A clerk of town 2 with every permission.
        var town2Clerk: CallOptions { county.caller(at: town2.path, [Permissions.read, Permissions.write, Permissions.rules, Permissions.readPII]) }

        static func make() async throws -> TwoTowns {
            let county = try await MembershipHarness.current.county()
            let village = try await county.village(1, town: 1)
            let town1 = try await county.api.getUnit(.init(unit: .init(divisionCode: county.townCode(1))), options: county.admin)
            let town2 = try await county.town(2)
            let person = try await county.person("一镇村民", in: village, phone: "13812345678")
            let council = try await county.council(.villageCouncil, at: village)
            return TwoTowns(county: county, town1: town1, town2: town2, village: village, person: person, council: council)
        }
    }

    @Test("another town's unit, person or council is NOT_FOUND, never PERMISSION_DENIED")
    func otherTownNotFound() async throws {
        let world = try await TwoTowns.make()
        let api = world.county.api
        let clerk = world.town2Clerk
        await expectStatus(.notFound, "unit not found") { try await api.getUnit(.init(unit: world.village.ref), options: clerk) }
        await expectStatus(.notFound, "unit not found") {
            try await api.getUnit(.init(unit: .init(divisionCode: world.village.divisionCode)), options: clerk)
        }
        await expectStatus(.notFound, "unit not found") {
            try await api.updateUnit(.init(unit: world.village.ref, name: .init(value: "篡改")), options: clerk)
        }
        await expectStatus(.notFound, "parent unit not found") {
            try await api.createUnit(
                .init(divisionCode: world.county.villageCode(1, 9), name: "插入", parent: world.town1.ref), options: clerk)
        }
        await expectStatus(.notFound, "person not found") { try await api.getPerson(.init(personId: world.person.id), options: clerk) }
        await expectStatus(.notFound, "council not found") { try await api.getCouncil(.init(councilId: world.council.id), options: clerk) }
        await expectStatus(.notFound, "council not found") {
            try await api.checkComposition(.init(councilId: world.council.id), options: clerk)
        }
        await expectStatus(.notFound, "unit not found") {
            try await api.moveUnit(.init(unit: world.village.ref, newParent: world.town2.ref), options: clerk)
        }
        // A town-2 council cannot seat a town-1 person either.
        let village2 = try await world.county.unit(world.county.villageCode(2, 1), "二镇一村", under: world.county.townCode(2))
        let council2 = try await api.createCouncil(.init(unit: village2.ref, kind: .villageCouncil, name: "二镇议事会"), options: clerk)
        await expectStatus(.notFound, "person not found") {
            try await api.nominateMember(.init(councilId: council2.id, personId: world.person.id, role: .fixedMember), options: clerk)
        }
        // Searches come back empty rather than failing.
        #expect(try await api.findPeople(.init(phone: "13812345678"), options: clerk).people.isEmpty)
        #expect(try await api.listCouncils(.init(), options: clerk).councils.map(\.id) == [council2.id])
        #expect(try await api.listUnits(.init(), options: clerk).units.map(\.id) == [world.town2.id, village2.id])
    }

    @Test("the county sees every town's units, people and councils")
    func countySeesAll() async throws {
        let world = try await TwoTowns.make()
        let api = world.county.api
        let units = try await api.listUnits(.init(), options: world.county.admin)
        #expect(Set(units.units.map(\.id)).isSuperset(of: [world.town1.id, world.town2.id, world.village.id]))
        #expect(try await api.getPerson(.init(personId: world.person.id), options: world.county.admin).id == world.person.id)
        #expect(try await api.listCouncils(.init(), options: world.county.admin).councils.map(\.id) == [world.council.id])
        // ... and another county sees none of it.
        let stranger = try await MembershipHarness.current.county()
        await expectStatus(.notFound) { try await api.getPerson(.init(personId: world.person.id), options: stranger.admin) }
    }

    @Test("a cross-tenant read finds nothing even when issued directly against the database as the service's role")
    func directlyAsServiceRole() async throws {
        let harness = try MembershipHarness.current
        let world = try await TwoTowns.make()
        let personID = try #require(UUID(uuidString: world.person.id))
        let town2 = TenantScope(unitPath: world.town2.path)
        let seen = try await harness.servicePool.transaction(scope: town2) { tx in
            var counts: [String: Int] = [:]
            for table in ["units", "people", "councils", "terms"] {
                let rows = try await tx.query(
                    "SELECT count(*) AS n FROM membership.\(table) WHERE unit_path <@ $1::ltree", [.text(world.town1.path)])
                counts[table] = try rows.first?["n"].decode(Int.self) ?? -1
            }
            counts["person by id"] = try await tx.query("SELECT 1 FROM membership.people WHERE id = $1", [.uuid(personID)]).count
            counts["updated"] = try await tx.execute("UPDATE membership.people SET name = 'x' WHERE id = $1", [.uuid(personID)])
            return counts
        }
        #expect(seen == ["units": 0, "people": 0, "councils": 0, "terms": 0, "person by id": 0, "updated": 0])
        // The same query in town 1's scope does find them: RLS, not the WHERE clause, hid them.
        let own = try await harness.servicePool.transaction(scope: TenantScope(unitPath: world.town1.path)) { tx in
            try await tx.query("SELECT 1 FROM membership.people WHERE id = $1", [.uuid(personID)]).count
        }
        #expect(own == 1)
        // Writing a row into another tenant is refused by the policy's WITH CHECK.
        await #expect(throws: PostgresError.self) {
            try await harness.servicePool.transaction(scope: town2) { tx in
                try await tx.execute(
                    """
                    INSERT INTO membership.units (id, division_code, name, level, parent_id, unit_path, tenant_path, created_at, updated_at)
                    VALUES ($1, $2, '越权', 3, $3, $4::ltree, $5::ltree, now(), now())
                    """,
                    [.uuid(UUID()), .text(world.county.villageCode(1, 8)), .uuid(UUID(uuidString: world.town1.id)!),
                     .text(world.town1.path + ".u" + world.county.villageCode(1, 8)), .text(world.town1.path)])
            }
        }
    }

    @Test("without a scope the service role sees no rows at all (fail closed)")
    func failClosed() async throws {
        let harness = try MembershipHarness.current
        _ = try await TwoTowns.make()
        for table in ["units", "people", "kinships", "councils", "terms", "seats", "notices", "objections", "rule_overrides"] {
            #expect(try await harness.servicePool.count("SELECT count(*) FROM membership.\(table)") == 0, "\(table)")
        }
        let unscoped = try await harness.servicePool.transaction { tx in
            try await tx.query("SELECT count(*) AS n FROM membership.units").first?["n"].decode(Int.self)
        }
        #expect(unscoped == 0)
        #expect(try await harness.superuser.count("SELECT count(*) FROM membership.units") > 0)
    }

    @Test("every table of schema membership enables and forces row-level security and has a policy")
    func everyTableHasRLS() async throws {
        let superuser = try MembershipHarness.current.superuser
        let rows = try await superuser.query("""
            SELECT c.relname AS name, c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'membership' AND c.relkind IN ('r', 'p') AND c.relname <> 'schema_migrations'
             ORDER BY c.relname
            """)
        let tables = try rows.map { try $0["name"].decode(String.self) }
        #expect(Set(tables).isSuperset(of: [
            "units", "people", "kinships", "councils", "terms", "seats", "notices", "objections", "rule_overrides",
        ]))
        for row in rows {
            let name = try row["name"].decode(String.self)
            #expect(try row["enabled"].decode(Bool.self), "\(name): RLS not enabled")
            #expect(try row["forced"].decode(Bool.self), "\(name): RLS not forced")
            #expect(try row["policies"].decode(Int.self) >= 1, "\(name): no policy")
        }
        // The migrator's bookkeeping holds no tenant data, and the service cannot touch it.
        let bookkeeping = try await superuser.query(
            "SELECT has_table_privilege('membership_svc', 'membership.schema_migrations', 'SELECT,INSERT,UPDATE,DELETE') AS allowed")
        #expect(try bookkeeping.first?["allowed"].decode(Bool.self) == false)
    }

    @Test("membership_svc is neither superuser nor bypasses RLS, and owns nothing")
    func serviceRole() async throws {
        let superuser = try MembershipHarness.current.superuser
        let role = try #require(try await superuser.query(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb FROM pg_roles WHERE rolname = 'membership_svc'").first)
        for attribute in ["rolsuper", "rolbypassrls", "rolcreaterole", "rolcreatedb"] {
            #expect(try role[attribute].decode(Bool.self) == false, "\(attribute)")
        }
        let owned = try await superuser.count("""
            SELECT (SELECT count(*) FROM pg_class WHERE relowner = r.oid)
                 + (SELECT count(*) FROM pg_namespace WHERE nspowner = r.oid)
                 + (SELECT count(*) FROM pg_proc WHERE proowner = r.oid)
                 + (SELECT count(*) FROM pg_type WHERE typowner = r.oid)
              FROM pg_roles r WHERE r.rolname = 'membership_svc'
            """)
        #expect(owned == 0)
        let deletable = try await superuser.count(
            "SELECT count(*) FROM information_schema.role_table_grants WHERE grantee = 'membership_svc' AND table_schema = 'membership' AND privilege_type = 'DELETE'")
        #expect(deletable == 1, "only rule overrides are ever deleted")
    }
}

/// 认证与授权: every call carries a verified token holding the permission its method declares.
@Suite("Authentication and permissions", .membershipService("auth"))
struct AuthenticationTests {
    @Test("a call without a token, or with a forged or expired one, is UNAUTHENTICATED")
    func unauthenticated() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let request = MembershipV1.GetUnitRequest(unit: county.ref)
        await expectStatus(.unauthenticated, "no caller token") { try await harness.api.getUnit(request) }
        let forged = TokenAuthority(secret: Array("somebody-else's-secret-somebody!".utf8))
            .issue(harness.server.caller(principal: "mallory", unitPath: county.path, permissions: ["*"]))
        await expectStatus(.unauthenticated, "signature") {
            try await harness.api.getUnit(request, options: CallOptions(metadata: ["authorization": "Bearer " + forged]))
        }
        let expired = harness.server.token(unitPath: county.path, permissions: [Permissions.write], expiresAt: harness.server.now - 1)
        await expectStatus(.unauthenticated, "expired") {
            try await harness.api.getUnit(request, options: CallOptions(metadata: ["authorization": "Bearer " + expired]))
        }
        // Health stays open without credentials, and sees the database.
        let health = try await HealthV1.Health.Client(harness.server.client).check(.init())
        #expect(health.status == .serving)
        #expect(health.service == "membership")
    }

    @Test("a token for another audience, expired, too long-lived, issued in the future, with alg none or an unknown kid is UNAUTHENTICATED")
    func tokenClaims() async throws {
        let harness = try MembershipHarness.current
        let county = try await harness.county()
        let request = MembershipV1.GetUnitRequest(unit: county.ref)
        let server = harness.server
        let now = server.now
        func call(_ token: String) async throws -> MembershipV1.Unit {
            try await harness.api.getUnit(request, options: CallOptions(metadata: ["authorization": "Bearer " + token]))
        }
        func caller(audience: String = "membership", issuedAt: Int64, expiresAt: Int64) -> Caller {
            Caller(principal: "clerk", unitPath: county.path, permissions: [Permissions.read], expiresAt: expiresAt,
                   issuedAt: issuedAt, audience: audience)
        }
        // The control: the same caller with valid claims is served.
        #expect(try await call(server.token(for: caller(issuedAt: now, expiresAt: now + 600))).divisionCode == county.code)
        await expectStatus(.unauthenticated, "audience") { try await call(server.token(for: caller(audience: "gateway", issuedAt: now, expiresAt: now + 600))) }
        await expectStatus(.unauthenticated, "audience") { try await call(server.token(for: caller(audience: "agenda", issuedAt: now, expiresAt: now + 600))) }
        await expectStatus(.unauthenticated, "expired") { try await call(server.token(for: caller(issuedAt: now - 600, expiresAt: now))) }
        await expectStatus(.unauthenticated, "lifetime") {
            try await call(server.token(for: caller(issuedAt: now - 60, expiresAt: now - 60 + 12 * 3600 + 1)))
        }
        await expectStatus(.unauthenticated, "future") { try await call(server.token(for: caller(issuedAt: now + 3600, expiresAt: now + 7200))) }
        let valid = server.token(for: caller(issuedAt: now, expiresAt: now + 600)).split(separator: ".")
        for (header, reason) in [(#"{"alg":"none","kid":"hs1"}"#, "algorithm"), (#"{"alg":"HS256","kid":"retired-key"}"#, "key id")] {
            let token = "v2." + Base64URL.encode(Data(header.utf8)) + "." + valid[2] + "." + valid[3]
            await expectStatus(.unauthenticated, reason) { try await call(token) }
            await expectStatus(.unauthenticated, reason) { try await call("v2." + Base64URL.encode(Data(header.utf8)) + "." + valid[2] + ".") }
        }
    }

    @Test("a mutation without membership.write is PERMISSION_DENIED; a read needs membership.read; nothing is written")
    func permissionDenied() async throws {
        let county = try await MembershipHarness.current.county()
        let reader = county.caller(at: county.path, [Permissions.read])
        await expectStatus(.permissionDenied, "permission \"membership.write\" is required", "需要权限 membership.write") {
            try await county.api.createUnit(.init(divisionCode: county.townCode(1), name: "无权", parent: county.ref), options: reader)
        }
        await expectStatus(.permissionDenied, "membership.write") {
            try await county.api.importUnits(.init(csv: "code,name,parent_code\n"), options: reader)
        }
        // Overriding a composition rule needs membership.rules, not membership.write.
        let writer = county.caller(at: county.path, [Permissions.read, Permissions.write])
        await expectStatus(.permissionDenied, "membership.rules") {
            try await county.api.setCompositionRule(
                .init(unit: county.ref, kind: .villageCouncil, ruleId: "composition.member_count", disabled: true), options: writer)
        }
        #expect(try await county.api.getUnit(.init(unit: county.ref), options: reader).divisionCode == county.code)
        await expectStatus(.permissionDenied, "membership.read") {
            try await county.api.getUnit(.init(unit: county.ref), options: county.caller(at: county.path, [Permissions.write]))
        }
        // Nothing was written.
        #expect(try await county.api.listUnits(.init(), options: county.admin).units.count == 1)
    }
}
