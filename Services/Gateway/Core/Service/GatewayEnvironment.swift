import Foundation
import GatewayRules
import Logging
import TongxinPostgres
import TongxinService

/// What the gateway's handlers need.
public struct GatewayEnvironment: Sendable {
    public var pool: PostgresPool
    public var clock: any ServiceClock
    public var policy: LoginPolicy
    public var hasher: PasswordHasher
    public var credentials: Credentials
    /// The chain that records failed logins of names that are no account.
    public var anonymousAuditUnit: String
    public var logger: Logger

    public init(pool: PostgresPool, clock: any ServiceClock, policy: LoginPolicy = LoginPolicy(), hasher: PasswordHasher = PasswordHasher(),
                credentials: Credentials, anonymousAuditUnit: String = "gateway", logger: Logger) {
        self.pool = pool
        self.clock = clock
        self.policy = policy
        self.hasher = hasher
        self.credentials = credentials
        self.anonymousAuditUnit = anonymousAuditUnit
        self.logger = logger
    }
}
