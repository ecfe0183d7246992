import Foundation
import SupervisionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 落实事项 — open a case from a filed result (idempotently), assign it (两委会确定责任人),
/// read and list cases, and read a case's whole file (issue 11 §1).
struct CaseOperations {
    let scope: CallScope
    let store: CaseStore

    private var tx: PostgresTransaction { scope.tx }

    /// 备案 → 落实: the session service delivers a filed result from its outbox, at least
    /// once. The first delivery inserts the case; any later one (also concurrently) finds the
    /// filing's case by `(county_code, filing_id)` and answers it unchanged, writing nothing.
    /// A result that was never filed (no `filed_at`) is FAILED_PRECONDITION `case.unfiled`.
    func open(_ request: SupervisionV1.OpenCaseRequest) async throws -> SupervisionV1.ImplementationCase {
        let filingID = try Validate.id(request.filingId, field: "filing_id")
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let topicID = try Validate.id(request.topicId, field: "topic_id")
        let meetingID = request.meetingId.isEmpty ? "" : try Validate.id(request.meetingId, field: "meeting_id").canonicalText
        let resultID = request.resultId.isEmpty ? "" : try Validate.id(request.resultId, field: "result_id").canonicalText
        let title = try Validate.text(request.title, field: "title", limit: 200, required: true)
        let resultText = try Validate.text(request.resultText, field: "result_text", limit: 8000)
        guard let filed = request.filedAt, filed.seconds != 0 || filed.nanos != 0 else {
            throw SupervisionError.failedPrecondition(
                rule: "case.unfiled", zh: "协商结果尚未备案登记，不能立项落实",
                en: "the result has not been filed with the two committees: no case is opened for it")
        }
        let filedAt = try filed.instant(field: "filed_at")
        guard filedAt <= scope.now.addingTimeInterval(300) else {
            throw SupervisionError.invalidArgument(field: "filed_at", zh: "备案时间晚于当前时间", en: "filed after now")
        }
        let id = UUID()
        let inserted = try await tx.query(
            """
            INSERT INTO supervision.cases (county_code, id, unit_path, filing_id, topic_id, meeting_id, result_id, title, result_text,
                                           filed_at, opened_at, state, updated_at)
            VALUES ($1, $2, $3::ltree, $4, $5, $6, $7, $8, $9, $10, $11, \(CaseState.open.rawValue), $11)
            ON CONFLICT (county_code, filing_id) DO NOTHING
            RETURNING id
            """,
            [.text(unit.countyCode), .uuid(id), .text(unit.description), .uuid(filingID), .uuid(topicID), .text(meetingID),
             .text(resultID), .text(title), .text(resultText), .timestamp(filedAt), .timestamp(scope.now)])
        if !inserted.isEmpty {
            try await scope.audit("OpenCase", target: "case/\(id.canonicalText)", unitPath: unit.description,
                                  ["filing": filingID.canonicalText, "topic": topicID.canonicalText])
            scope.change("case.opened", subject: "case/\(id.canonicalText)", unitPath: unit.description, state: "OPEN",
                         ["filing": filingID.canonicalText, "topic": topicID.canonicalText, "result": resultID])
        }
        let found = try await tx.queryOne(
            CaseRecord.self, "SELECT \(CaseRecord.columns) FROM supervision.cases c WHERE c.county_code = $1 AND c.filing_id = $2",
            [.text(unit.countyCode), .uuid(filingID)])
        guard let found else { throw SupervisionError.notFound(what: "case") }
        return store.wire(found)
    }

