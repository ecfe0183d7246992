import Foundation
import SessionCore
import TongxinRPC
import TongxinService

/// `tongxin-session`: the session service (怎么协商 — democracy days, meetings, attendance,
/// opinions, rounds, votes, escalation, publication, filing, minutes). All logic lives in
/// SessionCore; this executable reads configuration and runs it (ServiceRunner), on port
/// 7103 with metrics on 9103 unless TONGXIN_SESSION_PORT / TONGXIN_SESSION_METRICS_PORT say
/// otherwise.
///
/// The services it calls (`host:port` each; tokens signed with TONGXIN_AUTH_SECRET, which
/// must then be set):
/// - TONGXIN_SESSION_AGENDA_ADDRESS: topics and published meeting plans (ScheduleMeeting
///   of a consultation needs it), and the outbox's topic moves (AdvanceTopic);
/// - TONGXIN_SESSION_MEMBERSHIP_ADDRESS: council rosters, snapshotted as invitees (unset:
///   invitees come from the plan's participants);
/// - TONGXIN_SESSION_SUPERVISION_ADDRESS: implementation cases for filed results (OpenCase).
/// A destination that is unset or down keeps its outbox rows until it is reachable.
@main
struct SessionMain {
    static func main() async {
        await ServiceRunner.main(
            service: "session", defaultPort: 7103, defaultMetricsPort: 9103,
            migrations: { try SessionMigrations.all() },
            setup: { context in
                guard let pool = context.pool else {
                    throw ConfigurationError(variable: "TONGXIN_SESSION_DATABASE_URL", problem: "must be set")
                }
                let agenda = try client("TONGXIN_SESSION_AGENDA_ADDRESS", context)
                let membership = try client("TONGXIN_SESSION_MEMBERSHIP_ADDRESS", context)
                let supervision = try client("TONGXIN_SESSION_SUPERVISION_ADDRESS", context)
                let environment = SessionEnvironment(
                    pool: pool, clock: context.clock,
                    topics: agenda.map { AgendaTopicDirectory(client: $0, tokens: context.tokens, clock: context.clock) },
                    rosters: membership.map { MembershipRosterDirectory(client: $0, tokens: context.tokens, clock: context.clock) },
                    logger: context.logger)
                let deliverer = SessionOutbox.deliverer(
                    pool: pool, tokens: context.tokens, clock: context.clock, agenda: agenda, supervision: supervision, logger: context.logger)
                return ServiceRunner.Setup(services: [SessionService(environment: environment)], background: [deliverer])
            })
    }

    /// A client for `variable`'s `host:port`, or nil when it is unset.
    static func client(_ variable: String, _ context: ServiceRunner.Context) throws -> RPCClient? {
        guard let address = ProcessInfo.processInfo.environment[variable], !address.isEmpty else { return nil }
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
