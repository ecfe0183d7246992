import Foundation
import TongxinPostgres
import TongxinService

/// The SQL migrations of the `agenda` schema (`Migrations/NNNN_name.sql`, shipped as a
/// resource of this module), applied as `agenda_owner`.
public enum AgendaMigrations {
    public static func all() throws -> [Migration] {
        try SharedMigrations.load(resource: "Migrations", bundle: .module)
    }
}
