import Foundation
import GatewayRules
import TongxinPostgres

/// SQL over the identity tables that needs no caller scope (they are not row-level
/// secured, see `0001_identity.sql`).
enum IdentityStore {
    static func grants(of account: String, pool: PostgresPool, deadline: ContinuousClock.Instant?) async throws -> [GrantRecord] {
        try await pool.query("SELECT \(GrantRecord.columns) FROM gateway.grants WHERE account = $1 ORDER BY unit_path, role",
                             [.text(account)], deadline: deadline).map(GrantRecord.init(row:))
    }

    static func grants(of account: String, tx: PostgresTransaction) async throws -> [GrantRecord] {
        try await tx.query(GrantRecord.self, "SELECT \(GrantRecord.columns) FROM gateway.grants WHERE account = $1 ORDER BY unit_path, role",
                           [.text(account)])
    }

    static func account(_ name: String, tx: PostgresTransaction, forUpdate: Bool = false) async throws -> AccountRecord? {
        try await tx.queryOne(AccountRecord.self, "SELECT \(AccountRecord.columns) FROM gateway.accounts WHERE name = $1\(forUpdate ? " FOR UPDATE" : "")",
                              [.text(name)])
    }
}
