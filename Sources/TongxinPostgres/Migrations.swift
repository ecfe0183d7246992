import Foundation
import Logging

/// One versioned SQL file of a service schema.
///
/// The checksum is derived from the SQL, so editing a migration that already ran is
/// detected instead of silently diverging from what production executed.
public struct Migration: Sendable, Hashable {
    public var version: Int
    public var name: String
    public var sql: String
    /// The file it was loaded from, for error messages; nil for migrations built in code.
    public var file: String?

    /// SHA-256 (hex) of the SQL text.
    public var checksum: String { SHA256.hex(sql.utf8) }

    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
        self.file = nil
    }

    /// How error messages name this migration.
    public var displayName: String { file ?? String(format: "%04d_%@.sql", version, name) }

    /// Loads every `NNNN_name.sql` file of `directory`, sorted by version. Other `.sql`
    /// names and duplicate versions are errors, so a misnamed file cannot be skipped silently.
    public static func load(directory: String) throws -> [Migration] {
        let entries: [String]
        do {
            entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw MigrationError(kind: .unreadable, message: "cannot list migrations in \(directory): \(error)")
        }
        var migrations: [Migration] = []
        var seen: [Int: String] = [:]
        for entry in entries.sorted() where entry.hasSuffix(".sql") {
            let stem = entry.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"),
                let version = Int(stem[..<underscore]), version >= 0,
                stem[..<underscore].allSatisfy(\.isASCII),
                stem.index(after: underscore) < stem.endIndex
            else {
                throw MigrationError(kind: .invalidFileName, message: "migration file \(entry) is not named NNNN_name.sql", file: entry)
            }
            if let other = seen[version] {
                throw MigrationError(
                    kind: .duplicateVersion, message: "migrations \(other) and \(entry) share version \(version)",
                    version: version, file: entry)
            }
            seen[version] = entry
            let path = (directory as NSString).appendingPathComponent(entry)
            guard let data = FileManager.default.contents(atPath: path), let sql = String(data: data, encoding: .utf8) else {
                throw MigrationError(kind: .unreadable, message: "cannot read \(path) as UTF-8", version: version, file: entry)
            }
            var migration = Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql)
            migration.file = entry
            migrations.append(migration)
        }
        return migrations.sorted { $0.version < $1.version }
    }
}

/// Why migrations could not be loaded or applied (server errors stay `PostgresError`).
public struct MigrationError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable {
        /// An applied migration's SQL changed since it ran.
        case checksumMismatch
        case invalidFileName
        case duplicateVersion
        case invalidSchemaName
        case unreadable
    }

    public var kind: Kind
    public var message: String
    public var version: Int?
    public var file: String?

    public init(kind: Kind, message: String, version: Int? = nil, file: String? = nil) {
        self.kind = kind
        self.message = message
        self.version = version
        self.file = file
    }

    public var description: String { "MigrationError.\(kind): \(message)" }
}

/// Brings one service schema up to date.
///
/// Each migration runs in its own transaction that first takes a transaction-scoped
/// advisory lock on the schema, so concurrent instances of a service starting together
/// apply every migration exactly once, in order; a failed migration leaves the earlier ones
/// applied and itself not. Inside, `search_path` is the service schema then `public`.
public struct Migrator: Sendable {
    public let pool: PostgresPool
    public let schema: String
    let logger: Logger

    public init(pool: PostgresPool, schema: String, logger: Logger) {
        self.pool = pool
        self.schema = schema
        self.logger = logger
    }

    /// Applies the pending migrations and returns them; an up-to-date schema returns `[]`.
    @discardableResult
    public func migrate(_ migrations: [Migration]) async throws -> [Migration] {
        guard let first = schema.unicodeScalars.first, first == "_" || ("a"..."z").contains(first),
            schema.unicodeScalars.allSatisfy({ $0 == "_" || ("a"..."z").contains($0) || ("0"..."9").contains($0) }),
            schema.utf8.count <= 63
        else {
            throw MigrationError(kind: .invalidSchemaName, message: "schema name \(schema) must match [a-z_][a-z0-9_]*")
        }
        let sorted = migrations.sorted { $0.version < $1.version }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.version == next.version {
            throw MigrationError(
                kind: .duplicateVersion,
                message: "migrations \(previous.displayName) and \(next.displayName) share version \(next.version)",
                version: next.version, file: next.displayName)
        }

        let schema = schema
        let table = "\"\(schema)\".schema_migrations"
        let logger = logger
        var applied: [Migration] = []
        while true {
            let next: Migration? = try await pool.transaction { transaction in
                _ = try await transaction.query("SELECT pg_advisory_xact_lock(hashtext($1))", [.text("tongxin.migrate." + schema)])
                // The bootstrap usually created the schema for its owner role, which then
                // lacks (and needs no) CREATE on the database: only create what is missing.
                let exists = try await transaction.query("SELECT 1 FROM pg_namespace WHERE nspname = $1", [.text(schema)])
                if exists.isEmpty {
                    try await transaction.execute("CREATE SCHEMA \"\(schema)\"")
                }
                try await transaction.execute(
                    """
                    CREATE TABLE IF NOT EXISTS \(table) (
                        version integer PRIMARY KEY,
                        name text NOT NULL,
                        checksum text NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """)
                var done: [Int: String] = [:]
                for row in try await transaction.query("SELECT version, checksum FROM \(table)") {
                    done[try row["version"].decode(Int.self)] = try row["checksum"].decode(String.self)
                }
                for migration in sorted {
                    if let recorded = done[migration.version], recorded != migration.checksum {
                        throw MigrationError(
                            kind: .checksumMismatch,
                            message: "migration \(migration.version) (\(migration.displayName)) of schema \(schema) "
                                + "changed after it was applied: checksum \(migration.checksum), applied \(recorded)",
                            version: migration.version, file: migration.displayName)
                    }
                }
                let known = Set(sorted.map(\.version))
                let unknown = done.keys.filter { !known.contains($0) }.sorted()
                if !unknown.isEmpty {
                    logger.warning(
                        "schema has applied migrations this build does not know",
                        metadata: ["schema": "\(schema)", "versions": "\(unknown)"])
                }
                guard let pending = sorted.first(where: { done[$0.version] == nil }) else { return nil }
                _ = try await transaction.query(
                    "SELECT set_config('search_path', $1, true)", [.text("\"\(schema)\", public")])
                try await transaction.executeScript(pending.sql)
                try await transaction.execute(
                    "INSERT INTO \(table) (version, name, checksum) VALUES ($1, $2, $3)",
                    [.int(Int64(pending.version)), .text(pending.name), .text(pending.checksum)])
                return pending
            }
            guard let next else { break }
            logger.info(
                "applied migration", metadata: ["schema": "\(schema)", "migration": "\(next.displayName)"])
            applied.append(next)
        }
        return applied
    }
}
