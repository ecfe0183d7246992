import Foundation
import Testing
import TongxinPostgres

@Suite("Migrations")
struct MigrationTests {
    static func migrations(sleep: Double = 0) -> [Migration] {
        [
            Migration(
                version: 1, name: "create_members",
                sql: """
                    CREATE TABLE members (id int PRIMARY KEY, name text NOT NULL);
                    SELECT pg_sleep(\(sleep));
                    """),
            Migration(
                version: 2, name: "add_unit",
                sql: "ALTER TABLE members ADD COLUMN unit text; CREATE INDEX members_unit ON members (unit);"),
            Migration(version: 3, name: "seed", sql: "INSERT INTO members (id, name, unit) VALUES (1, '测试', 'c1');"),
        ]
    }

    @Test("migrations apply once, in order, into the service schema; a second run is a no-op")
    func appliesOnce() async throws {
        try await withPool { pool in
            let schema = uniqueName("svc")
            let migrator = Migrator(pool: pool, schema: schema, logger: testLogger())
            let first = try await migrator.migrate(Self.migrations().reversed())
            #expect(first.map(\.version) == [1, 2, 3])
            let second = try await migrator.migrate(Self.migrations())
            #expect(second.isEmpty)
            let rows = try await pool.query("SELECT version, name, checksum FROM \(schema).schema_migrations ORDER BY version")
            #expect(try rows.map { try $0["version"].decode(Int.self) } == [1, 2, 3])
            #expect(try rows.first?["checksum"].decode(String.self) == Self.migrations()[0].checksum)
            #expect(try await pool.query("SELECT name FROM \(schema).members").first?["name"].decode(String.self) == "测试")

            var more = Self.migrations()
            more.append(Migration(version: 4, name: "more", sql: "ALTER TABLE members ADD COLUMN note text;"))
            #expect(try await migrator.migrate(more).map(\.version) == [4])
            try await pool.execute("DROP SCHEMA \(schema) CASCADE")
        }
    }

    @Test("a changed applied migration is refused with an error naming its version and file")
    func checksumMismatch() async throws {
        try await withPool { pool in
            let schema = uniqueName("svc")
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("migrations"))
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("0001_create_members.sql")
            try "CREATE TABLE members (id int PRIMARY KEY);".write(to: file, atomically: true, encoding: .utf8)
            try "CREATE TABLE notes (id int PRIMARY KEY);"
                .write(to: directory.appendingPathComponent("0002_notes.sql"), atomically: true, encoding: .utf8)

            let migrator = Migrator(pool: pool, schema: schema, logger: testLogger())
            #expect(try await migrator.migrate(Migration.load(directory: directory.path)).count == 2)

            try "CREATE TABLE members (id bigint PRIMARY KEY);".write(to: file, atomically: true, encoding: .utf8)
            do {
                try await migrator.migrate(Migration.load(directory: directory.path))
                Issue.record("a changed migration was accepted")
            } catch let error as MigrationError {
                #expect(error.kind == .checksumMismatch)
                #expect(error.version == 1)
                #expect(error.file == "0001_create_members.sql")
                #expect(error.description.contains("0001_create_members.sql"))
            }
            try await pool.execute("DROP SCHEMA \(schema) CASCADE")
        }
    }

    @Test("a failing migration keeps the earlier ones and records nothing for itself")
    func failingMigration() async throws {
        try await withPool { pool in
            let schema = uniqueName("svc")
            let migrator = Migrator(pool: pool, schema: schema, logger: testLogger())
            let broken = [
                Migration(version: 1, name: "ok", sql: "CREATE TABLE a (id int);"),
                Migration(version: 2, name: "broken", sql: "CREATE TABLE b (id int); SELECT * FROM no_such_table;"),
            ]
            let error = await expectPostgresError { try await migrator.migrate(broken) }
            #expect(error?.sqlState == "42P01")
            let versions = try await pool.query("SELECT version FROM \(schema).schema_migrations").map { try $0[0].decode(Int.self) }
            #expect(versions == [1])
            #expect(try await pool.query("SELECT to_regclass($1) IS NULL AS missing", [.text("\(schema).b")])
                .first?["missing"].decode(Bool.self) == true)
            try await pool.execute("DROP SCHEMA \(schema) CASCADE")
        }
    }

    @Test("concurrent runners serialize on the advisory lock and apply each migration exactly once")
    func concurrentRunners() async throws {
        let schema = uniqueName("svc")
        let results = try await withThrowingTaskGroup(of: [Int].self) { group in
            for _ in 0..<3 {
                group.addTask {
                    try await withPool(maxConnections: 1) { pool in
                        try await Migrator(pool: pool, schema: schema, logger: testLogger())
                            .migrate(Self.migrations(sleep: 0.3)).map(\.version)
                    }
                }
            }
            var all: [[Int]] = []
            for try await result in group { all.append(result) }
            return all
        }
        #expect(results.flatMap { $0 }.sorted() == [1, 2, 3])
        try await withPool { pool in
            let count = try await pool.query("SELECT count(*) AS n FROM \(schema).schema_migrations")
            #expect(try count.first?["n"].decode(Int.self) == 3)
            try await pool.execute("DROP SCHEMA \(schema) CASCADE")
        }
    }

    @Test("schema names that are not plain identifiers are refused")
    func refusesBadSchemaNames() async throws {
        try await withPool { pool in
            await #expect(throws: MigrationError.self) {
                try await Migrator(pool: pool, schema: "x\"; DROP SCHEMA public; --", logger: testLogger()).migrate([])
            }
        }
    }
}
