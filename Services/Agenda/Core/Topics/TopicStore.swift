import AgendaRules
import Foundation
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// SQL over `agenda.topics` and the lifecycle moves: every move asks ``TopicLifecycle`` (the
/// only state machine of topics) and stores what it answers, with an event, an audit record
/// and, for the appeals among its items, a change in the feed, in the same transaction.
struct TopicStore {
    let scope: CallScope
    private var tx: PostgresTransaction { scope.tx }

    func find(_ id: UUID, forUpdate: Bool = false) async throws -> TopicRecord {
        let county = try Validate.scope(of: scope.caller).countyCode
        let topic = try await tx.queryOne(
            TopicRecord.self,
            "SELECT \(TopicRecord.columns) FROM agenda.topics t WHERE t.county_code = $2 AND t.id = $1\(forUpdate ? " FOR UPDATE OF t" : "")",
            [.uuid(id), .text(county)])
        guard let topic else { throw AgendaError.notFound(what: "topic") }
        return topic
    }

    func find(_ raw: String, field: String = "topic_id", forUpdate: Bool = false) async throws -> TopicRecord {
        try await find(try Validate.target(raw, field: field, what: "topic"), forUpdate: forUpdate)
    }

    /// The state ``TopicLifecycle`` allows after `topic`'s for `to`, or FAILED_PRECONDITION
    /// naming both (figures `topic.from`, `topic.to`).
    static func transition(_ topic: TopicRecord, to: TopicState) throws(AgendaError) -> TopicState {
        do {
            return try TopicLifecycle.transition(from: topic.state, to: to, scale: topic.scale)
        } catch {
            throw AgendaError.precondition(error, figures: [.init("topic.from", topic.state.nameEN), .init("topic.to", to.nameEN)])
        }
    }

    /// Moves `topic` to `to` (FAILED_PRECONDITION naming from and to when the lifecycle has
    /// no such edge), with `extra` SQL assignments (`number = $5`, …) and their binds
    /// numbered from $5.
    @discardableResult
    func move(
        _ topic: TopicRecord, to: TopicState, note: String = "", set extra: String = "", _ extraBinds: [PostgresValue] = []
    ) async throws -> TopicRecord {
        let next = try Self.transition(topic, to: to)
        let assignments = extra.isEmpty ? "" : ", " + extra
        let moved = try await tx.queryOne(
            TopicRecord.self,
            """
            WITH moved AS (
                UPDATE agenda.topics SET state = $2, updated_at = $3\(assignments) WHERE id = $1 AND county_code = $4 RETURNING *
            ), event AS (
                INSERT INTO agenda.topic_events (county_code, id, topic_id, unit_path, from_state, to_state, note, principal, at)
                SELECT county_code, gen_random_uuid(), id, unit_path, \(topic.state.rawValue), state, $\(5 + extraBinds.count), $\(6 + extraBinds.count), $3
                  FROM moved
            )
            SELECT \(TopicRecord.columns) FROM moved t
            """,
            [.uuid(topic.id), next.postgresValue, .timestamp(scope.now), .text(topic.countyCode)] + extraBinds
                + [.text(note), .text(scope.caller.principal)])
        guard let moved else { throw AgendaError.notFound(what: "topic") }
        try await scope.audit(
            scope.method, target: "topic/\(topic.id.canonicalText)", unitPath: topic.unitPath,
            ["from": String(topic.state.rawValue), "to": String(next.rawValue)])
        // The appeals among its items follow the topic (AppealFeed).
        try await AppealFeed(scope: scope).topicMoved(moved)
        return moved
    }
}
