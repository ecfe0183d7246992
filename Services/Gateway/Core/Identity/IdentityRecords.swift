import Foundation
import GatewayRules
import TongxinPostgres
import TongxinSchemas

/// A row of `gateway.accounts`.
struct AccountRecord: PostgresRecord {
    var name: String
    var displayName: String
    var kind: Int
    var passwordHash: String
    var homeUnitPath: String
    var disabled: Bool
    var failedLogins: Int
    var lockedUntil: Date?

    static let columns = "name, display_name, kind, password_hash, home_unit_path::text AS home_unit_path, disabled, failed_logins, locked_until"

    init(row: PostgresRow) throws {
        name = try row["name"].decode(String.self)
        displayName = try row["display_name"].decode(String.self)
        kind = try row["kind"].decode(Int.self)
        passwordHash = try row["password_hash"].decode(String.self)
        homeUnitPath = try row["home_unit_path"].decode(String.self)
        disabled = try row["disabled"].decode(Bool.self)
        failedLogins = try row["failed_logins"].decode(Int.self)
        lockedUntil = try row["locked_until"].decode(Date?.self)
    }

    func wire(grants: [GrantRecord]) -> GatewayV1.Account {
        GatewayV1.Account(
            name: name, displayName: displayName, kind: kind == 2 ? .integration : .person, homeUnitPath: homeUnitPath,
            disabled: disabled, lockedUntil: lockedUntil.map { Int64($0.timeIntervalSince1970) } ?? 0,
            grants: grants.map(\.wire))
    }
}

/// A row of `gateway.grants`: a role held at a unit, covering its subtree.
struct GrantRecord: PostgresRecord, Hashable {
    var account: String
    var role: Role
    var unitPath: UnitPath
    var grantedAt: Date
    var grantedBy: String

    static let columns = "account, role, unit_path::text AS unit_path, granted_at, granted_by"

    init(account: String, role: Role, unitPath: UnitPath, grantedAt: Date, grantedBy: String) {
        self.account = account
        self.role = role
        self.unitPath = unitPath
        self.grantedAt = grantedAt
        self.grantedBy = grantedBy
    }

    init(row: PostgresRow) throws {
        account = try row["account"].decode(String.self)
        let roleName = try row["role"].decode(String.self)
        guard let role = Role(rawValue: roleName) else {
            throw PostgresError(kind: .decoding, message: "unknown stored role \(roleName)")
        }
        self.role = role
        let path = try row["unit_path"].decode(String.self)
        guard let unitPath = UnitPath(path) else {
            throw PostgresError(kind: .decoding, message: "malformed stored unit path")
        }
        self.unitPath = unitPath
        grantedAt = try row["granted_at"].decode(Date.self)
        grantedBy = try row["granted_by"].decode(String.self)
    }

    var wire: GatewayV1.Grant {
        GatewayV1.Grant(account: account, role: role.rawValue, unitPath: unitPath.description,
                        grantedAt: Int64(grantedAt.timeIntervalSince1970), grantedBy: grantedBy)
    }
}
