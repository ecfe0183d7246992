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
    /// The gateway's own calls to the services it routes (appeals, the change feed, open data).
    public var calls: ServiceCalls
    /// Division codes → unit paths, through membership.
    public var units: UnitDirectory
    /// The county dashboard (GetCountyDashboard): its town lists are remembered across calls.
    public var dashboard: CountyDashboard
    public var logger: Logger

    public init(pool: PostgresPool, clock: any ServiceClock, policy: LoginPolicy = LoginPolicy(), hasher: PasswordHasher = PasswordHasher(),
                credentials: Credentials, anonymousAuditUnit: String = "gateway", calls: ServiceCalls, logger: Logger,
                dashboardSectionTimeout: Duration = .seconds(3)) {
        self.pool = pool
        self.clock = clock
        self.policy = policy
        self.hasher = hasher
        self.credentials = credentials
        self.anonymousAuditUnit = anonymousAuditUnit
        self.calls = calls
        self.units = UnitDirectory(calls: calls)
        self.dashboard = CountyDashboard(calls: calls, units: units, clock: clock, logger: logger, sectionTimeout: dashboardSectionTimeout)
        self.logger = logger
    }
}
