import Foundation
import SupervisionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// What happens while a case runs (issue 11 §2, §3): progress by the responsible person,
/// checks by the supervision committee, reports to residents (向群众晒事), feedback from
/// residents (邀群众评事). Each asks ``CaseLifecycle`` whether the case's state allows it.
struct ActivityOperations {
    let scope: CallScope
    let store: CaseStore

    private var tx: PostgresTransaction { scope.tx }

    /// 进展报告 — by the responsible person only: the token's principal must be the case's
    /// `responsible_person` (PERMISSION_DENIED `progress.responsible_person` for anyone
    /// else). 100% completes the case.
    func reportProgress(_ request: SupervisionV1.ReportProgressRequest) async throws -> SupervisionV1.ProgressReport {
        let percent: Int
        do {
            percent = try CaseInput.percent(Int(request.percent))
        } catch {
            throw SupervisionError.invalid(error)
        }
        let text = try Validate.text(request.text, field: "text", limit: 8000, required: true)
        let attachments = try Validate.references(request.attachments, field: "attachments")
        let record = try await store.find(request.caseId, forUpdate: true)
        try CaseStore.check(.reportProgress, record)
        guard record.responsiblePerson == scope.caller.principal else {
            throw SupervisionError.permissionDenied(
                rule: "progress.responsible_person", zh: "只有责任人可以报告进展",
                en: "only the case's responsible person reports its progress")
        }
        let reportedOn = try store.day(request.reportedOn, field: "reported_on", of: record)
        var completed: [String] = []
        for raw in request.completedMilestoneIds {
            guard let milestone = record.milestones.first(where: { $0.id == raw }), milestone.doneOn == nil else {
                throw SupervisionError.invalidArgument(
                    field: "completed_milestone_ids", zh: "节点 \(raw) 不是本事项未完成的节点",
                    en: "\(raw) is not an outstanding milestone of this case")
            }
            if !completed.contains(raw) { completed.append(raw) }
        }
        let next = percent == 100 ? try CaseStore.transition(record, to: .completed) : record.state
        let id = UUID()
        _ = try await tx.execute(
            """
            INSERT INTO supervision.progress_reports (county_code, id, case_id, unit_path, text, percent, attachments, reported_on,
                                                      completed_milestone_ids, reported_by, recorded_at)
            VALUES ($1, $2, $3, $4::ltree, $5, $6, $7, $8::date, $9, $10, $11)
            """,
            [.text(record.countyCode), .uuid(id), .uuid(record.id), .text(record.unitPath), .text(text), .int(Int64(percent)),
             .textArray(attachments), .text(reportedOn.sqlText), .textArray(completed), .text(scope.caller.principal),
             .timestamp(scope.now)])
        if !completed.isEmpty {
            _ = try await tx.execute(
                """
                UPDATE supervision.milestones SET done_on = $3::date, done_at = $4
                 WHERE county_code = $1 AND case_id = $2 AND id::text = ANY($5) AND done_on IS NULL
                """,
                [.text(record.countyCode), .uuid(record.id), .text(reportedOn.sqlText), .timestamp(scope.now), .textArray(completed)])
        }
        _ = try await tx.execute(
            """
            UPDATE supervision.cases
               SET percent = $3, last_progress_on = GREATEST(last_progress_on, $4::date), state = $5,
                   completed_at = CASE WHEN $5 = \(CaseState.completed.rawValue) THEN $6 ELSE completed_at END, updated_at = $6
             WHERE county_code = $1 AND id = $2
            """,
            [.text(record.countyCode), .uuid(record.id), .int(Int64(percent)), .text(reportedOn.sqlText), next.postgresValue,
             .timestamp(scope.now)])
        try await scope.audit(
            "ReportProgress", target: "case/\(record.id.canonicalText)", unitPath: record.unitPath,
            ["percent": String(percent), "report": id.canonicalText])
        scope.change("case.progress", subject: "case/\(record.id.canonicalText)", unitPath: record.unitPath, state: String(percent),
                     ["topic": record.topicID.canonicalText, "report": id.canonicalText, "reported_on": reportedOn.sqlText,
                      "completed": String(next == .completed)])
        let stored = try await tx.queryOne(
            ProgressRecord.self, "SELECT \(ProgressRecord.columns) FROM supervision.progress_reports p WHERE p.county_code = $1 AND p.id = $2",
            [.text(record.countyCode), .uuid(id)])
        guard let stored else { throw SupervisionError.notFound(what: "case") }
        return stored.wire
    }

