import AuditAPI
import Foundation
import Testing
import TongxinRPC
import TongxinSchemas
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
                                                unitPath: caller.unitPath + ".u330102001000", detail: ["名": "值"]), in: tx)
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
                try await AuditLog.record(.init(service: "membership", method: "/m/X", target: "t", unitPath: caller.unitPath), in: tx)
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

    // MARK: Hardening: append-only, heads, keyed checkpoints, scope (items 7–9)

    static let key = AuditCheckpointKey(Array(repeating: 0x42, count: 32))
    let chain = "u330100000000.u330102000000"

    /// Appends `count` entries to the town chain of `caller` as `membership_svc`.
    func append(_ count: Int, _ pool: PostgresPool, target: String = "council") async throws {
        for index in 1...count {
            try await pool.transaction(scope: caller.scope) { tx in
                try await AuditLog.record(.init(service: "membership", method: "CreateCouncil", target: "\(target)/\(index)",
                                                unitPath: caller.unitPath + ".u330102001000"), in: tx)
            }
        }
    }

    /// VerifyAuditChain's verdict on the town chain, read as `membership_svc`.
    func verdict(_ pool: PostgresPool, key: AuditCheckpointKey? = AuditLogTests.key) async throws -> AuditV1.ChainReport {
        let chain = chain
        return try await pool.transaction(scope: caller.scope, readOnly: true) { tx in
            try await AuditVerifier(key: key).verify(chain: chain, in: tx)
        }
    }

    @Test("UPDATE, DELETE and TRUNCATE of audit.entries are refused for every role but a superuser, even with the privilege granted back")
    func appendOnly() async throws {
        let db = try await TestDatabase.create(prefix: "auditao")
        let service = try db.pool(role: "membership_svc")
        let superuser = try db.superuserPool()
        defer { Task { await service.close(); await superuser.close() } }
        try await append(2, service)
        // The owner (who could otherwise TRUNCATE its own table), with the privileges re-granted.
        _ = try await superuser.query("GRANT UPDATE, DELETE, TRUNCATE ON audit.entries TO audit_owner")
        for sql in ["TRUNCATE audit.entries", "DELETE FROM audit.entries", "UPDATE audit.entries SET target = 'x'"] {
            do {
                try await superuser.transaction { tx in
                    _ = try await tx.execute("SET LOCAL ROLE audit_owner")
                    _ = try await tx.execute(sql)
                }
                Issue.record("audit_owner was allowed: \(sql)")
            } catch let error as PostgresError {
                #expect(error.kind == .insufficientPrivilege, "\(sql): \(error)")
            }
        }
        #expect(try await superuser.query("SELECT count(*) AS n FROM audit.entries").first?["n"].decode(Int64.self) == 2)
        let triggers = try await superuser.query(
            "SELECT count(*) AS n FROM pg_trigger WHERE tgrelid = 'audit.entries'::regclass AND NOT tgisinternal")
        #expect(try (triggers.first?["n"].decode(Int64.self) ?? 0) >= 2)
    }

    @Test("the chain head advances with every append; an intact chain with keyed checkpoints verifies")
    func headsAndCheckpoints() async throws {
        let db = try await TestDatabase.create(prefix: "audithd")
        let service = try db.pool(role: "membership_svc")
        let superuser = try db.superuserPool()
        defer { Task { await service.close(); await superuser.close() } }
        try await append(3, service)
        let head = try await superuser.query("SELECT seq FROM audit.heads WHERE chain = $1", [.text(chain)])
        #expect(try head.first?["seq"].decode(Int64.self) == 3)
        let checkpointer = AuditCheckpointer(pool: service, key: Self.key, interval: .seconds(60), logger: TestDatabase.logger)
        #expect(try await checkpointer.checkpointNow() == 1)
        #expect(try await checkpointer.checkpointNow() == 0)   // nothing new
        let report = try await verdict(service)
        #expect(report.verdict == .intact, "\(report.detail)")
        #expect(report.lastSeq == 3)
        #expect(report.headSeq == 3)
        #expect(report.checkpointsChecked == 1)
        // A checkpoint must name an entry as it is: a forged (seq, hash) is refused.
        await #expect(throws: PostgresError.self) {
            _ = try await service.query("SELECT audit.write_checkpoint($1, 2, $2, $3)",
                                        [.text(chain), .bytea(Array(repeating: 1, count: 32)), .bytea(Array(repeating: 2, count: 32))])
        }
    }

    @Test("deleting the last entries (as a superuser) is reported as a truncated tail, also when the head is rewound")
    func tailTruncation() async throws {
        let db = try await TestDatabase.create(prefix: "audittt")
        let service = try db.pool(role: "membership_svc")
        let superuser = try db.superuserPool()
        defer { Task { await service.close(); await superuser.close() } }
        try await append(5, service)
        try await AuditCheckpointer(pool: service, key: Self.key, interval: .seconds(60), logger: TestDatabase.logger).checkpointNow()
        _ = try await superuser.query("DELETE FROM audit.entries WHERE chain = $1 AND seq > 3", [.text(chain)])
        // audit.verify alone sees a shorter, intact chain.
        #expect(try await superuser.query("SELECT * FROM audit.verify($1)", [.text(chain)]).isEmpty)
        let report = try await verdict(service)
        #expect(report.verdict == .tailTruncated, "\(report.detail)")
        #expect(report.seq == 4)
        #expect(report.lastSeq == 3)
        // The attacker rewinds the head too: the keyed checkpoint at entry 5 still tells.
        _ = try await superuser.query(
            "UPDATE audit.heads h SET seq = e.seq, hash = e.hash FROM audit.entries e WHERE h.chain = $1 AND e.chain = h.chain AND e.seq = 3",
            [.text(chain)])
        let rewound = try await verdict(service)
        #expect(rewound.verdict == .tailTruncated, "\(rewound.detail)")
        #expect(rewound.headSeq == 3)
    }

    @Test("a chain rewritten with recomputed plain SHA-256 (entries and head) is reported by the keyed checkpoint")
    func rewrittenChain() async throws {
        let db = try await TestDatabase.create(prefix: "auditrw")
        let service = try db.pool(role: "membership_svc")
        let superuser = try db.superuserPool()
        defer { Task { await service.close(); await superuser.close() } }
        try await append(4, service)
        try await AuditCheckpointer(pool: service, key: Self.key, interval: .seconds(60), logger: TestDatabase.logger).checkpointNow()
        // Forge entry 2 and rehash the chain from there on, as someone with the table would.
        _ = try await superuser.query("UPDATE audit.entries SET target = 'council/forged' WHERE chain = $1 AND seq = 2", [.text(chain)])
        _ = try await superuser.query("""
            DO $$
            DECLARE r audit.entries; v_prev bytea;
            BEGIN
                SELECT hash INTO v_prev FROM audit.entries WHERE chain = '\(chain)' AND seq = 1;
                FOR r IN SELECT * FROM audit.entries WHERE chain = '\(chain)' AND seq >= 2 ORDER BY seq LOOP
                    UPDATE audit.entries SET prev_hash = v_prev,
                        hash = audit.entry_hash(v_prev, r.chain, r.seq, r.occurred_at, r.principal, r.unit_path,
                                                r.service, r.method, r.target, r.detail, r.trace_id)
                     WHERE chain = r.chain AND seq = r.seq RETURNING hash INTO v_prev;
                END LOOP;
                UPDATE audit.heads SET hash = v_prev WHERE chain = '\(chain)';
            END $$
            """)
        #expect(try await superuser.query("SELECT * FROM audit.verify($1)", [.text(chain)]).isEmpty)
        let report = try await verdict(service)
        #expect(report.verdict == .chainRewritten, "\(report.detail)")
        #expect(report.seq == 4)
        // A checkpoint forged without the key is not accepted either.
        _ = try await superuser.query(
            "INSERT INTO audit.checkpoints (chain, seq, hash, mac) SELECT chain, seq, hash, sha256(hash) FROM audit.heads WHERE chain = $1 ON CONFLICT DO NOTHING",
            [.text(chain)])
        #expect(try await verdict(service).verdict == .chainRewritten)
        // An edited entry that was not rehashed is an altered entry.
        let db2 = try await TestDatabase.create(prefix: "auditae")
        let service2 = try db2.pool(role: "membership_svc")
        let superuser2 = try db2.superuserPool()
        defer { Task { await service2.close(); await superuser2.close() } }
        try await append(3, service2)
        _ = try await superuser2.query("UPDATE audit.entries SET target = 'x' WHERE chain = $1 AND seq = 2", [.text(chain)])
        let altered = try await verdict(service2)
        #expect(altered.verdict == .alteredEntry)
        #expect(altered.seq == 2)
        _ = try await superuser2.query("DELETE FROM audit.entries WHERE chain = $1 AND seq = 2", [.text(chain)])
        #expect(try await verdict(service2).verdict == .missingEntry)
    }

    @Test("audit.append takes the principal from app.principal and refuses a unit path outside app.scope")
    func scopeAndPrincipal() async throws {
        let db = try await TestDatabase.create(prefix: "auditsc")
        let service = try db.pool(role: "membership_svc")
        let superuser = try db.superuserPool()
        defer { Task { await service.close(); await superuser.close() } }
        try await append(1, service)
        let principal = try await superuser.query("SELECT principal FROM audit.entries")
        #expect(try principal.first?["principal"].decode(String.self) == caller.principal)
        // Another town's chain, from this town's scope.
        do {
            try await service.transaction(scope: caller.scope) { tx in
                try await AuditLog.record(.init(service: "membership", method: "CreateUnit", target: "unit/1",
                                                unitPath: "u330100000000.u330103000000"), in: tx)
            }
            Issue.record("an append outside the scope was accepted")
        } catch let error as PostgresError {
            #expect(error.kind == .insufficientPrivilege, "\(error)")
        }
        // The parent's path is outside a town's scope as well; no scope at all is refused too.
        await #expect(throws: PostgresError.self) {
            try await service.transaction(scope: caller.scope) { tx in
                try await AuditLog.record(.init(service: "membership", method: "X", target: "t", unitPath: "u330100000000"), in: tx)
            }
        }
        await #expect(throws: PostgresError.self) {
            try await service.transaction { tx in
                try await AuditLog.record(.init(service: "membership", method: "X", target: "t", unitPath: caller.unitPath), in: tx)
            }
        }
        #expect(try await superuser.query("SELECT count(*) AS n FROM audit.entries").first?["n"].decode(Int64.self) == 1)
    }

    @Test("VerifyAuditChain over RPC: needs audit.verify, reports the chains inside the caller's subtree only")
    func verifyOverRPC() async throws {
        let db = try await TestDatabase.create(prefix: "auditrpc")
        let service = try db.pool(role: "membership_svc")
        defer { Task { await service.close() } }
        try await append(2, service)
        let server = try await TestServer.start(services: [], pool: service, auditCheckpointKey: Self.key)
        let client = AuditV1.Audit.Client(server.client)
        await expectCode(.permissionDenied) {
            _ = try await client.verifyAuditChain(.init(chain: chain), options: server.options(unitPath: "u330100000000", permissions: []))
        }
        let county = server.options(unitPath: "u330100000000", permissions: ["audit.verify"])
        let all = try await client.verifyAuditChain(.init(), options: county)
        #expect(all.chains.map(\.chain) == [chain])
        #expect(all.chains.first?.verdict == .intact)
        let otherTown = server.options(unitPath: "u330100000000.u330105000000", permissions: ["audit.verify"])
        #expect(try await client.verifyAuditChain(.init(chain: chain), options: otherTown).chains.isEmpty)
        #expect(try await client.verifyAuditChain(.init(), options: otherTown).chains.isEmpty)
        await server.shutdown()
    }
}
