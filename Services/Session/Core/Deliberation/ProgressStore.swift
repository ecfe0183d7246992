import Foundation
import SessionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// One row of `session.topics`: where a topic stands here.
struct ProgressRecord: PostgresRecord {
    var topicID: UUID
    var unitPath: String
    var countyCode: String
    var title: String
    var stage: TopicStage
    var nextRound: Int
    var maxRounds: Int
    var escalatedTo: Body?
    var resultID: UUID?

    static let columns = """
        p.topic_id, p.unit_path::text AS unit_path, p.county_code, p.title, p.stage, p.next_round, p.max_rounds, p.escalated_to, p.result_id
        """

    init(row: PostgresRow) throws {
        topicID = try row["topic_id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        countyCode = try row["county_code"].decode(String.self)
        title = try row["title"].decode(String.self)
        stage = try row["stage"].decode(TopicStage.self)
        nextRound = try row["next_round"].decode(Int.self)
        maxRounds = try row["max_rounds"].decode(Int.self)
        escalatedTo = try row["escalated_to"].decode(Body?.self)
        resultID = try row["result_id"].decode(UUID?.self)
    }
}

struct RoundRecord: PostgresRecord {
    var topicID: UUID
    var number: Int
    var meetingID: UUID
    var outcome: RoundOutcome
    var summary: String
    var endedAt: Date

    static let columns = "r.topic_id, r.number, r.meeting_id, r.outcome, r.summary, r.ended_at"

    init(row: PostgresRow) throws {
        topicID = try row["topic_id"].decode(UUID.self)
        number = try row["number"].decode(Int.self)
        meetingID = try row["meeting_id"].decode(UUID.self)
        outcome = try row["outcome"].decode(RoundOutcome.self)
        summary = try row["summary"].decode(String.self)
        endedAt = try row["ended_at"].decode(Date.self)
    }

    var wire: SessionV1.Round {
        SessionV1.Round(
            topicId: topicID.canonicalText, number: Int32(number), meetingId: meetingID.canonicalText,
            outcome: SessionCore.wire(outcome), summary: summary, endedAt: CommonV1.Timestamp(endedAt))
    }
}

struct ProgressStore {
    let scope: CallScope
    private var tx: PostgresTransaction { scope.tx }

    func find(_ ids: [UUID], lock: Bool = false) async throws -> [UUID: ProgressRecord] {
        let county = try Validate.scope(of: scope.caller).countyCode
        let rows = try await tx.query(
            ProgressRecord.self,
            "SELECT \(ProgressRecord.columns) FROM session.topics p WHERE p.county_code = $1 AND p.topic_id = ANY($2::uuid[])\(lock ? " FOR UPDATE OF p" : "")",
            [.text(county), .textArray(ids.map(\.canonicalText))])
        return Dictionary(rows.map { ($0.topicID, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func find(_ id: UUID, lock: Bool = false) async throws -> ProgressRecord {
        guard let record = try await find([id], lock: lock)[id] else { throw SessionError.notFound(what: "topic") }
        return record
    }

    /// The topic's first meeting starts its record here (later meetings find it).
    func begin(_ id: UUID, unitPath: String, title: String, maxRounds: Int) async throws {
        _ = try await tx.execute(
            """
            INSERT INTO session.topics (county_code, topic_id, unit_path, title, stage, next_round, max_rounds, updated_at)
            VALUES (session.county_of($2::ltree), $1, $2::ltree, $3, \(TopicStage.deliberating.rawValue), 1, $4, $5)
            ON CONFLICT (county_code, topic_id) DO NOTHING
            """,
            [.uuid(id), .text(unitPath), .text(title), .int(Int64(maxRounds)), .timestamp(scope.now)])
    }

    func rounds(_ id: UUID, county: String) async throws -> [RoundRecord] {
        try await tx.query(
            RoundRecord.self, "SELECT \(RoundRecord.columns) FROM session.rounds r WHERE r.county_code = $1 AND r.topic_id = $2 ORDER BY r.number",
            [.text(county), .uuid(id)])
    }

    func wire(_ progress: ProgressRecord) async throws -> SessionV1.TopicProgress {
        SessionV1.TopicProgress(
            topicId: progress.topicID.canonicalText, stage: SessionCore.wire(progress.stage),
            rounds: try await rounds(progress.topicID, county: progress.countyCode).map(\.wire),
            nextRound: Int32(progress.nextRound), maxRounds: Int32(progress.maxRounds),
            escalatedTo: progress.escalatedTo.map { SessionCore.wire($0) } ?? SessionV1.Body(rawValue: 0),
            resultId: progress.resultID?.canonicalText ?? "")
    }
}