    /// 组织实施: the two committees' decision names the responsible person (责任人) and unit,
    /// the deadline, milestones and a budget note. Again while the case runs, it changes the
    /// assignment: milestones not yet done are replaced by those given (kept as replaced, so
    /// past quarters are recomputed from what stood then).
    func assign(_ request: SupervisionV1.AssignCaseRequest) async throws -> SupervisionV1.ImplementationCase {
        let person = try Validate.text(request.responsiblePerson, field: "responsible_person", limit: 100, required: true)
        guard let rawDeadline = request.deadline else { throw SupervisionError.missing("deadline") }
        let deadline = try Validate.date(rawDeadline, field: "deadline")
        guard let decision = request.decision else { throw SupervisionError.missing("decision") }
        guard let rawDecided = decision.decidedOn else { throw SupervisionError.missing("decision.decided_on") }
        let decidedOn = try Validate.date(rawDecided, field: "decision.decided_on")
        let summary = try Validate.text(decision.summary, field: "decision.summary", limit: 4000, required: true)
        let minutes = try Validate.text(decision.minutesRef, field: "decision.minutes_ref", limit: 500)
        let budget = try Validate.text(request.budgetNote, field: "budget_note", limit: 2000)
        guard request.milestones.count <= 50 else {
            throw SupervisionError.invalidArgument(field: "milestones", zh: "节点不超过50个", en: "at most 50 milestones")
        }
        let milestones = try request.milestones.map { spec throws(SupervisionError) -> (String, LocalDate) in
            let title = try Validate.text(spec.title, field: "milestones.title", limit: 200, required: true)
            guard let due = spec.dueOn else { throw .missing("milestones.due_on") }
            let day = try Validate.date(due, field: "milestones.due_on")
            guard day <= deadline else {
                throw .invalidArgument(field: "milestones.due_on", zh: "节点 \(day) 晚于办结期限 \(deadline)",
                                       en: "milestone due \(day) falls after the deadline \(deadline)")
            }
            return (title, day)
        }
        let record = try await store.find(request.caseId, forUpdate: true)
        try CaseStore.check(.assign, record)
        let unit = request.responsibleUnitPath.isEmpty
            ? try record.path : try Validate.unit(request.responsibleUnitPath, field: "responsible_unit_path", caller: scope.caller)
        guard deadline >= store.today, decidedOn <= store.today else {
            throw SupervisionError.invalidArgument(
                field: deadline < store.today ? "deadline" : "decision.decided_on",
                zh: "办结期限不能早于今天，两委会决定不能晚于今天", en: "the deadline cannot be past and the decision cannot be in the future")
        }
        let next = try CaseStore.transition(record, to: .inProgress)
        _ = try await tx.execute(
            """
            UPDATE supervision.cases
               SET state = $3, responsible_person = $4, responsible_unit_path = $5::ltree, deadline = $6::date, budget_note = $7,
                   decided_on = $8::date, decision_summary = $9, decision_minutes_ref = $10,
                   assigned_at = COALESCE(assigned_at, $11), updated_at = $11
             WHERE county_code = $1 AND id = $2
            """,
            [.text(record.countyCode), .uuid(record.id), next.postgresValue, .text(person), .text(unit.description),
             .text(deadline.sqlText), .text(budget), .text(decidedOn.sqlText), .text(summary), .text(minutes), .timestamp(scope.now)])
        if !milestones.isEmpty || record.state == .open {
            _ = try await tx.execute(
                """
                UPDATE supervision.milestones SET replaced_at = $3
                 WHERE county_code = $1 AND case_id = $2 AND done_on IS NULL AND replaced_at IS NULL
                """,
                [.text(record.countyCode), .uuid(record.id), .timestamp(scope.now)])
            for (offset, milestone) in milestones.enumerated() {
                _ = try await tx.execute(
                    """
                    INSERT INTO supervision.milestones (county_code, id, case_id, unit_path, position, title, due_on, created_at)
                    VALUES ($1, gen_random_uuid(), $2, $3::ltree,
                            (SELECT count(*) FROM supervision.milestones WHERE county_code = $1 AND case_id = $2) + $4, $5, $6::date, $7)
                    """,
                    [.text(record.countyCode), .uuid(record.id), .text(record.unitPath), .int(Int64(offset)), .text(milestone.0),
                     .text(milestone.1.sqlText), .timestamp(scope.now)])
            }
        }
        try await scope.audit(
            "AssignCase", target: "case/\(record.id.canonicalText)", unitPath: record.unitPath,
            ["responsible": person, "deadline": deadline.sqlText, "from": String(record.state.rawValue), "to": String(next.rawValue)])
        // The responsible person is named in the case, not in the feed (it leaves the deployment).
        scope.change("case.assigned", subject: "case/\(record.id.canonicalText)", unitPath: record.unitPath, state: "IN_PROGRESS",
                     ["topic": record.topicID.canonicalText, "deadline": deadline.sqlText, "responsible_unit": unit.description,
                      "milestones": String(milestones.count)])
        return store.wire(try await store.find(record.id))
    }

    func get(_ request: SupervisionV1.GetCaseRequest) async throws -> SupervisionV1.ImplementationCase {
        store.wire(try await store.find(request.caseId))
    }

    /// Newest first, keyed by (opened_at, id), over the unit's subtree.
    func list(_ request: SupervisionV1.ListCasesRequest) async throws -> SupervisionV1.ListCasesResponse {
        let under = try Validate.unitOrScope(request.unitPath, caller: scope.caller)
        let page = try KeysetPage(request.page, keyParts: 2)
        var binds: [PostgresValue] = [.text(under.description), .text(under.countyCode)]
        var filters = ["c.county_code = $2", "c.unit_path <@ $1::ltree"]
        if !request.states.isEmpty {
            let states = try request.states.map { value throws(SupervisionError) in Int64((try Validate.code(value, field: "states") as CaseState).rawValue) }
            binds.append(.intArray(states))
            filters.append("c.state = ANY($\(binds.count)::smallint[])")
        }
        if !request.topicId.isEmpty {
            binds.append(.uuid(try Validate.id(request.topicId, field: "topic_id")))
            filters.append("c.topic_id = $\(binds.count)")
        }
        if let after = try page.binds([.timestamp, .uuid]) {
            binds += after
            filters.append("(c.opened_at, c.id) < ($\(binds.count - 1), $\(binds.count))")
        }
        let listing = try await tx.listing(
            CaseRecord.self, page: page, key: { [KeysetPage.key($0.openedAt), $0.id.canonicalText] },
            { columns in
                "SELECT \(columns) FROM supervision.cases c WHERE \(filters.joined(separator: " AND ")) ORDER BY c.county_code, c.opened_at DESC, c.id DESC LIMIT \(page.fetchLimit)"
            }, binds)
        return SupervisionV1.ListCasesResponse(cases: listing.rows.map(store.wire), page: listing.info)
    }

    /// The case with everything recorded about it, in one round trip after the case.
    func file(_ request: SupervisionV1.GetCaseRequest) async throws -> SupervisionV1.CaseFile {
        let record = try await store.find(request.caseId)
        let activity = try await CaseActivity.load(record, tx: tx)
        return SupervisionV1.CaseFile(
            case: store.wire(record), progress: activity.progress.map(\.wire), checks: activity.checks.map(\.wire),
            reports: activity.reports.map { $0.wire(caseTitle: record.title) }, feedback: activity.feedback.map(\.wire),
            feedbackRecipients: activity.recipients)
    }
}
