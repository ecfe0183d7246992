import AgendaCore
import Foundation
import TongxinService

/// `tongxin-agenda`: the agenda service (协商什么 — the problem ledger, scope lists, topics,
/// approval, research, meeting plans, the annual plan). All logic lives in AgendaCore; this
/// executable only reads configuration and runs it (ServiceRunner), on port 7102 with
/// metrics on 9102 unless TONGXIN_AGENDA_PORT / TONGXIN_AGENDA_METRICS_PORT say otherwise.
/// Reporters' contacts are sealed with the PII keys (TONGXIN_PII_KEY, TONGXIN_PII_HASH_KEY).
@main
struct AgendaMain {
    static func main() async {
        await ServiceRunner.main(
            service: "agenda", defaultPort: 7102, defaultMetricsPort: 9102,
            migrations: { try AgendaMigrations.all() }
        ) { context in
            guard let pool = context.pool else {
                throw ConfigurationError(variable: "TONGXIN_AGENDA_DATABASE_URL", problem: "must be set")
            }
            guard let vault = context.vault else {
                throw ConfigurationError(variable: "TONGXIN_PII_KEY and TONGXIN_PII_HASH_KEY", problem: "must be set")
            }
            let environment = AgendaEnvironment(pool: pool, vault: vault, clock: context.clock, logger: context.logger)
            return [AgendaService(environment: environment)]
        }
    }
}
