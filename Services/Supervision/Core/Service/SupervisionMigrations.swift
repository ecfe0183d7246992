import Foundation
import TongxinPostgres
import TongxinService

/// The SQL migrations of the `supervision` schema (`Migrations/NNNN_name.sql`, shipped as a
/// resource of this module), applied as `supervision_owner`.
public enum SupervisionMigrations {
    public static func all() throws -> [Migration] {
        try SharedMigrations.load(resource: "Migrations", bundle: .module)
    }
}
