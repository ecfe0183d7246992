import Foundation
import Testing
import TongxinPostgres
import TongxinService
import TongxinTesting

@Suite("The audit log is append-only and tamper-evident", .serialized)
struct AuditLogTests {
    let caller = Caller(principal: "clerk-01", unitPath: "u330100000000.u330102000000", permissions: [], expiresAt: .max)

    @Test("entries chain per town; an edited entry is found by audit.verify")
    func chainAndTamper() async throws {
        let db = try await TestDatabase.create(prefix: "audit")
        let service = try db.pool(role: "membership_svc")
        let superuser = try db.superuserPool()
        defer { Task { await service.close(); await superuser.close() } }

        for index in 1...3 {
            let seq = try await service.transaction(scope: caller.scope) { tx in
                try await AuditLog.record(.init(service: "membership", method: "/m/AddMember", target: "council/\(index)",
                                                unitPath: caller.unitPath + ".u330102001000", detail: ["名": "值"]), by: caller, in: tx)
            }
            #expect(seq == Int64(index))
        }
        let chain = "u330100000000.u330102000000"
        #expect(try await superuser.query("SELECT * FROM audit.verify($1)", [.text(chain)]).isEmpty)

        _ = try await superuser.query("UPDATE audit.entries SET target = 'council/forged' WHERE chain = $1 AND seq = 2", [.text(chain)])
        let problems = try await superuser.query("SELECT seq, problem FROM audit.verify($1)", [.text(chain)])
        #expect(try problems.first?["seq"].decode(Int64.self) == 2)
        #expect(try problems.first?["problem"].decode(String.self) == "altered entry")
    }

    @Test("an audit entry rolls back with the mutation it records")
    func rollsBack() async throws {
        let db = try await TestDatabase.create(prefix: "auditrb")
        let service = try db.pool(role: "membership_svc")
        let superuser = try db.superuserPool()
        defer { Task { await service.close(); await superuser.close() } }
        struct Boom: Error {}
        await #expect(throws: Boom.self) {
            try await service.transaction(scope: caller.scope) { tx in
                try await AuditLog.record(.init(service: "membership", method: "/m/X", target: "t", unitPath: caller.unitPath), by: caller, in: tx)
                throw Boom()
            }
        }
        #expect(try await superuser.query("SELECT count(*) AS n FROM audit.entries").first?["n"].decode(Int64.self) == 0)
    }

    @Test("a service role can neither change nor read the audit table directly")
    func serviceRoleCannotWrite() async throws {
        let db = try await TestDatabase.create(prefix: "auditro")
        let service = try db.pool(role: "membership_svc")
        defer { Task { await service.close() } }
        for sql in [
            "UPDATE audit.entries SET target = 'x'",
            "DELETE FROM audit.entries",
            "INSERT INTO audit.entries (chain, seq, occurred_at, principal, unit_path, service, method, target, prev_hash, hash) VALUES ('c', 1, now(), 'p', 'a', 's', 'm', 't', '', '')",
            "SELECT * FROM audit.entries",
        ] {
            do {
                _ = try await service.query(sql)
                Issue.record("membership_svc was allowed: \(sql)")
            } catch let error as PostgresError {
                #expect(error.kind == .insufficientPrivilege, "\(sql): \(error)")
            }
        }
    }

    @Test("the audit table forces row-level security and the service roles cannot bypass it")
    func catalog() async throws {
        let db = try await TestDatabase.create(prefix: "auditcat")
        let superuser = try db.superuserPool()
        defer { Task { await superuser.close() } }
        let table = try await superuser.query("""
            SELECT c.relrowsecurity AS enabled, c.relforcerowsecurity AS forced,
                   (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid) AS policies
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = 'audit' AND c.relname = 'entries'
            """)
        #expect(try table.first?["enabled"].decode(Bool.self) == true)
        #expect(try table.first?["forced"].decode(Bool.self) == true)
        #expect(try (table.first?["policies"].decode(Int64.self) ?? 0) >= 1)
        let roles = try await superuser.query("""
            SELECT rolname FROM pg_roles
            WHERE rolname LIKE '%\\_svc' AND (rolsuper OR rolbypassrls)
            """)
        #expect(roles.isEmpty)
    }
}
