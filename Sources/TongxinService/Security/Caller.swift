import TongxinPostgres

/// Who is calling and for which part of the unit tree: the principal, the unit subtree
/// they act in (an ltree path: the county sees all, a town its villages), and what they
/// may do. Every handler derives its tenant scope from this, never from request fields.
public struct Caller: Sendable, Hashable, Codable {
    public var principal: String
    /// The caller's scope as an ltree path, e.g. "u330100000000.u330102000000".
    public var unitPath: String
    public var permissions: Set<String>
    /// Seconds since the Unix epoch after which the token is no longer accepted.
    public var expiresAt: Int64

    public init(principal: String, unitPath: String, permissions: Set<String>, expiresAt: Int64) {
        self.principal = principal
        self.unitPath = unitPath
        self.permissions = permissions
        self.expiresAt = expiresAt
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
    /// Read the audit log.
    public static let readAudit = "audit.read"
}
