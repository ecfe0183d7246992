import Crypto
import Foundation
import GatewayAPI
import GatewayRules
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinWire

/// 网关 — `tongxin.gateway.v1.Gateway`: sessions, accounts and API keys (the system
/// administrator's), grants of roles at units (the security administrator's). The caller
/// is established by ``GatewayInterceptor``; mutations run in ``ServiceKit`` transactions
/// and are audited with them. An administrator sees and changes only accounts whose home
/// unit lies in the unit it acts for, and grants only at units there.
public struct GatewayService: GatewayV1.Gateway.ServiceProtocol {
    let environment: GatewayEnvironment
    let kit: ServiceKit
    let decoy: String

    public init(environment: GatewayEnvironment) {
        self.environment = environment
        self.kit = ServiceKit(service: "gateway", pool: environment.pool, clock: environment.clock, logger: environment.logger)
        self.decoy = environment.hasher.decoy()
    }

    // MARK: Government integration (issue 12 item 6)

    private var appeals: AppealOperations {
        AppealOperations(kit: kit, calls: environment.calls, units: environment.units)
    }

    public func submitAppeal(_ request: GatewayV1.SubmitAppealRequest, context: ServerCallContext) async throws -> GatewayV1.Appeal {
        try await appeals.submit(request, context: context)
    }

    public func getAppeal(_ request: GatewayV1.GetAppealRequest, context: ServerCallContext) async throws -> GatewayV1.Appeal {
        try await appeals.get(request, context: context)
    }

    public func recordAppealEvent(_ request: GatewayV1.RecordAppealEventRequest, context: ServerCallContext) async throws -> GatewayV1.Appeal {
        try await appeals.record(request, context: context)
    }

    public func listChanges(_ request: GatewayV1.ListChangesRequest, context: ServerCallContext) async throws -> GatewayV1.ListChangesResponse {
        try await ChangeFeedMerge(calls: environment.calls, units: environment.units, own: ChangesService(pool: environment.pool),
                                  logger: environment.logger).list(request, context: context)
    }

    public func exportOpenData(_ request: GatewayV1.ExportOpenDataRequest, context: ServerCallContext) async throws -> GatewayV1.ExportOpenDataResponse {
        try await OpenDataExport(calls: environment.calls, units: environment.units, timeZone: TimeZone(identifier: "Asia/Shanghai") ?? .current)
            .export(request, context: context)
    }

    // MARK: Aggregation (issue 12 item 5)

    public func getCountyDashboard(_ request: GatewayV1.GetCountyDashboardRequest, context: ServerCallContext) async throws -> GatewayV1.CountyDashboard {
        try await environment.dashboard.get(request, context: context)
    }

    // MARK: Sessions

    public func login(_ request: GatewayV1.LoginRequest, context: ServerCallContext) async throws -> GatewayV1.LoginResponse {
        try await LoginOperation(pool: environment.pool, clock: environment.clock, policy: environment.policy, hasher: environment.hasher,
                                 decoy: decoy, anonymousAuditUnit: environment.anonymousAuditUnit).run(request, context: context)
    }

    public func logout(_ request: GatewayV1.LogoutRequest, context: ServerCallContext) async throws -> GatewayV1.LogoutResponse {
        guard case .session(let hash)? = Identity.bound?.source else {
            throw RPCError(code: .failedPrecondition, message: "only a session can be logged out / 仅会话可退出")
        }
        _ = try await kit.handle(request, context) { scope in
            try await scope.tx.execute(
                "UPDATE gateway.sessions SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL", [.bytea(hash), .timestamp(scope.now)])
            try await scope.audit("Logout", target: "account/\(scope.caller.principal)", unitPath: scope.caller.unitPath)
            return GatewayV1.LogoutResponse()
        }
        environment.credentials.forget([Credentials.cacheKey(hash)])
        return GatewayV1.LogoutResponse()
    }

