import Foundation
import GatewayAPI
import GatewayRules
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 登录 — a password login: the account's lock and the password (scrypt) are checked, the
/// failure counted (``LoginPolicy``: locked after `maxFailures` in a row), and every
/// outcome audited in the chain of the account's home unit in the same transaction —
/// `LoginSucceeded`, `LoginFailed` (failures so far, whether it locked), `LoginRefused`
/// (locked or disabled) — never the password. A name that is no account is audited as
/// `LoginFailed` in the chain of ``anonymousAuditUnit`` and costs a decoy scrypt, so the
/// answer's timing does not tell which names exist.
struct LoginOperation {
    let pool: PostgresPool
    let clock: any ServiceClock
    let policy: LoginPolicy
    let hasher: PasswordHasher
    let decoy: String
    let anonymousAuditUnit: String

    private enum Outcome: Sendable {
        case success(LoginResponse)
        case refused
    }
    typealias LoginResponse = GatewayV1.LoginResponse

    func run(_ request: GatewayV1.LoginRequest, context: ServerCallContext) async throws -> LoginResponse {
        let now = clock.now()
        let nowSeconds = Int64(now.timeIntervalSince1970)
        let name = request.account
        let account: AccountRecord? = UnitPath.isAccountName(name)
            ? try await pool.query(AccountRecord.self, "SELECT \(AccountRecord.columns) FROM gateway.accounts WHERE name = $1", [.text(name)]).first
            : nil
        guard let account, UnitPath(account.homeUnitPath) != nil else {
            _ = hasher.verify(request.password, against: decoy)
            try await audit(principal: "anonymous", unit: anonymousAuditUnit, method: "LoginFailed", target: "account",
                            detail: ["account": String(name.prefix(64)), "reason": "unknown account"], context: context)
            throw Credentials.refusal
        }
        let state = LoginPolicy.State(failures: account.failedLogins, lockedUntil: account.lockedUntil.map { Int64($0.timeIntervalSince1970) })
        if account.disabled || state.isLocked(at: nowSeconds) || account.kind != 1 {
            try await audit(principal: account.name, unit: account.homeUnitPath, method: "LoginRefused", target: "account/\(account.name)",
                            detail: ["reason": account.disabled ? "disabled" : account.kind != 1 ? "integration client" : "locked"], context: context)
            throw Credentials.refusal
        }
        let matches = hasher.verify(request.password, against: account.passwordHash)
        let policy = policy
        let scope = TenantScope(unitPath: account.homeUnitPath, settings: ["app.principal": account.name])
        let outcome: Outcome = try await pool.transaction(scope: scope, deadline: context.deadline) { tx in
            guard let current = try await IdentityStore.account(account.name, tx: tx, forUpdate: true) else { return .refused }
            let currentState = LoginPolicy.State(failures: current.failedLogins, lockedUntil: current.lockedUntil.map { Int64($0.timeIntervalSince1970) })
            guard matches, !currentState.isLocked(at: nowSeconds), !current.disabled else {
                let next = matches ? currentState : policy.afterFailure(currentState, at: nowSeconds)
                try await tx.execute(
                    "UPDATE gateway.accounts SET failed_logins = $2, locked_until = $3 WHERE name = $1",
                    [.text(account.name), .int(Int64(next.failures)), PostgresValue(next.lockedUntil.map { Date(timeIntervalSince1970: TimeInterval($0)) })])
                try AuditLog.deferRecord(AuditLog.Entry(
                    service: "gateway", method: matches ? "LoginRefused" : "LoginFailed", target: "account/\(account.name)",
                    unitPath: account.homeUnitPath,
                    detail: ["failures": "\(next.failures)", "locked": next.isLocked(at: nowSeconds) ? "true" : "false"],
                    traceID: context.traceID), in: tx)
                return .refused
            }
            let (token, hash) = Credentials.newSessionToken()
            let expires = now.addingTimeInterval(TimeInterval(policy.sessionLifetime))
            try await tx.execute(
                "UPDATE gateway.accounts SET failed_logins = 0, locked_until = NULL WHERE name = $1", [.text(account.name)])
            try await tx.execute(
                "INSERT INTO gateway.sessions (token_hash, account, created_at, expires_at, last_seen_at) VALUES ($1, $2, $3, $4, $3)",
                [.bytea(hash), .text(account.name), .timestamp(now), .timestamp(expires)])
            let grants = try await IdentityStore.grants(of: account.name, tx: tx)
            try AuditLog.deferRecord(AuditLog.Entry(
                service: "gateway", method: "LoginSucceeded", target: "account/\(account.name)", unitPath: account.homeUnitPath,
                detail: [:], traceID: context.traceID), in: tx)
            return .success(LoginResponse(
                sessionToken: token, expiresAt: Int64(expires.timeIntervalSince1970), idleTimeoutSeconds: policy.idleTimeout,
                grants: grants.map(\.wire)))
        }
        switch outcome {
        case .success(let response): return response
        case .refused: throw Credentials.refusal
        }
    }

    private func audit(principal: String, unit: String, method: String, target: String, detail: [String: String],
                       context: ServerCallContext) async throws {
        let scope = TenantScope(unitPath: unit, settings: ["app.principal": principal])
        try await pool.transaction(scope: scope, deadline: context.deadline) { tx in
            try AuditLog.deferRecord(
                AuditLog.Entry(service: "gateway", method: method, target: target, unitPath: unit, detail: detail, traceID: context.traceID),
                in: tx)
        }
    }
}

extension UnitPath {
    /// Whether `name` could be an account's name (the table's CHECK).
    static func isAccountName(_ name: String) -> Bool {
        (1...64).contains(name.utf8.count) && name.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
                || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || "_.@-".utf8.contains(byte)
        }
    }
}
