import Foundation
import Logging
import TongxinPostgres

/// Migrations of the shared infrastructure schemas (`audit`, `kit`), shipped as resources
/// of this module and applied by whichever service starts first (idempotent, under the
/// migrator's advisory lock).
public enum SharedMigrations {
    public static func audit() throws -> [Migration] {
        try load(resource: "Migrations/audit", bundle: .module)
    }

    /// The service kit's schema: `kit.protect` (tenancy), idempotency keys and the change feed. Service
    /// migrations call `kit.protect`, so this runs before them.
    public static func kit() throws -> [Migration] {
        try load(resource: "Migrations/kit", bundle: .module)
    }

    /// Loads `NNNN_name.sql` files from a folder of a resource bundle.
    public static func load(resource: String, bundle: Bundle) throws -> [Migration] {
        guard let base = bundle.resourceURL?.appendingPathComponent(resource) else {
            throw ConfigurationError(variable: resource, problem: "is missing from the resource bundle")
        }
        return try Migration.load(directory: base.path)
    }

    /// Connects as `ownerURL` and applies `migrations` to `schema`.
    public static func apply(_ migrations: [Migration], schema: String, ownerURL: String, logger: Logger) async throws {
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: ownerURL), maxConnections: 1, logger: logger)
        do {
            let applied = try await Migrator(pool: pool, schema: schema, logger: logger).migrate(migrations)
            logger.info("migrated", metadata: ["schema": "\(schema)", "applied": "\(applied.map(\.version))"])
        } catch {
            await pool.close()
            throw error
        }
        await pool.close()
    }
}