    public func whoAmI(_ request: GatewayV1.WhoAmIRequest, context: ServerCallContext) async throws -> GatewayV1.WhoAmIResponse {
        let caller = try Caller.current()
        return GatewayV1.WhoAmIResponse(
            account: caller.principal, unitPath: caller.unitPath, permissions: caller.permissions.sorted(),
            grants: (Identity.bound?.grants ?? []).map(\.wire))
    }

    // MARK: Accounts

    public func createAccount(_ request: GatewayV1.CreateAccountRequest, context: ServerCallContext) async throws -> GatewayV1.Account {
        guard UnitPath.isAccountName(request.name) else { throw invalid("name", "1–64 letters, digits or _.@-") }
        guard request.displayName.count <= 100 else { throw invalid("display_name", "at most 100 characters") }
        let kind: Int
        switch request.kind {
        case .person: kind = 1
        case .integration: kind = 2
        default: throw invalid("kind", "PERSON or INTEGRATION")
        }
        let hash: String
        if kind == 1 {
            guard request.password.count >= environment.policy.minimumPasswordLength else {
                throw invalid("password", "at least \(environment.policy.minimumPasswordLength) characters")
            }
            hash = try environment.hasher.hash(request.password)
        } else {
            hash = ""
        }
        guard let home = UnitPath(request.homeUnitPath) else { throw invalid("home_unit_path", "a unit path") }
        return try await kit.handle(request, context) { scope in
            try inScope(home, scope)
            let rows = try await scope.tx.query(
                """
                INSERT INTO gateway.accounts (name, display_name, kind, password_hash, home_unit_path, created_at, updated_at)
                VALUES ($1, $2, $3, $4, $5::ltree, $6, $6) ON CONFLICT DO NOTHING RETURNING \(AccountRecord.columns)
                """,
                [.text(request.name), .text(request.displayName), .int(Int64(kind)), .text(hash), .text(home.description), .timestamp(scope.now)])
            guard let row = rows.first else {
                throw RPCError(code: .alreadyExists, message: "the account name is taken / 账号已存在")
            }
            try await scope.audit("CreateAccount", target: "account/\(request.name)", unitPath: home.description,
                                  ["kind": kind == 1 ? "person" : "integration"])
            return try AccountRecord(row: row).wire(grants: [])
        }
    }

    public func getAccount(_ request: GatewayV1.GetAccountRequest, context: ServerCallContext) async throws -> GatewayV1.Account {
        try await kit.handle(request, context) { scope in
            let account = try await visibleAccount(request.name, scope)
            return account.wire(grants: try await IdentityStore.grants(of: account.name, tx: scope.tx))
        }
    }

    public func unlockAccount(_ request: GatewayV1.UnlockAccountRequest, context: ServerCallContext) async throws -> GatewayV1.Account {
        try await updateAccount(request.name, action: "UnlockAccount", context: context, request: request,
                                set: "failed_logins = 0, locked_until = NULL")
    }

    public func disableAccount(_ request: GatewayV1.DisableAccountRequest, context: ServerCallContext) async throws -> GatewayV1.Account {
        let account = try await updateAccount(request.name, action: "DisableAccount", context: context, request: request, set: "disabled = true",
                                              revokeSessions: true)
        environment.credentials.forget(account: request.name)
        return account
    }

    public func revokeSessions(_ request: GatewayV1.RevokeSessionsRequest, context: ServerCallContext) async throws -> GatewayV1.RevokeSessionsResponse {
        let revoked = try await kit.handle(request, context) { scope in
            let account = try await visibleAccount(request.account, scope)
            let count = try await scope.tx.execute(
                "UPDATE gateway.sessions SET revoked_at = $2 WHERE account = $1 AND revoked_at IS NULL", [.text(account.name), .timestamp(scope.now)])
            try await scope.audit("RevokeSessions", target: "account/\(account.name)", unitPath: account.homeUnitPath, ["revoked": "\(count)"])
            return GatewayV1.RevokeSessionsResponse(revoked: Int64(count))
        }
        environment.credentials.forget(account: request.account)
        return revoked
    }

