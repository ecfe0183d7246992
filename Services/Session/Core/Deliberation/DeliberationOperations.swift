import Foundation
import SessionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

struct OpinionRecord: PostgresRecord {
    var id: UUID
    var meetingID: UUID
    var topicID: UUID
    var round: Int
    var speaker: String
    var position: Position
    var text: String
    var corrects: UUID?
    var superseded: Bool
    var recordedAt: Date
    var recordedBy: String

    static let columns = """
        o.id, o.meeting_id, o.topic_id, o.round, o.speaker, o.position, o.text, o.corrects, \
        EXISTS (SELECT 1 FROM session.opinions c WHERE c.county_code = o.county_code AND c.corrects = o.id) AS superseded, \
        o.recorded_at, o.recorded_by
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        meetingID = try row["meeting_id"].decode(UUID.self)
        topicID = try row["topic_id"].decode(UUID.self)
        round = try row["round"].decode(Int.self)
        speaker = try row["speaker"].decode(String.self)
        position = try row["position"].decode(Position.self)
        text = try row["text"].decode(String.self)
        corrects = try row["corrects"].decode(UUID?.self)
        superseded = try row["superseded"].decode(Bool.self)
        recordedAt = try row["recorded_at"].decode(Date.self)
        recordedBy = try row["recorded_by"].decode(String.self)
    }

    var wire: SessionV1.Opinion {
        SessionV1.Opinion(
            id: id.canonicalText, meetingId: meetingID.canonicalText, topicId: topicID.canonicalText, round: Int32(round), speaker: speaker,
            position: SessionCore.wire(position), text: text, corrects: corrects?.canonicalText ?? "", superseded: superseded,
            recordedAt: CommonV1.Timestamp(recordedAt), recordedBy: recordedBy)
    }
}

/// 发言、轮次与升级 (issue 10 §4, §5).
struct DeliberationOperations {
    let scope: CallScope
    let environment: SessionEnvironment

    private var tx: PostgresTransaction { scope.tx }
    private var meetings: MeetingStore { MeetingStore(scope: scope, quorumRules: environment.quorum) }
    private var progress: ProgressStore { ProgressStore(scope: scope) }

    /// 发言: by someone checked in (an invitee, or a resident at an open meeting), on a topic
    /// of the meeting, in the topic's current round. Information sessions record opinions too.
    func record(_ request: SessionV1.RecordOpinionRequest) async throws -> SessionV1.Opinion {
        let speaker = try Validate.text(request.speaker, field: "speaker", limit: 100, required: true)
        let position: Position = try Validate.code(request.position, field: "position")
        let text = try Validate.text(request.text, field: "text", limit: 8000, required: true)
        let topicID = try Validate.target(request.topicId, field: "topic_id", what: "topic")
        let meeting = try await meetings.find(request.meetingId, lock: "FOR SHARE OF m")
        guard meeting.state == .open || meeting.state == .informationSession else {
            throw SessionError.failedPrecondition(
                rule: "meeting.not_open", zh: "会议「\(meeting.state.nameZH)」，不能记录发言", en: "the meeting is \(meeting.state.nameEN); no opinions are recorded")
        }
        let view = try await meetings.view(meeting)
        try meetings.requireTopic(view, topicID)
        let present = try await tx.queryValue(
            Bool.self, "SELECT EXISTS (SELECT 1 FROM session.attendance WHERE county_code = $1 AND meeting_id = $2 AND person = $3)",
            [.text(meeting.countyCode), .uuid(meeting.id), .text(speaker)]) ?? false
        guard present else {
            throw SessionError.failedPrecondition(
                rule: "opinion.not_present", zh: "\(speaker) 未签到，不能记录其发言", en: "\(speaker) has not checked in",
                figures: [.init("speaker", speaker)])
        }
        let round = try await progress.find(topicID).nextRound
        let opinion = try await tx.queryOne(
            OpinionRecord.self,
            """
            WITH inserted AS (
                INSERT INTO session.opinions (county_code, id, meeting_id, topic_id, unit_path, round, speaker, position, text, recorded_at, recorded_by)
                VALUES ($1, $2, $3, $4, $5::ltree, $6, $7, $8, $9, $10, $11) RETURNING *
            )
            SELECT \(OpinionRecord.columns) FROM inserted o
            """,
            [.text(meeting.countyCode), .uuid(UUID()), .uuid(meeting.id), .uuid(topicID), .text(meeting.unitPath), .int(Int64(round)),
             .text(speaker), position.postgresValue, .text(text), .timestamp(scope.now), .text(scope.caller.principal)])
        guard let opinion else { throw SessionError.notFound(what: "meeting") }
        try await scope.audit("RecordOpinion", target: "opinion/\(opinion.id.canonicalText)", unitPath: meeting.unitPath,
                              ["meeting": meeting.id.canonicalText, "topic": topicID.canonicalText, "round": String(round)])
        return opinion.wire
    }

    /// 更正: a new opinion naming the one it corrects; the original stays as it was.
    func correct(_ request: SessionV1.CorrectOpinionRequest) async throws -> SessionV1.Opinion {
        let id = try Validate.target(request.opinionId, field: "opinion_id", what: "opinion")
        let text = try Validate.text(request.text, field: "text", limit: 8000, required: true)
        let county = try Validate.scope(of: scope.caller).countyCode
        guard let original = try await tx.queryOne(
            OpinionRecord.self, "SELECT \(OpinionRecord.columns) FROM session.opinions o WHERE o.county_code = $1 AND o.id = $2",
            [.text(county), .uuid(id)])
        else { throw SessionError.notFound(what: "opinion") }
        guard !original.superseded else {
            throw SessionError.failedPrecondition(
                rule: "opinion.superseded", zh: "该发言已被更正，请更正最新的记录", en: "this opinion was already corrected; correct the latest one")
        }
        let position: Position = request.position.rawValue == 0 ? original.position : try Validate.code(request.position, field: "position")
        let opinion = try await tx.queryOne(
            OpinionRecord.self,
            """
            WITH inserted AS (
                INSERT INTO session.opinions (county_code, id, meeting_id, topic_id, unit_path, round, speaker, position, text, corrects,
                                              recorded_at, recorded_by)
                SELECT county_code, $3, meeting_id, topic_id, unit_path, round, speaker, $4, $5, id, $6, $7
                  FROM session.opinions WHERE county_code = $1 AND id = $2
                ON CONFLICT (county_code, corrects) WHERE corrects IS NOT NULL DO NOTHING
                RETURNING *
            )
            SELECT \(OpinionRecord.columns) FROM inserted o
            """,
            [.text(county), .uuid(id), .uuid(UUID()), position.postgresValue, .text(text), .timestamp(scope.now), .text(scope.caller.principal)])
        // Opinions are append-only (no row lock without UPDATE): a concurrent correction of the
        // same opinion loses on the unique index and is told so.
        guard let opinion else {
            throw SessionError.failedPrecondition(
                rule: "opinion.superseded", zh: "该发言已被更正，请更正最新的记录", en: "this opinion was already corrected; correct the latest one")
        }
        try await scope.audit("CorrectOpinion", target: "opinion/\(opinion.id.canonicalText)", unitPath: try await unitPath(of: original.meetingID),
                              ["corrects": id.canonicalText])
        return opinion.wire
    }

    private func unitPath(of meeting: UUID) async throws -> String {
        try await meetings.find(meeting).unitPath
    }

    func list(_ request: SessionV1.ListOpinionsRequest) async throws -> SessionV1.ListOpinionsResponse {
        let meeting = try await meetings.find(request.meetingId)
        var binds: [PostgresValue] = [.text(meeting.countyCode), .uuid(meeting.id)]
        var filter = ""
        if !request.topicId.isEmpty {
            binds.append(.uuid(try Validate.target(request.topicId, field: "topic_id", what: "topic")))
            filter = " AND o.topic_id = $3"
        }
        let opinions = try await tx.query(
            OpinionRecord.self,
            "SELECT \(OpinionRecord.columns) FROM session.opinions o WHERE o.county_code = $1 AND o.meeting_id = $2\(filter) ORDER BY o.recorded_at, o.id",
            binds)
        return SessionV1.ListOpinionsResponse(opinions: opinions.map(\.wire))
    }

    /// 一轮结束: consensus forms the consultation opinion (a result, draft); not reached opens
    /// the next round, or escalates after the last allowed one; escalate goes to the body the
    /// chair names. A decision: the meeting must be open with quorum.
    func endRound(_ request: SessionV1.EndRoundRequest) async throws -> SessionV1.TopicProgress {
        let outcome: RoundOutcome = try Validate.code(request.outcome, field: "outcome")
        let summary = try Validate.text(request.summary, field: "summary", limit: 8000, required: outcome == .consensus)
        let body: Body? = request.escalateTo.rawValue == 0 ? nil : try Validate.code(request.escalateTo, field: "escalate_to")
        let topicID = try Validate.target(request.topicId, field: "topic_id", what: "topic")
        let meeting = try await meetings.find(request.meetingId, lock: "FOR SHARE OF m")
        let view = try await meetings.requireDeciding(meeting)
        try meetings.requireTopic(view, topicID)
        guard meeting.body == .consultation else {
            throw SessionError.failedPrecondition(
                rule: "round.body_votes", zh: "\(meeting.body.nameZH)以表决作出决定，不进行协商轮次",
                en: "a \(meeting.body.nameEN) decides by vote, not by rounds")
        }
        let topic = try await progress.find(topicID, lock: true)
        guard topic.stage == .deliberating else {
            throw SessionError.failedPrecondition(
                rule: "round.topic_stage", zh: "议题已\(topic.stage.nameZH)，不再进行协商轮次", en: "the topic is \(topic.stage.nameEN); no further rounds")
        }
        let consequence: RoundConsequence
        do {
            consequence = try Rounds.after(
                round: topic.nextRound, outcome: outcome, body: body,
                policy: RoundPolicy(maxRounds: topic.maxRounds, defaultBody: environment.rounds.defaultBody))
        } catch {
            throw SessionError.invalid(error)
        }
        _ = try await tx.execute(
            """
            INSERT INTO session.rounds (county_code, topic_id, number, unit_path, meeting_id, outcome, summary, ended_at, ended_by)
            VALUES ($1, $2, $3, $4::ltree, $5, $6, $7, $8, $9)
            """,
            [.text(topic.countyCode), .uuid(topicID), .int(Int64(topic.nextRound)), .text(topic.unitPath), .uuid(meeting.id),
             outcome.postgresValue, .text(summary), .timestamp(scope.now), .text(scope.caller.principal)])
        switch consequence {
        case .resolved:
            let result = try await ResultStore(scope: scope, publication: environment.publication).create(
                topic: topic, meeting: meeting, basis: .consensus, round: topic.nextRound, vote: nil, adopted: true, text: summary)
            _ = try await tx.execute(
                "UPDATE session.topics SET stage = $3, result_id = $4, next_round = next_round + 1, updated_at = $5 WHERE county_code = $1 AND topic_id = $2",
                [.text(topic.countyCode), .uuid(topicID), TopicStage.resolved.postgresValue, .uuid(result), .timestamp(scope.now)])
            try Outbox.enqueue(into: SessionOutbox.table, in: tx, message: try SessionOutbox.advanceTopic(
                topicID.canonicalText, to: .resolved, note: "第\(topic.nextRound)轮协商达成共识", unitPath: topic.unitPath, countyCode: topic.countyCode))
        case .nextRound(let next):
            _ = try await tx.execute(
                "UPDATE session.topics SET next_round = $3, updated_at = $4 WHERE county_code = $1 AND topic_id = $2",
                [.text(topic.countyCode), .uuid(topicID), .int(Int64(next)), .timestamp(scope.now)])
        case .escalate(let target):
            _ = try await tx.execute(
                "UPDATE session.topics SET stage = $3, escalated_to = $4, next_round = next_round + 1, updated_at = $5 WHERE county_code = $1 AND topic_id = $2",
                [.text(topic.countyCode), .uuid(topicID), TopicStage.escalated.postgresValue, target.postgresValue, .timestamp(scope.now)])
            try Outbox.enqueue(into: SessionOutbox.table, in: tx, message: try SessionOutbox.advanceTopic(
                topicID.canonicalText, to: .escalated, note: "提交\(target.nameZH)", unitPath: topic.unitPath, countyCode: topic.countyCode))
        }
        try await scope.audit("EndRound", target: "topic/\(topicID.canonicalText)", unitPath: topic.unitPath,
                              ["meeting": meeting.id.canonicalText, "round": String(topic.nextRound), "outcome": String(outcome.rawValue)])
        return try await progress.wire(try await progress.find(topicID))
    }

    func get(_ request: SessionV1.GetTopicProgressRequest) async throws -> SessionV1.TopicProgress {
        let id = try Validate.target(request.topicId, field: "topic_id", what: "topic")
        return try await progress.wire(try await progress.find(id))
    }
}
