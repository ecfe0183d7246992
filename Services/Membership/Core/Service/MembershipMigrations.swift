import Foundation
import TongxinPostgres
import TongxinService

/// The SQL migrations of the `membership` schema (`Migrations/NNNN_name.sql`, shipped as a
/// resource of this module), applied as `membership_owner`.
public enum MembershipMigrations {
    public static func all() throws -> [Migration] {
        try SharedMigrations.load(resource: "Migrations", bundle: .module)
    }
}