    public func createAPIKey(_ request: GatewayV1.CreateAPIKeyRequest, context: ServerCallContext) async throws -> GatewayV1.APIKey {
        try await kit.handle(request, context) { scope in
            let account = try await visibleAccount(request.account, scope)
            let id = UUID()
            let secret = Base64URL.encode(Data(Credentials.randomBytes(32))).replacingOccurrences(of: "_", with: "-")
            try await scope.tx.execute(
                "INSERT INTO gateway.api_keys (id, account, secret_hash, created_at) VALUES ($1, $2, $3, $4)",
                [.uuid(id), .text(account.name), .bytea(Array(SHA256.hash(data: Data(secret.utf8)))), .timestamp(scope.now)])
            try await scope.audit("CreateAPIKey", target: "api_key/\(id.uuidString.lowercased())", unitPath: account.homeUnitPath,
                                  ["account": account.name])
            return GatewayV1.APIKey(id: id.uuidString.lowercased(), account: account.name, key: "txk_\(id.uuidString.lowercased())_\(secret)",
                                    createdAt: Int64(scope.now.timeIntervalSince1970))
        }
    }

    public func revokeAPIKey(_ request: GatewayV1.RevokeAPIKeyRequest, context: ServerCallContext) async throws -> GatewayV1.RevokeAPIKeyResponse {
        guard let id = UUID(uuidString: request.id) else { throw RPCError(code: .notFound, message: "API key not found / 密钥不存在") }
        let response = try await kit.handle(request, context) { scope in
            guard let account = try await scope.tx.queryValue(String.self, "SELECT account FROM gateway.api_keys WHERE id = $1", [.uuid(id)]) else {
                throw RPCError(code: .notFound, message: "API key not found / 密钥不存在")
            }
            let owner = try await visibleAccount(account, scope)
            try await scope.tx.execute("UPDATE gateway.api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL", [.uuid(id), .timestamp(scope.now)])
            try await scope.audit("RevokeAPIKey", target: "api_key/\(request.id.lowercased())", unitPath: owner.homeUnitPath)
            return GatewayV1.RevokeAPIKeyResponse()
        }
        environment.credentials.forget(apiKey: id)
        return response
    }

    // MARK: Grants

    public func grantRole(_ request: GatewayV1.GrantRoleRequest, context: ServerCallContext) async throws -> GatewayV1.Grant {
        guard let role = Role(rawValue: request.role) else {
            throw invalid("role", Role.allCases.map(\.rawValue).joined(separator: ", "))
        }
        guard let unit = UnitPath(request.unitPath) else { throw invalid("unit_path", "a unit path") }
        let grant = try await kit.handle(request, context) { scope in
            try inScope(unit, scope)
            let account = try await visibleAccount(request.account, scope, forUpdate: true)
            let existing = try await IdentityStore.grants(of: account.name, tx: scope.tx)
            if let conflict = existing.first(where: { $0.role.conflicts(with: role) }) {
                throw RPCError(
                    code: .failedPrecondition,
                    message: "三权分立: the account already holds \(conflict.role.rawValue); \(role.rawValue) must go to another account / 系统、安全、审计管理员不得由同一账号兼任",
                    detail: ErrorDetail(rule: "gateway.separation_of_duties", field: "role", messageZH: "系统、安全、审计管理员不得由同一账号兼任",
                                        messageEN: "the system, security and audit administrators must be different accounts"))
            }
            let record = GrantRecord(account: account.name, role: role, unitPath: unit, grantedAt: scope.now, grantedBy: scope.caller.principal)
            try await scope.tx.execute(
                """
                INSERT INTO gateway.grants (county_code, account, role, unit_path, granted_at, granted_by)
                VALUES ($1, $2, $3, $4::ltree, $5, $6) ON CONFLICT DO NOTHING
                """,
                [.text(unit.countyCode), .text(account.name), .text(role.rawValue), .text(unit.description), .timestamp(scope.now), .text(scope.caller.principal)])
            try await scope.audit("GrantRole", target: "account/\(account.name)", unitPath: unit.description, ["role": role.rawValue])
            return record.wire
        }
        environment.credentials.forget(account: request.account)
        return grant
    }

