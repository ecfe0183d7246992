import AgendaRules
import Foundation
import Logging
import TongxinPostgres
import TongxinService

/// What the agenda service runs on: its database pool (connected as `agenda_svc`), the PII
/// vault (reporters' contacts), the clock, and the deployment's rules as data.
public struct AgendaEnvironment: Sendable {
    public var pool: PostgresPool
    public var vault: PIIVault
    public var clock: any ServiceClock
    /// 大事大议、小事小议、急事快议: form, meeting deadline and plan lead time per scale.
    public var scales: ScaleRules
    /// Local days (plan lead time, topic years, the annual plan) are counted here.
    public var timeZone: TimeZone
    /// Membership's unit tree, asked whether a unit path is registered; nil: paths in the
    /// caller's scope are taken as given (``UnitDirectory``).
    public var units: (any UnitDirectory)?
    /// Membership's councils, for meeting plans' participants (``CouncilDirectory``); nil:
    /// participants are recorded as given and nobody is seated.
    public var councils: (any CouncilDirectory)?
    public var logger: Logger

    public init(
        pool: PostgresPool, vault: PIIVault, clock: any ServiceClock = SystemClock(), scales: ScaleRules = ScaleRules(),
        timeZone: TimeZone = .chinaStandard, units: (any UnitDirectory)? = nil, councils: (any CouncilDirectory)? = nil,
        logger: Logger
    ) {
        self.units = units
        self.councils = councils
        self.pool = pool
        self.vault = vault
        self.clock = clock
        self.scales = scales
        self.timeZone = timeZone
        self.logger = logger
    }
}
