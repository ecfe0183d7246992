import TongxinPostgres

/// Who is calling and for which part of the unit tree: the principal, the unit subtree
/// they act in (an ltree path: the county sees all, a town its villages), and what they
/// may do. Every handler derives its tenant scope from this, never from request fields.
///
/// The token claims (签发方 issuer, 受众 audience, 签发时间 issued-at, 过期时间 expiry) travel
/// with it; ``TokenAuthority`` checks them on every call (see its documentation).
public struct Caller: Sendable, Hashable, Codable {
    public var principal: String
    /// The caller's scope as an ltree path, e.g. "u330100000000.u330102000000".
    public var unitPath: String
    public var permissions: Set<String>
    /// Seconds since the Unix epoch after which the token is no longer accepted.
    public var expiresAt: Int64
    /// Seconds since the Unix epoch at which the token was issued (`iat`).
    public var issuedAt: Int64
    /// The service the token is for (`aud`): a service's name such as `membership`, or
    /// `gateway` for a token only the gateway accepts.
    public var audience: String
    /// Who signed the token (`iss`), e.g. `gateway` or `tongxinctl`; filled in by the
    /// issuing ``TokenAuthority`` when empty.
    public var issuer: String

    public init(
        principal: String, unitPath: String, permissions: Set<String>, expiresAt: Int64,
        issuedAt: Int64 = 0, audience: String = "", issuer: String = ""
    ) {
        self.principal = principal
        self.unitPath = unitPath
        self.permissions = permissions
        self.expiresAt = expiresAt
        self.issuedAt = issuedAt
        self.audience = audience
        self.issuer = issuer
    }

    /// A caller whose token is valid from `now` for `lifetime` seconds (at most
    /// ``TokenAuthority/defaultMaximumLifetime``), for `audience`.
    public init(
        principal: String, unitPath: String, permissions: Set<String>, audience: String,
        now: Int64, lifetime: Int64 = 3600, issuer: String = ""
    ) {
        self.init(principal: principal, unitPath: unitPath, permissions: permissions, expiresAt: now + lifetime,
                  issuedAt: now, audience: audience, issuer: issuer)
    }

    /// The row-level-security scope of this caller's transactions.
    public var scope: TenantScope {
        TenantScope(unitPath: unitPath, settings: ["app.principal": principal])
    }

    public func has(_ permission: String) -> Bool {
        permissions.contains(permission) || permissions.contains("*")
    }
}

/// Permission names used across services.
public enum Permission {
    /// See personal data (phone, ID number) unmasked.
    public static let readPII = "pii.read"
    /// Search people by phone or ID number (人员检索) without seeing the values.
    public static let searchPeople = "people.search"
    /// Re-encrypt personal data under the current key (密钥轮换).
    public static let rotatePIIKey = "pii.rotate"
    /// Read the audit log.
    public static let readAudit = "audit.read"
}