    public func revokeGrant(_ request: GatewayV1.RevokeGrantRequest, context: ServerCallContext) async throws -> GatewayV1.RevokeGrantResponse {
        guard let unit = UnitPath(request.unitPath) else { throw invalid("unit_path", "a unit path") }
        _ = try await kit.handle(request, context) { scope in
            try inScope(unit, scope)
            let deleted = try await scope.tx.execute(
                "DELETE FROM gateway.grants WHERE county_code = $1 AND account = $2 AND role = $3 AND unit_path = $4::ltree",
                [.text(unit.countyCode), .text(request.account), .text(request.role), .text(unit.description)])
            guard deleted > 0 else { throw RPCError(code: .notFound, message: "grant not found / 授权不存在") }
            try await scope.audit("RevokeGrant", target: "account/\(request.account)", unitPath: unit.description, ["role": request.role])
            return GatewayV1.RevokeGrantResponse()
        }
        environment.credentials.forget(account: request.account)
        return GatewayV1.RevokeGrantResponse()
    }

    // MARK: Helpers

    private func updateAccount<Request: WireMessage>(
        _ name: String, action: String, context: ServerCallContext, request: Request, set: String, revokeSessions: Bool = false
    ) async throws -> GatewayV1.Account {
        try await kit.handle(request, context) { scope in
            let account = try await visibleAccount(name, scope, forUpdate: true)
            guard let updated = try await scope.tx.queryOne(
                AccountRecord.self, "UPDATE gateway.accounts SET \(set), updated_at = $2 WHERE name = $1 RETURNING \(AccountRecord.columns)",
                [.text(account.name), .timestamp(scope.now)]) else {
                throw RPCError(code: .notFound, message: "account not found / 账号不存在")
            }
            if revokeSessions {
                try await scope.tx.execute(
                    "UPDATE gateway.sessions SET revoked_at = $2 WHERE account = $1 AND revoked_at IS NULL", [.text(account.name), .timestamp(scope.now)])
            }
            try await scope.audit(action, target: "account/\(account.name)", unitPath: account.homeUnitPath)
            return updated.wire(grants: try await IdentityStore.grants(of: account.name, tx: scope.tx))
        }
    }

    /// The account `name` when its home unit lies in the unit the caller acts for; NOT_FOUND otherwise.
    private func visibleAccount(_ name: String, _ scope: CallScope, forUpdate: Bool = false) async throws -> AccountRecord {
        guard UnitPath.isAccountName(name), let account = try await IdentityStore.account(name, tx: scope.tx, forUpdate: forUpdate),
              let home = UnitPath(account.homeUnitPath), let actingFor = UnitPath(scope.caller.unitPath), actingFor.covers(home)
        else {
            throw RPCError(code: .notFound, message: "account not found / 账号不存在")
        }
        return account
    }

    private func inScope(_ unit: UnitPath, _ scope: CallScope) throws {
        guard let actingFor = UnitPath(scope.caller.unitPath), actingFor.covers(unit) else {
            throw RPCError(code: .permissionDenied, message: "the unit lies outside the unit the caller acts for / 超出本单位范围")
        }
    }

    private func invalid(_ field: String, _ expected: String) -> RPCError {
        RPCError(code: .invalidArgument, message: "\(field) must be \(expected) / 字段 \(field) 无效",
                 detail: ErrorDetail(rule: "gateway.invalid_field", field: field, messageZH: "字段 \(field) 无效", messageEN: "\(field) must be \(expected)"))
    }
}
