import Foundation
import Testing
import TongxinPostgres

@Suite("Tenant scope and row-level security")
struct TenancyTests {
    @Test("a scope set in one transaction is not visible to the next one on the same pooled connection")
    func scopeDoesNotLeak() async throws {
        try await withPool(maxConnections: 1) { pool in
            let scope = TenantScope(unitPath: "c330000.t330100", settings: ["app.principal": "user-42"])
            let (pid, seen, principal) = try await pool.transaction(scope: scope) { transaction in
                let row = try #require(try await transaction.query(
                    "SELECT pg_backend_pid() AS pid, current_setting('app.scope', true) AS s, current_setting('app.principal', true) AS p"
                ).first)
                return (try row["pid"].decode(Int.self), try row["s"].decode(String?.self), try row["p"].decode(String?.self))
            }
            #expect(seen == "c330000.t330100")
            #expect(principal == "user-42")

            let (nextPid, nextScope, nextPrincipal) = try await pool.transaction { transaction in
                let row = try #require(try await transaction.query(
                    "SELECT pg_backend_pid() AS pid, current_setting('app.scope', true) AS s, current_setting('app.principal', true) AS p"
                ).first)
                return (try row["pid"].decode(Int.self), try row["s"].decode(String?.self), try row["p"].decode(String?.self))
            }
            #expect(nextPid == pid, "pool size 1: the same connection must be reused")
            #expect((nextScope ?? "").isEmpty)
            #expect((nextPrincipal ?? "").isEmpty)

            let autocommit = try await pool.query(
                "SELECT pg_backend_pid() AS pid, NULLIF(current_setting('app.scope', true), '') AS s")
            #expect(try autocommit.first?["pid"].decode(Int.self) == pid)
            #expect(try autocommit.first?["s"].decode(String?.self) == nil)

            // Even a session-level scope planted on the connection does not reach an unscoped transaction.
            try await pool.execute("SELECT set_config('app.scope', 'c999999', false)")
            let planted = try await pool.transaction { transaction in
                try await transaction.query("SELECT NULLIF(current_setting('app.scope', true), '') AS s").first?["s"]
                    .decode(String?.self)
            }
            #expect(planted == nil)
            try await pool.execute("RESET app.scope")
        }
    }

    @Test("RLS with ENABLE+FORCE: a non-owner role sees only its subtree with a scope and nothing without one")
    func rowLevelSecurityFailsClosed() async throws {
        let schema = uniqueName("rls")
        let role = uniqueName("svc")
        let password = uniqueName("pw")
        let admin = try TestDatabase.configuration()
        func cleanUp(_ pool: PostgresPool) async throws {
            try await pool.execute("DROP SCHEMA \(schema) CASCADE")
            try await pool.execute("DROP ROLE \(role)")
        }
        try await withPool(configuration: admin) { pool in
            try await pool.execute("CREATE EXTENSION IF NOT EXISTS ltree")
            try await pool.execute("CREATE SCHEMA \(schema)")
            try await pool.execute(
                "CREATE TABLE \(schema).residents (id int PRIMARY KEY, unit_path ltree NOT NULL, name text NOT NULL)")
            try await pool.execute("ALTER TABLE \(schema).residents ENABLE ROW LEVEL SECURITY")
            try await pool.execute("ALTER TABLE \(schema).residents FORCE ROW LEVEL SECURITY")
            try await pool.execute(
                """
                CREATE POLICY scope_read ON \(schema).residents
                USING (unit_path <@ NULLIF(current_setting('app.scope', true), '')::ltree)
                """)
            // Role names cannot be bound; this one is generated here, never user input.
            try await pool.execute("CREATE ROLE \(role) LOGIN NOSUPERUSER NOBYPASSRLS PASSWORD '\(password)'")
            try await pool.execute("GRANT USAGE ON SCHEMA \(schema) TO \(role)")
            try await pool.execute("GRANT SELECT ON \(schema).residents TO \(role)")
            for (id, path, name) in [
                (1, "c330000.t330100.v1", "张三"), (2, "c330000.t330100.v2", "李四"),
                (3, "c330000.t330200.v1", "王五"), (4, "c440000.t440100", "赵六"),
            ] {
                try await pool.execute(
                    "INSERT INTO \(schema).residents VALUES ($1, $2::ltree, $3)", [.int(Int64(id)), .text(path), .text(name)])
            }
            let flags = try await pool.query(
                "SELECT relrowsecurity, relforcerowsecurity FROM pg_class WHERE oid = $1::regclass", [.text("\(schema).residents")])
            #expect(try flags.first?["relrowsecurity"].decode(Bool.self) == true)
            #expect(try flags.first?["relforcerowsecurity"].decode(Bool.self) == true)
            let roleFlags = try await pool.query(
                "SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = $1", [.text(role)])
            #expect(try roleFlags.first?["rolsuper"].decode(Bool.self) == false)
            #expect(try roleFlags.first?["rolbypassrls"].decode(Bool.self) == false)

            var service = admin
            service.user = role
            service.password = password
            do {
                try await withPool(maxConnections: 1, configuration: service) { servicePool in
                    let scoped = try await servicePool.transaction(scope: TenantScope(unitPath: "c330000.t330100")) { transaction in
                        try await transaction.query("SELECT name FROM \(schema).residents ORDER BY id").map { try $0["name"].decode(String.self) }
                    }
                    #expect(scoped == ["张三", "李四"])

                    let unscoped = try await servicePool.transaction { transaction in
                        try await transaction.query("SELECT name FROM \(schema).residents").count
                    }
                    #expect(unscoped == 0, "no scope must fail closed")

                    let autocommit = try await servicePool.query("SELECT name FROM \(schema).residents")
                    #expect(autocommit.isEmpty, "the previous transaction's scope must not leak")

                    let wider = try await servicePool.transaction(scope: TenantScope(unitPath: "c330000")) { transaction in
                        try await transaction.query("SELECT count(*) AS n FROM \(schema).residents").first?["n"].decode(Int.self)
                    }
                    #expect(wider == 3)

                    let denied = await expectPostgresError {
                        try await servicePool.transaction(scope: TenantScope(unitPath: "c330000")) { transaction in
                            _ = try await transaction.execute("DELETE FROM \(schema).residents")
                        }
                    }
                    #expect(denied?.kind == .insufficientPrivilege)
                }
            } catch {
                try? await cleanUp(pool)
                throw error
            }
            try await cleanUp(pool)
        }

    }
}