    /// 监督检查 — by the supervision committee (permission `supervision.check`).
    func check(_ request: SupervisionV1.RecordCheckRequest) async throws -> SupervisionV1.SupervisionCheck {
        let outcome: CheckOutcome = try Validate.code(request.outcome, field: "outcome")
        let findings = try Validate.text(request.findings, field: "findings", limit: 8000, required: outcome != .onTrack)
        let record = try await store.find(request.caseId, forUpdate: true)
        try CaseStore.check(.check, record)
        let checkedOn = try store.day(request.checkedOn, field: "checked_on", of: record)
        let id = UUID()
        let stored = try await tx.queryOne(
            CheckRecord.self,
            """
            WITH k AS (
                INSERT INTO supervision.checks (county_code, id, case_id, unit_path, outcome, findings, checked_on, checked_by, recorded_at)
                VALUES ($1, $2, $3, $4::ltree, $5, $6, $7::date, $8, $9)
                RETURNING *
            )
            SELECT \(CheckRecord.columns) FROM k
            """,
            [.text(record.countyCode), .uuid(id), .uuid(record.id), .text(record.unitPath), outcome.postgresValue, .text(findings),
             .text(checkedOn.sqlText), .text(scope.caller.principal), .timestamp(scope.now)])
        try await scope.audit("RecordCheck", target: "case/\(record.id.canonicalText)", unitPath: record.unitPath,
                              ["outcome": String(outcome.rawValue), "check": id.canonicalText])
        guard let stored else { throw SupervisionError.notFound(what: "case") }
        return stored.wire
    }

    /// 向群众晒事 — a report to the residents of the case's unit.
    func publish(_ request: SupervisionV1.PublishReportRequest) async throws -> SupervisionV1.ResidentReport {
        let text = try Validate.text(request.text, field: "text", limit: 8000, required: true)
        let attachments = try Validate.references(request.attachments, field: "attachments")
        let record = try await store.find(request.caseId)
        try CaseStore.check(.publishReport, record)
        let id = UUID()
        _ = try await tx.execute(
            """
            INSERT INTO supervision.resident_reports (county_code, id, case_id, unit_path, text, attachments, published_by, published_at)
            VALUES ($1, $2, $3, $4::ltree, $5, $6, $7, $8)
            """,
            [.text(record.countyCode), .uuid(id), .uuid(record.id), .text(record.unitPath), .text(text), .textArray(attachments),
             .text(scope.caller.principal), .timestamp(scope.now)])
        try await scope.audit("PublishReport", target: "case/\(record.id.canonicalText)", unitPath: record.unitPath, ["report": id.canonicalText])
        return SupervisionV1.ResidentReport(
            id: id.canonicalText, caseId: record.id.canonicalText, unitPath: record.unitPath, text: text, attachments: attachments,
            publishedBy: scope.caller.principal, publishedAt: CommonV1.Timestamp(scope.now), caseTitle: record.title)
    }

    /// The reports published in a unit's subtree, newest first.
    func listReports(_ request: SupervisionV1.ListReportsRequest) async throws -> SupervisionV1.ListReportsResponse {
        let under = try Validate.unitOrScope(request.unitPath, caller: scope.caller)
        let page = try KeysetPage(request.page, keyParts: 2)
        var binds: [PostgresValue] = [.text(under.description), .text(under.countyCode)]
        var filters = ["r.county_code = $2", "r.unit_path <@ $1::ltree"]
        if let after = try page.binds([.timestamp, .uuid]) {
            binds += after
            filters.append("(r.published_at, r.id) < ($\(binds.count - 1), $\(binds.count))")
        }
        let listing = try await tx.listing(
            ReportRecord.self, page: page, key: { [KeysetPage.key($0.publishedAt), $0.id.canonicalText] },
            { columns in
                "SELECT \(columns) FROM supervision.resident_reports r WHERE \(filters.joined(separator: " AND ")) ORDER BY r.county_code, r.published_at DESC, r.id DESC LIMIT \(page.fetchLimit)"
            }, binds)
        return SupervisionV1.ListReportsResponse(reports: listing.rows.map { $0.wire() }, page: listing.info)
    }

