import AgendaAPI
import Foundation
import Logging
import SupervisionAPI
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService

/// What the session service tells the others, written into `session.outbox` in the
/// transaction of the change (``Outbox``) and delivered by the kit's ``OutboxDeliverer``:
///
/// - agenda, `AdvanceTopic` (permission `agenda.advance`): a topic's moves through the
///   sitting — in meeting, resolved, escalated, published, filed — in order per topic;
/// - supervision, `OpenCase` (permission `supervision.intake`): a filed, adopted result;
///   idempotent on the filing id.
///
/// Tokens are the service's own (principal `service:session`), acting at the row's unit.
public enum SessionOutbox {
    public static let table = "session.outbox"
    static let principal = "service:session"

    static func advanceTopic(_ topicID: String, to state: AgendaV1.TopicState, note: String, unitPath: String, countyCode: String) throws -> Outbox.Message {
        try Outbox.Message(
            countyCode: countyCode, unitPath: unitPath, destination: "agenda", kind: "AdvanceTopic", orderingKey: "topic/\(topicID)",
            request: AgendaV1.AdvanceTopicRequest(topicId: topicID, to: state, note: note))
    }

    static func openCase(_ request: SupervisionV1.OpenCaseRequest, countyCode: String) throws -> Outbox.Message {
        try Outbox.Message(
            countyCode: countyCode, unitPath: request.unitPath, destination: "supervision", kind: "OpenCase",
            orderingKey: "filing/\(request.filingId)", request: request)
    }

    /// The deliverer of `session.outbox`, with a handler per destination whose client is
    /// given (a destination without one stays undelivered and is retried).
    public static func deliverer(
        pool: PostgresPool, tokens: TokenAuthority, clock: any ServiceClock = SystemClock(), agenda: RPCClient?, supervision: RPCClient?,
        backoff: OutboxBackoff = OutboxBackoff(), pollInterval: Duration = .milliseconds(500), logger: Logger
    ) -> OutboxDeliverer {
        let peer = PeerTokens(tokens: tokens, clock: clock)
        var handlers: [String: OutboxDeliverer.Handler] = [:]
        if let agenda {
            let api = AgendaV1.Agenda.Client(agenda)
            handlers["agenda"] = { delivery in
                guard delivery.kind == "AdvanceTopic" else { throw OutboxError(message: "unknown agenda message \(delivery.kind)") }
                let request = try AgendaV1.AdvanceTopicRequest(serializedBytes: delivery.payload)
                _ = try await api.advanceTopic(
                    request, options: peer.options(principal: principal, unitPath: delivery.unitPath, permission: "agenda.advance", audience: "agenda"))
            }
        }
        if let supervision {
            let api = SupervisionV1.Supervision.Client(supervision)
            handlers["supervision"] = { delivery in
                guard delivery.kind == "OpenCase" else { throw OutboxError(message: "unknown supervision message \(delivery.kind)") }
                let request = try SupervisionV1.OpenCaseRequest(serializedBytes: delivery.payload)
                _ = try await api.openCase(
                    request, options: peer.options(principal: principal, unitPath: delivery.unitPath, permission: "supervision.intake", audience: "supervision"))
            }
        }
        return OutboxDeliverer(
            pool: pool, table: table, handlers: handlers, backoff: backoff, pollInterval: pollInterval, logger: logger)
    }
}
