import Foundation
import Testing
import TongxinPostgres

@Suite("Bound parameters and constraint errors")
struct SafetyTests {
    static let hostileStrings = [
        "'; DROP TABLE victims; --",
        "Robert'); DROP TABLE victims;--",
        "' OR '1'='1",
        "\\'; SELECT pg_sleep(10); --",
        "$1 $2 $$ dollar $$ quoted $tag$ x $tag$",
        "\"double\" \"quotes\"",
        "back\\slash\\\\ and \\x00 text",
        "/* comment */ -- line comment",
        "E'\\x27' U&'\\0027'",
        "多字节'引号'；DROP TABLE victims；",
        "line\nbreak\r\ttab",
        "%s %d {0} ${name}",
        "",
    ]

    @Test("SQL injection strings are stored and read back verbatim, and nothing is executed")
    func storesInjectionStringsVerbatim() async throws {
        try await withPool { pool in
            let table = uniqueName("victims")
            try await pool.execute("CREATE TABLE \(table) (id int PRIMARY KEY, body text NOT NULL, tags text[] NOT NULL)")
            for (index, text) in Self.hostileStrings.enumerated() {
                try await pool.transaction { transaction in
                    try await transaction.execute(
                        "INSERT INTO \(table) (id, body, tags) VALUES ($1, $2, $3)",
                        [.int(Int64(index)), .text(text), .textArray([text, text + "'"])])
                }
            }
            let rows = try await pool.query("SELECT id, body, tags FROM \(table) ORDER BY id")
            #expect(rows.count == Self.hostileStrings.count)
            for row in rows {
                let index = try row["id"].decode(Int.self)
                #expect(try row["body"].decode(String.self) == Self.hostileStrings[index])
                #expect(try row["tags"].decode([String].self) == [Self.hostileStrings[index], Self.hostileStrings[index] + "'"])
            }
            // Lookups by a hostile value match exactly one row, not everything.
            let matched = try await pool.query("SELECT count(*) AS n FROM \(table) WHERE body = $1", [.text("' OR '1'='1")])
            #expect(try matched.first?["n"].decode(Int.self) == 1)
            // Hostile scope values are data too.
            let scope = try await pool.transaction(scope: TenantScope(unitPath: "x'); DROP TABLE \(table); --")) { transaction in
                try await transaction.query("SELECT current_setting('app.scope') AS s").first?["s"].decode(String.self)
            }
            #expect(scope == "x'); DROP TABLE \(table); --")
            let count = try await pool.query("SELECT count(*) AS n FROM \(table)")
            #expect(try count.first?["n"].decode(Int.self) == Self.hostileStrings.count)
            try await pool.execute("DROP TABLE \(table)")
        }
    }

    @Test("a unique violation surfaces with its constraint and table; other constraints map to their kinds")
    func constraintViolations() async throws {
        try await withPool { pool in
            let parent = uniqueName("parent")
            let child = uniqueName("child")
            try await pool.execute("CREATE TABLE \(parent) (id int PRIMARY KEY, phone_hash text NOT NULL CONSTRAINT \(parent)_phone_unique UNIQUE, age int CHECK (age >= 0))")
            try await pool.execute("CREATE TABLE \(child) (id int PRIMARY KEY, parent_id int NOT NULL REFERENCES \(parent)(id))")
            try await pool.execute("INSERT INTO \(parent) (id, phone_hash) VALUES (1, $1)", ["h1"])

            let unique = await expectPostgresError {
                try await pool.execute("INSERT INTO \(parent) (id, phone_hash) VALUES (2, $1)", ["h1"])
            }
            #expect(unique?.kind == .uniqueViolation)
            #expect(unique?.sqlState == "23505")
            #expect(unique?.constraint == "\(parent)_phone_unique")
            #expect(unique?.table == parent)
            #expect(unique?.detail?.contains("h1") == true)

            let foreignKey = await expectPostgresError {
                try await pool.execute("INSERT INTO \(child) (id, parent_id) VALUES (1, 99)")
            }
            #expect(foreignKey?.kind == .foreignKeyViolation)
            let check = await expectPostgresError {
                try await pool.execute("INSERT INTO \(parent) (id, phone_hash, age) VALUES (3, 'h3', -1)")
            }
            #expect(check?.kind == .checkViolation)
            let notNull = await expectPostgresError {
                try await pool.execute("INSERT INTO \(parent) (id, phone_hash) VALUES (4, $1)", [.null])
            }
            #expect(notNull?.kind == .notNullViolation)
            #expect(notNull?.column == "phone_hash")
            let badInput = await expectPostgresError { _ = try await pool.query("SELECT $1::int", ["not a number"]) }
            #expect(badInput?.kind == .invalidInput)
            let syntax = await expectPostgresError { _ = try await pool.query("SELEC 1") }
            #expect(syntax?.kind == .server)
            #expect(syntax?.sqlState == "42601")

            // The pool is still healthy after all those errors.
            #expect(try await pool.query("SELECT 1 AS one").first?["one"].decode(Int.self) == 1)
            try await pool.execute("DROP TABLE \(child), \(parent)")
        }
    }
}
