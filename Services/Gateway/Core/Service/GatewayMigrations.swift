import Foundation
import TongxinPostgres
import TongxinService

/// The SQL migrations of the `gateway` schema (`Migrations/NNNN_name.sql`), applied as `gateway_owner`.
public enum GatewayMigrations {
    public static func all() throws -> [Migration] {
        try SharedMigrations.load(resource: "Migrations", bundle: .module)
    }
}
