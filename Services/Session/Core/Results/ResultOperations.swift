import Foundation
import SessionRules
import SupervisionAPI
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService

struct ResultRecord: PostgresRecord {
    var id: UUID
    var unitPath: String
    var countyCode: String
    var topicID: UUID
    var meetingID: UUID
    var title: String
    var basis: ResultBasis
    var round: Int
    var voteID: UUID?
    var adopted: Bool
    var text: String
    var state: ResultState
    var publishedAt: Date?
    var noticeDays: Int
    var noticeLastDay: LocalDate?
    var noticeEndsAt: Date?
    var filingID: UUID?
    var filedAt: Date?
    var createdAt: Date
    var openObjections: Int

    static let columns = """
        r.id, r.unit_path::text AS unit_path, r.county_code, r.topic_id, r.meeting_id, r.title, r.basis, r.round, r.vote_id, r.adopted, \
        r.text, r.state, r.published_at, r.notice_days, r.notice_last_day::text AS notice_last_day, r.notice_ends_at, r.filing_id, \
        r.filed_at, r.created_at, \
        (SELECT count(*) FROM session.objections x WHERE x.county_code = r.county_code AND x.result_id = r.id AND x.state = 1) AS open_objections
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        countyCode = try row["county_code"].decode(String.self)
        topicID = try row["topic_id"].decode(UUID.self)
        meetingID = try row["meeting_id"].decode(UUID.self)
        title = try row["title"].decode(String.self)
        basis = try row["basis"].decode(ResultBasis.self)
        round = try row["round"].decode(Int.self)
        voteID = try row["vote_id"].decode(UUID?.self)
        adopted = try row["adopted"].decode(Bool.self)
        text = try row["text"].decode(String.self)
        state = try row["state"].decode(ResultState.self)
        publishedAt = try row["published_at"].decode(Date?.self)
        noticeDays = try row["notice_days"].decode(Int.self)
        noticeLastDay = try row.localDate("notice_last_day")
        noticeEndsAt = try row["notice_ends_at"].decode(Date?.self)
        filingID = try row["filing_id"].decode(UUID?.self)
        filedAt = try row["filed_at"].decode(Date?.self)
        createdAt = try row["created_at"].decode(Date.self)
        openObjections = try row["open_objections"].decode(Int.self)
    }

    var wire: SessionV1.Result {
        SessionV1.Result(
            id: id.canonicalText, unitPath: unitPath, topicId: topicID.canonicalText, meetingId: meetingID.canonicalText,
            basis: SessionCore.wire(basis), round: Int32(round), voteId: voteID?.canonicalText ?? "", adopted: adopted, text: text,
            state: SessionCore.wire(state), publishedAt: publishedAt.map(CommonV1.Timestamp.init), noticeDays: Int32(noticeDays),
            noticeLastDay: noticeLastDay.map(CommonV1.Date.init), noticeEndsAt: noticeEndsAt.map(CommonV1.Timestamp.init),
            openObjections: Int32(openObjections), filingId: filingID?.canonicalText ?? "", filedAt: filedAt.map(CommonV1.Timestamp.init),
            createdAt: CommonV1.Timestamp(createdAt))
    }
}

struct ObjectionRecord: PostgresRecord {
    var id: UUID
    var resultID: UUID
    var unitPath: String
    var objector: String
    var text: String
    var state: ObjectionState
    var answer: String
    var raisedAt: Date
    var resolvedAt: Date?

    static let columns = "x.id, x.result_id, x.unit_path::text AS unit_path, x.objector, x.text, x.state, x.answer, x.raised_at, x.resolved_at"

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        resultID = try row["result_id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        objector = try row["objector"].decode(String.self)
        text = try row["text"].decode(String.self)
        state = try row["state"].decode(ObjectionState.self)
        answer = try row["answer"].decode(String.self)
        raisedAt = try row["raised_at"].decode(Date.self)
        resolvedAt = try row["resolved_at"].decode(Date?.self)
    }

    var wire: SessionV1.Objection {
        SessionV1.Objection(
            id: id.canonicalText, resultId: resultID.canonicalText, objector: objector, text: text, state: SessionCore.wire(state),
            answer: answer, raisedAt: CommonV1.Timestamp(raisedAt), resolvedAt: resolvedAt.map(CommonV1.Timestamp.init))
    }
}

struct ResultStore {
    let scope: CallScope
    let publication: PublicationPolicy
    private var tx: PostgresTransaction { scope.tx }

    /// Forms a result (draft) for `topic` at `meeting`; returns its id.
    func create(
        topic: ProgressRecord, meeting: MeetingRecord, basis: ResultBasis, round: Int, vote: UUID?, adopted: Bool, text: String
    ) async throws -> UUID {
        let id = UUID()
        _ = try await tx.execute(
            """
            INSERT INTO session.results (county_code, id, unit_path, topic_id, meeting_id, title, basis, round, vote_id, adopted, text, state,
                                         created_at, updated_at)
            VALUES ($1, $2, $3::ltree, $4, $5, $6, $7, $8, $9, $10, $11, \(ResultState.draft.rawValue), $12, $12)
            """,
            [.text(topic.countyCode), .uuid(id), .text(topic.unitPath), .uuid(topic.topicID), .uuid(meeting.id), .text(topic.title),
             basis.postgresValue, .int(Int64(round)), PostgresValue(vote), .bool(adopted), .text(text), .timestamp(scope.now)])
        try await scope.audit("FormResult", target: "result/\(id.canonicalText)", unitPath: topic.unitPath,
                              ["topic": topic.topicID.canonicalText, "basis": String(basis.rawValue), "adopted": String(adopted)])
        return id
    }

    func find(_ raw: String, field: String = "result_id", lock: Bool = false) async throws -> ResultRecord {
        let id = try Validate.target(raw, field: field, what: "result")
        return try await find(id, lock: lock)
    }

    func find(_ id: UUID, lock: Bool = false) async throws -> ResultRecord {
        let county = try Validate.scope(of: scope.caller).countyCode
        let result = try await tx.queryOne(
            ResultRecord.self,
            "SELECT \(ResultRecord.columns) FROM session.results r WHERE r.county_code = $1 AND r.id = $2\(lock ? " FOR UPDATE OF r" : "")",
            [.text(county), .uuid(id)])
        guard let result else { throw SessionError.notFound(what: "result") }
        return result
    }

    func forMeeting(_ meeting: MeetingRecord) async throws -> [ResultRecord] {
        try await tx.query(
            ResultRecord.self, "SELECT \(ResultRecord.columns) FROM session.results r WHERE r.county_code = $1 AND r.meeting_id = $2 ORDER BY r.created_at, r.id",
            [.text(meeting.countyCode), .uuid(meeting.id)])
    }

    /// The notice period as published.
    func period(_ result: ResultRecord) throws -> CivilCodePeriod? {
        guard let publishedAt = result.publishedAt, result.noticeDays > 0 else { return nil }
        return try publication.period(publishedAt: publishedAt, days: result.noticeDays)
    }
}

/// 协商结果、公开、异议、备案 (issue 10 §7).
struct ResultOperations {
    let scope: CallScope
    let environment: SessionEnvironment

    private var tx: PostgresTransaction { scope.tx }
    private var store: ResultStore { ResultStore(scope: scope, publication: environment.publication) }

    func get(_ request: SessionV1.GetResultRequest) async throws -> SessionV1.Result {
        try await store.find(request.resultId).wire
    }

    private func precondition(_ body: () throws(DomainViolation) -> Void) throws {
        do {
            try body()
        } catch {
            throw SessionError.precondition(error)
        }
    }

    /// Drafts only; a filed result is FAILED_PRECONDITION `result.filed`.
    func amend(_ request: SessionV1.AmendResultRequest) async throws -> SessionV1.Result {
        let text = try Validate.text(request.text, field: "text", limit: 8000, required: true)
        let result = try await store.find(request.resultId, lock: true)
        try precondition { () throws(DomainViolation) in try ResultLifecycle.amend(result.state) }
        _ = try await tx.execute(
            "UPDATE session.results SET text = $3, updated_at = $4 WHERE county_code = $1 AND id = $2",
            [.text(result.countyCode), .uuid(result.id), .text(text), .timestamp(scope.now)])
        try await scope.audit("AmendResult", target: "result/\(result.id.canonicalText)", unitPath: result.unitPath)
        return try await store.find(result.id).wire
    }

    /// 公开结果: starts the notice period (default 5 days, Civil Code counting). Idempotent.
    func publish(_ request: SessionV1.PublishResultRequest) async throws -> SessionV1.Result {
        let result = try await store.find(request.resultId, lock: true)
        var fresh = false
        try precondition { () throws(DomainViolation) in fresh = try ResultLifecycle.publish(result.state) }
        guard fresh else { return result.wire }
        let period: CivilCodePeriod
        do {
            period = try environment.publication.period(publishedAt: scope.now, days: Int(request.noticeDays))
        } catch {
            throw SessionError.invalid(error)
        }
        _ = try await tx.execute(
            """
            UPDATE session.results SET state = \(ResultState.published.rawValue), published_at = $3, notice_days = $4, notice_last_day = $5::date,
                   notice_ends_at = $6, updated_at = $3
             WHERE county_code = $1 AND id = $2
            """,
            [.text(result.countyCode), .uuid(result.id), .timestamp(scope.now), .int(Int64(period.days)), .text(period.lastDay.sqlText),
             .timestamp(period.endsAt)])
        try Outbox.enqueue(into: SessionOutbox.table, in: tx, message: try SessionOutbox.advanceTopic(
            result.topicID.canonicalText, to: .published, note: "公开结果，公示至 \(period.lastDay)", unitPath: result.unitPath,
            countyCode: result.countyCode))
        try await scope.audit("PublishResult", target: "result/\(result.id.canonicalText)", unitPath: result.unitPath,
                              ["notice_days": String(period.days), "last_day": period.lastDay.description])
        scope.change("result.published", subject: "result/\(result.id.canonicalText)", unitPath: result.unitPath, state: "PUBLISHED",
                     ["topic": result.topicID.canonicalText, "notice_days": String(period.days), "notice_last_day": period.lastDay.description])
        return try await store.find(result.id).wire
    }

    /// 异议: during the notice period only.
    func raiseObjection(_ request: SessionV1.RaiseObjectionRequest) async throws -> SessionV1.Objection {
        let text = try Validate.text(request.text, field: "text", limit: 4000, required: true)
        let named = try Validate.text(request.objector, field: "objector", limit: 100)
        let objector = named.isEmpty ? scope.caller.principal : named
        let result = try await store.find(request.resultId, lock: true)
        let period = try store.period(result)
        try precondition { () throws(DomainViolation) in try ResultLifecycle.object(result.state, period: period, at: scope.now) }
        let objection = try await tx.queryOne(
            ObjectionRecord.self,
            """
            WITH inserted AS (
                INSERT INTO session.objections (county_code, id, result_id, unit_path, objector, text, state, raised_at)
                VALUES ($1, $2, $3, $4::ltree, $5, $6, \(ObjectionState.open.rawValue), $7) RETURNING *
            )
            SELECT \(ObjectionRecord.columns) FROM inserted x
            """,
            [.text(result.countyCode), .uuid(UUID()), .uuid(result.id), .text(result.unitPath), .text(objector), .text(text), .timestamp(scope.now)])
        guard let objection else { throw SessionError.notFound(what: "result") }
        try await scope.audit("RaiseObjection", target: "result/\(result.id.canonicalText)", unitPath: result.unitPath,
                              ["objection": objection.id.canonicalText])
        scope.change("result.objection", subject: "result/\(result.id.canonicalText)", unitPath: result.unitPath, state: "RAISED",
                     ["objection": objection.id.canonicalText, "topic": result.topicID.canonicalText])
        return objection.wire
    }

    /// Dismissed: filing may go ahead once none is open. Upheld: the result goes back to
    /// draft, to be amended and published again with a new notice period.
    func resolveObjection(_ request: SessionV1.ResolveObjectionRequest) async throws -> SessionV1.Objection {
        let id = try Validate.target(request.objectionId, field: "objection_id", what: "objection")
        let answer = try Validate.text(request.answer, field: "answer", limit: 4000, required: true)
        let county = try Validate.scope(of: scope.caller).countyCode
        guard let objection = try await tx.queryOne(
            ObjectionRecord.self, "SELECT \(ObjectionRecord.columns) FROM session.objections x WHERE x.county_code = $1 AND x.id = $2",
            [.text(county), .uuid(id)])
        else { throw SessionError.notFound(what: "objection") }
        let result = try await store.find(objection.resultID, lock: true)
        guard objection.state == .open else {
            throw SessionError.failedPrecondition(rule: "objection.resolved", zh: "该异议已处理", en: "the objection was already resolved")
        }
        guard result.state == .published else {
            throw SessionError.precondition(ResultLifecycleViolation.filed(result.state))
        }
        let state: ObjectionState = request.upheld ? .upheld : .dismissed
        let updated = try await tx.queryOne(
            ObjectionRecord.self,
            """
            WITH updated AS (
                UPDATE session.objections SET state = $3, answer = $4, resolved_at = $5, resolved_by = $6
                 WHERE county_code = $1 AND id = $2 RETURNING *
            )
            SELECT \(ObjectionRecord.columns) FROM updated x
            """,
            [.text(county), .uuid(id), state.postgresValue, .text(answer), .timestamp(scope.now), .text(scope.caller.principal)])
        if request.upheld {
            // The other open objections fall with the publication they were raised against.
            _ = try await tx.execute(
                """
                UPDATE session.objections SET state = \(ObjectionState.upheld.rawValue), answer = '随另一异议成立，结果退回修改', resolved_at = $3, resolved_by = $4
                 WHERE county_code = $1 AND result_id = $2 AND state = \(ObjectionState.open.rawValue)
                """,
                [.text(county), .uuid(result.id), .timestamp(scope.now), .text(scope.caller.principal)])
            _ = try await tx.execute(
                """
                UPDATE session.results SET state = \(ResultState.draft.rawValue), published_at = NULL, notice_days = 0, notice_last_day = NULL,
                       notice_ends_at = NULL, updated_at = $3
                 WHERE county_code = $1 AND id = $2
                """,
                [.text(county), .uuid(result.id), .timestamp(scope.now)])
        }
        try await scope.audit("ResolveObjection", target: "result/\(result.id.canonicalText)", unitPath: result.unitPath,
                              ["objection": id.canonicalText, "upheld": String(request.upheld)])
        // Upheld, the result is back to draft (withdrawn from publication until published again).
        scope.change("result.objection", subject: "result/\(result.id.canonicalText)", unitPath: result.unitPath, state: "RESOLVED",
                     ["objection": id.canonicalText, "topic": result.topicID.canonicalText, "outcome": request.upheld ? "UPHELD" : "DISMISSED",
                      "result_state": request.upheld ? "DRAFT" : "PUBLISHED"])
        guard let updated else { throw SessionError.notFound(what: "objection") }
        return updated.wire
    }

    func listObjections(_ request: SessionV1.ListObjectionsRequest) async throws -> SessionV1.ListObjectionsResponse {
        let result = try await store.find(request.resultId)
        let objections = try await tx.query(
            ObjectionRecord.self,
            "SELECT \(ObjectionRecord.columns) FROM session.objections x WHERE x.county_code = $1 AND x.result_id = $2 ORDER BY x.raised_at, x.id",
            [.text(result.countyCode), .uuid(result.id)])
        return SessionV1.ListObjectionsResponse(objections: objections.map(\.wire))
    }

    /// 备案登记: after the notice period with no open objection; immutable afterwards. The
    /// filing is written with two outbox messages in the same transaction — agenda (topic
    /// filed) and, for an adopted result, supervision (an implementation case) — delivered
    /// later, at least once. A repeat answers the filed result unchanged.
    func file(_ request: SessionV1.FileResultRequest) async throws -> SessionV1.Result {
        let result = try await store.find(request.resultId, lock: true)
        if result.state == .filed { return result.wire }
        let period = try store.period(result)
        do {
            try ResultLifecycle.file(result.state, period: period, openObjections: result.openObjections, at: scope.now)
        } catch {
            var figures: [ErrorDetail.Figure] = [.init("objections.open", String(result.openObjections))]
            if let period {
                figures.append(.init("notice.last_day", period.lastDay.description))
            }
            throw SessionError.precondition(error, figures: figures)
        }
        let filingID = UUID()
        _ = try await tx.execute(
            "INSERT INTO session.filings (county_code, id, result_id, unit_path, filed_at, filed_by) VALUES ($1, $2, $3, $4::ltree, $5, $6)",
            [.text(result.countyCode), .uuid(filingID), .uuid(result.id), .text(result.unitPath), .timestamp(scope.now), .text(scope.caller.principal)])
        _ = try await tx.execute(
            """
            UPDATE session.results SET state = \(ResultState.filed.rawValue), filing_id = $3, filed_at = $4, updated_at = $4
             WHERE county_code = $1 AND id = $2
            """,
            [.text(result.countyCode), .uuid(result.id), .uuid(filingID), .timestamp(scope.now)])
        try Outbox.enqueue(into: SessionOutbox.table, in: tx, message: try SessionOutbox.advanceTopic(
            result.topicID.canonicalText, to: .filed, note: "备案登记 \(filingID.canonicalText)", unitPath: result.unitPath,
            countyCode: result.countyCode))
        if result.adopted {
            try Outbox.enqueue(into: SessionOutbox.table, in: tx, message: try SessionOutbox.openCase(
                SupervisionV1.OpenCaseRequest(
                    filingId: filingID.canonicalText, unitPath: result.unitPath, topicId: result.topicID.canonicalText,
                    meetingId: result.meetingID.canonicalText, resultId: result.id.canonicalText, title: result.title,
                    resultText: result.text, filedAt: CommonV1.Timestamp(scope.now)),
                countyCode: result.countyCode))
        }
        try await scope.audit("FileResult", target: "result/\(result.id.canonicalText)", unitPath: result.unitPath,
                              ["filing": filingID.canonicalText])
        scope.change("result.filed", subject: "result/\(result.id.canonicalText)", unitPath: result.unitPath, state: "FILED",
                     ["filing": filingID.canonicalText, "topic": result.topicID.canonicalText, "adopted": String(result.adopted)])
        return try await store.find(result.id).wire
    }
}

enum ResultLifecycleViolation {
    static func filed(_ state: ResultState) -> DomainViolation {
        state == .filed
            ? DomainViolation(rule: "result.filed", field: nil, zh: "结果已备案登记，不能再修改", en: "the result is filed and cannot change")
            : DomainViolation(rule: "objection.not_in_notice", field: nil, zh: "结果不在公示期", en: "the result is not under notice")
    }
}
