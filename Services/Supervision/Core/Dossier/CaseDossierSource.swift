import Foundation
import SupervisionRules
import TongxinPostgres
import TongxinService

/// The supervision service's own part of the dossier: every case opened for the topic with
/// its assignment and closing, progress, checks, reports to residents and feedback, read in
/// the call's transaction (row-level security bounds it to the caller's scope).
struct CaseDossierSource {
    let scope: CallScope
    let store: CaseStore

    /// The topic's cases, oldest first.
    func cases(topic: UUID) async throws -> [CaseRecord] {
        try await scope.tx.query(
            CaseRecord.self,
            "SELECT \(CaseRecord.columns) FROM supervision.cases c WHERE c.county_code = $1 AND c.topic_id = $2 ORDER BY c.opened_at, c.id",
            [.text(try store.county), .uuid(topic)])
    }

    func sections(cases: [CaseRecord]) async throws -> [DossierSection] {
        var caseEntries: [DossierEntry] = [], progress: [DossierEntry] = [], checks: [DossierEntry] = []
        var reports: [DossierEntry] = [], feedback: [DossierEntry] = []
        for record in cases {
            let id = record.id.canonicalText
            caseEntries.append(DossierEntry(
                at: record.openedAt, kind: "opened", summary: "立项落实 / case opened from the filed result",
                fields: [("case", id), ("unit", record.unitPath), ("filing", record.filingID.canonicalText), ("meeting", record.meetingID),
                         ("result", record.resultID), ("result_text", record.resultText), ("filed_at", DossierEntry.format(record.filedAt))]))
            if let assigned = record.assignedAt {
                caseEntries.append(DossierEntry(
                    at: assigned, kind: "assigned", summary: "两委会确定责任人 / the two committees named the responsible person",
                    fields: [("case", id), ("responsible_person", record.responsiblePerson),
                             ("responsible_unit", record.responsibleUnitPath ?? ""), ("deadline", record.deadline?.description ?? ""),
                             ("decided_on", record.decidedOn?.description ?? ""), ("decision", record.decisionSummary),
                             ("minutes", record.decisionMinutesRef), ("budget_note", record.budgetNote),
                             ("milestones", record.milestones.map { "\($0.title) \($0.dueOn)\($0.doneOn.map { " ✓\($0)" } ?? "")" }.joined(separator: "; "))]))
            }
            if let completed = record.completedAt {
                caseEntries.append(DossierEntry(at: completed, kind: "completed", summary: "责任人报告完成 / reported complete", fields: [("case", id)]))
            }
            if let closed = record.closedAt {
                caseEntries.append(DossierEntry(
                    at: closed, kind: "closed", summary: "办结 / closed",
                    fields: [("case", id), ("application", record.application.map { "\($0)" } ?? ""), ("note", record.closingNote)]))
            }
            let activity = try await CaseActivity.load(record, tx: scope.tx)
            progress += activity.progress.map {
                DossierEntry(at: $0.recordedAt, kind: "progress", summary: $0.text,
                             fields: [("case", id), ("percent", "\($0.percent)%"), ("reported_on", $0.reportedOn.description),
                                      ("by", $0.reportedBy), ("attachments", $0.attachments.joined(separator: ", "))])
            }
            checks += activity.checks.map {
                DossierEntry(at: $0.recordedAt, kind: "\($0.outcome)", summary: $0.findings.isEmpty ? "\($0.outcome)" : $0.findings,
                             fields: [("case", id), ("checked_on", $0.checkedOn.description), ("by", $0.checkedBy)])
            }
            reports += activity.reports.map {
                DossierEntry(at: $0.publishedAt, kind: "report", summary: $0.text,
                             fields: [("case", id), ("by", $0.publishedBy), ("attachments", $0.attachments.joined(separator: ", "))])
            }
            feedback += activity.feedback.map {
                DossierEntry(at: $0.submittedAt, kind: "\($0.rating)", summary: $0.comment.isEmpty ? "\($0.rating)" : $0.comment,
                             fields: [("case", id), ("resident", $0.resident)])
            }
            if !activity.recipients.isEmpty {
                let answered = Set(activity.feedback.map(\.resident))
                feedback.append(DossierEntry(
                    at: nil, kind: "recipients", summary: "邀请评议 \(activity.recipients.count) 人，已评 \(answered.count) 人 / \(activity.recipients.count) invited, \(answered.count) answered",
                    fields: [("case", id), ("not_answered", activity.recipients.filter { !answered.contains($0) }.joined(separator: ", "))]))
            }
        }
        let specs = DossierLayout.supervision
        return [
            DossierSection(specs[0], entries: caseEntries), DossierSection(specs[1], entries: progress),
            DossierSection(specs[2], entries: checks), DossierSection(specs[3], entries: reports),
            DossierSection(specs[4], entries: feedback),
        ]
    }
}