    /// 邀群众评事 — names the residents asked to rate a completed case (the feedback
    /// recipients "三零" counts). Idempotent: a resident invited twice is one recipient.
    func invite(_ request: SupervisionV1.InviteFeedbackRequest) async throws -> SupervisionV1.InviteFeedbackResponse {
        guard !request.residents.isEmpty, request.residents.count <= 1000 else {
            throw SupervisionError.invalidArgument(field: "residents", zh: "须列出 1–1000 名群众", en: "name 1–1000 residents")
        }
        let residents = try request.residents.map { value throws(SupervisionError) in
            try Validate.text(value, field: "residents", limit: 100, required: true)
        }
        let record = try await store.find(request.caseId, forUpdate: true)
        try CaseStore.check(.inviteFeedback, record)
        let added = try await tx.query(
            """
            INSERT INTO supervision.feedback_recipients (county_code, case_id, resident, unit_path, invited_at)
            SELECT $1, $2, r, $3::ltree, $4 FROM unnest($5::text[]) AS r
            ON CONFLICT DO NOTHING
            RETURNING resident
            """,
            [.text(record.countyCode), .uuid(record.id), .text(record.unitPath), .timestamp(scope.now), .textArray(Array(Set(residents)))])
        if !added.isEmpty {
            try await scope.audit("InviteFeedback", target: "case/\(record.id.canonicalText)", unitPath: record.unitPath,
                                  ["invited": String(added.count)])
        }
        let all = try await tx.query(
            "SELECT resident FROM supervision.feedback_recipients WHERE county_code = $1 AND case_id = $2 ORDER BY resident",
            [.text(record.countyCode), .uuid(record.id)])
        return SupervisionV1.InviteFeedbackResponse(recipients: try all.map { try $0["resident"].decode(String.self) })
    }

    /// 评议 — a resident (the caller) rates a completed case once: a second rating by the same
    /// resident is ALREADY_EXISTS, also when both arrive at once (the unique key decides).
    func submitFeedback(_ request: SupervisionV1.SubmitFeedbackRequest) async throws -> SupervisionV1.Feedback {
        let rating: Rating = try Validate.code(request.rating, field: "rating")
        let comment = try Validate.text(request.comment, field: "comment", limit: 2000)
        let record = try await store.find(request.caseId)
        try CaseStore.check(.submitFeedback, record)
        let id = UUID()
        let stored = try await tx.queryOne(
            FeedbackRecord.self,
            """
            WITH f AS (
                INSERT INTO supervision.feedback (county_code, id, case_id, unit_path, resident, rating, comment, submitted_at)
                VALUES ($1, $2, $3, $4::ltree, $5, $6, $7, $8)
                ON CONFLICT (county_code, case_id, resident) DO NOTHING
                RETURNING *
            )
            SELECT \(FeedbackRecord.columns) FROM f
            """,
            [.text(record.countyCode), .uuid(id), .uuid(record.id), .text(record.unitPath), .text(scope.caller.principal),
             rating.postgresValue, .text(comment), .timestamp(scope.now)])
        guard let stored else {
            throw SupervisionError.alreadyExists(
                field: "case_id", zh: "您已评议过此事项", en: "you have already rated this case")
        }
        try await scope.audit("SubmitFeedback", target: "case/\(record.id.canonicalText)", unitPath: record.unitPath,
                              ["rating": String(rating.rawValue)])
        return stored.wire
    }
}
