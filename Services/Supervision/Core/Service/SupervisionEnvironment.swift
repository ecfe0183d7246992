import Foundation
import Logging
import SupervisionRules
import TongxinPostgres
import TongxinService

/// What the supervision service runs on: its database pool (connected as `supervision_svc`),
/// the clock, the deployment's rules as data (warning rules and roll-up, the index
/// definition), and the other services' parts of the dossier.
public struct SupervisionEnvironment: Sendable {
    public var pool: PostgresPool
    public var clock: any ServiceClock
    /// 红黄绿三级预警 rules (defaults: issue 11).
    public var warnings: WarningRules
    /// 协商指数: categories, weights, element indicators.
    public var index: IndexDefinition
    /// Local days (deadlines, report dates, quarters, years) are counted here.
    public var timeZone: TimeZone
    /// The dossier's sources beside supervision's own (``CaseDossierSource``), one per
    /// service: agenda's (``AgendaDossierSource``) and session's. A source not configured is
    /// an ``UnavailableSource`` whose sections say so.
    public var dossierSources: [any DossierSource]
    public var logger: Logger

    public init(
        pool: PostgresPool, clock: any ServiceClock = SystemClock(), warnings: WarningRules = .default,
        index: IndexDefinition = .default, timeZone: TimeZone = .chinaStandard,
        dossierSources: [any DossierSource] = [UnavailableSource.agendaNotConfigured, UnavailableSource.sessionNotConfigured],
        logger: Logger
    ) {
        self.pool = pool
        self.clock = clock
        self.warnings = warnings
        self.index = index
        self.timeZone = timeZone
        self.dossierSources = dossierSources
        self.logger = logger
    }
}

/// The deployment's supervision rules as one JSON document (TONGXIN_SUPERVISION_RULES_FILE):
/// either part may be left out to keep its defaults.
public struct SupervisionRuleSet: Sendable, Codable {
    public var warnings: WarningRules?
    public var index: IndexDefinition?

    /// Reads and checks the file at `path`.
    public static func load(path: String) throws -> SupervisionRuleSet {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let rules = try JSONDecoder().decode(SupervisionRuleSet.self, from: data)
        try rules.index?.validate()
        return rules
    }
}
