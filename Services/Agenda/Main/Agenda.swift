import AgendaCore
import Foundation
import TongxinRPC
import TongxinService

/// `tongxin-agenda`: the agenda service (协商什么 — the problem ledger, scope lists, topics,
/// approval, research, meeting plans, the annual plan). All logic lives in AgendaCore; this
/// executable only reads configuration and runs it (ServiceRunner), on port 7102 with
/// metrics on 9102 unless TONGXIN_AGENDA_PORT / TONGXIN_AGENDA_METRICS_PORT say otherwise.
/// Reporters' contacts are sealed with the PII keys (TONGXIN_PII_KEY, TONGXIN_PII_HASH_KEY).
///
/// TONGXIN_AGENDA_MEMBERSHIP_ADDRESS (`host:port`, e.g. `127.0.0.1:7101`): when set, every
/// unit a request names must be registered in membership (``MembershipUnitDirectory``, a
/// short token signed with TONGXIN_AUTH_SECRET for audience `membership`); unset, unit paths
/// inside the caller's scope are taken as given.
///
/// TONGXIN_AGENDA_PLAN_LEAD_DAYS, TONGXIN_AGENDA_MEETING_DUE_DAYS and TONGXIN_AGENDA_TIME_ZONE
/// set the deployment's lead time of meeting plans, meeting deadlines per scale and zone
/// (``AgendaSettings``); a bad value stops it at start (exit 78) naming the variable.
@main
struct AgendaMain {
    static func main() async {
        await ServiceRunner.main(
            service: "agenda", defaultPort: 7102, defaultMetricsPort: 9102,
            migrations: { try AgendaMigrations.all() }
        ) { context in
            let settings = try AgendaSettings.fromEnvironment(ProcessInfo.processInfo.environment)
            guard let pool = context.pool else {
                throw ConfigurationError(variable: "TONGXIN_AGENDA_DATABASE_URL", problem: "must be set")
            }
            guard let vault = context.vault else {
                throw ConfigurationError(variable: "TONGXIN_PII_KEY and TONGXIN_PII_HASH_KEY", problem: "must be set")
            }
            var directory: MembershipUnitDirectory?
            if let address = ProcessInfo.processInfo.environment["TONGXIN_AGENDA_MEMBERSHIP_ADDRESS"], !address.isEmpty {
                let parts = address.split(separator: ":")
                guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
                    throw ConfigurationError(variable: "TONGXIN_AGENDA_MEMBERSHIP_ADDRESS", problem: "must be host:port, not \"\(address)\"")
                }
                guard context.tokens.signing != nil else {
                    throw ConfigurationError(variable: "TONGXIN_AUTH_SECRET", problem: "must be set to sign membership lookups")
                }
                let client = RPCClient(
                    configuration: RPCClient.Configuration(host: String(parts[0]), port: port, connections: 2, connectTimeout: .seconds(2)),
                    logger: context.logger)
                directory = MembershipUnitDirectory(client: client, tokens: context.tokens, clock: context.clock)
            }
            let environment = AgendaEnvironment(
                pool: pool, vault: vault, clock: context.clock, scales: settings.scales, timeZone: settings.timeZone,
                units: directory, councils: directory, logger: context.logger)
            return [AgendaService(environment: environment)]
        }
    }
}
