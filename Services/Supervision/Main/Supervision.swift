import Foundation
import SupervisionCore
import TongxinRPC
import TongxinService

/// `tongxin-supervision`: the supervision service (议后监督 — implementation cases, progress,
/// checks, reports to residents, feedback, three zeros, the warning ledger, the consultation
/// index, one matter one archive). All logic lives in SupervisionCore; this executable only
/// reads configuration and runs it (ServiceRunner), on port 7104 with metrics on 9104 unless
/// TONGXIN_SUPERVISION_PORT / TONGXIN_SUPERVISION_METRICS_PORT say otherwise.
///
/// TONGXIN_SUPERVISION_RULES_FILE: a JSON document replacing the default warning rules
/// and/or the consultation index's definition (``SupervisionRuleSet``).
///
/// The dossier's sources (``DossierSource``), one per service:
/// - TONGXIN_SUPERVISION_AGENDA_ADDRESS (`host:port`): agenda's ledger items, topic,
///   approval, research and meeting plan (``AgendaDossierSource``, tokens signed with
///   TONGXIN_AUTH_SECRET for audience `agenda`); unset, those sections say "unavailable:
///   agenda service not configured".
/// - TONGXIN_SUPERVISION_SESSION_ADDRESS (`host:port`): the session service's meetings,
///   attendance, opinions, rounds, votes, outcome, publication, objections and filing
///   (``SessionDossierSource``, tokens for audience `session` with `session.read`); unset,
///   those sections say "unavailable: session service not configured".
@main
struct SupervisionMain {
    static func main() async {
        await ServiceRunner.main(
            service: "supervision", defaultPort: 7104, defaultMetricsPort: 9104,
            migrations: { try SupervisionMigrations.all() }
        ) { context in
            guard let pool = context.pool else {
                throw ConfigurationError(variable: "TONGXIN_SUPERVISION_DATABASE_URL", problem: "must be set")
            }
            let variables = ProcessInfo.processInfo.environment
            var environment = SupervisionEnvironment(pool: pool, clock: context.clock, logger: context.logger)
            if let path = variables["TONGXIN_SUPERVISION_RULES_FILE"], !path.isEmpty {
                do {
                    let rules = try SupervisionRuleSet.load(path: path)
                    if let warnings = rules.warnings { environment.warnings = warnings }
                    if let index = rules.index { environment.index = index }
                } catch {
                    throw ConfigurationError(variable: "TONGXIN_SUPERVISION_RULES_FILE", problem: "cannot be read: \(error)")
                }
            }
            var agenda: any DossierSource = UnavailableSource.agendaNotConfigured
            if let client = try client(variables, "TONGXIN_SUPERVISION_AGENDA_ADDRESS", context) {
                agenda = AgendaDossierSource(client: client, tokens: context.tokens, clock: context.clock)
            }
            let session = try sessionSource(client(variables, "TONGXIN_SUPERVISION_SESSION_ADDRESS", context), context)
            environment.dossierSources = [agenda, session]
            return [SupervisionService(environment: environment)]
        }
    }

    /// The session service's dossier source: over its RPC when TONGXIN_SUPERVISION_SESSION_ADDRESS
    /// is set (``SessionDossierSource``, tokens for audience `session`), else its sections say
    /// "unavailable: session service not configured".
    static func sessionSource(_ client: RPCClient?, _ context: ServiceRunner.Context) -> any DossierSource {
        guard let client else { return UnavailableSource.sessionNotConfigured }
        return SessionDossierSource(client: client, tokens: context.tokens, clock: context.clock)
    }

    /// An RPC client for `host:port` in `variable`, or nil when it is unset.
    static func client(_ variables: [String: String], _ variable: String, _ context: ServiceRunner.Context) throws -> RPCClient? {
        guard let address = variables[variable], !address.isEmpty else { return nil }
        let parts = address.split(separator: ":")
        guard parts.count == 2, let port = Int(parts[1]), (1...65535).contains(port) else {
            throw ConfigurationError(variable: variable, problem: "must be host:port, not \"\(address)\"")
        }
        guard context.tokens.signing != nil else {
            throw ConfigurationError(variable: "TONGXIN_AUTH_SECRET", problem: "must be set to sign calls to other services")
        }
        return RPCClient(
            configuration: RPCClient.Configuration(host: String(parts[0]), port: port, connections: 2, connectTimeout: .seconds(2)),
            logger: context.logger)
    }
}
