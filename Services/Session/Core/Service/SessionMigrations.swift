import Foundation
import TongxinPostgres
import TongxinService

/// The SQL migrations of the `session` schema (`Migrations/NNNN_name.sql`, shipped as a
/// resource of this module), applied as `session_owner`.
public enum SessionMigrations {
    public static func all() throws -> [Migration] {
        try SharedMigrations.load(resource: "Migrations", bundle: .module)
    }
}
