import Foundation
import SupervisionRules
import TongxinPostgres
import TongxinSchemas

/// 进展 — one row of `supervision.progress_reports`.
struct ProgressRecord: PostgresRecord {
    var id: UUID
    var caseID: UUID
    var text: String
    var percent: Int
    var attachments: [String]
    var reportedOn: LocalDate
    var completedMilestoneIDs: [String]
    var reportedBy: String
    var recordedAt: Date

    static let columns = """
        p.id, p.case_id, p.text, p.percent, p.attachments, p.reported_on::text AS reported_on, p.completed_milestone_ids, \
        p.reported_by, p.recorded_at
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        caseID = try row["case_id"].decode(UUID.self)
        text = try row["text"].decode(String.self)
        percent = try row["percent"].decode(Int.self)
        attachments = try row["attachments"].decode([String].self)
        reportedOn = try row.requiredDate("reported_on")
        completedMilestoneIDs = try row["completed_milestone_ids"].decode([String].self)
        reportedBy = try row["reported_by"].decode(String.self)
        recordedAt = try row["recorded_at"].decode(Date.self)
    }

    var wire: SupervisionV1.ProgressReport {
        SupervisionV1.ProgressReport(
            id: id.canonicalText, caseId: caseID.canonicalText, text: text, percent: Int32(percent), attachments: attachments,
            reportedOn: CommonV1.Date(reportedOn), completedMilestoneIds: completedMilestoneIDs, reportedBy: reportedBy,
            recordedAt: CommonV1.Timestamp(recordedAt))
    }
}

/// 监督检查 — one row of `supervision.checks`.
struct CheckRecord: PostgresRecord {
    var id: UUID
    var caseID: UUID
    var outcome: CheckOutcome
    var findings: String
    var checkedOn: LocalDate
    var checkedBy: String
    var recordedAt: Date

    static let columns = "k.id, k.case_id, k.outcome, k.findings, k.checked_on::text AS checked_on, k.checked_by, k.recorded_at"

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        caseID = try row["case_id"].decode(UUID.self)
        outcome = try row["outcome"].decode(CheckOutcome.self)
        findings = try row["findings"].decode(String.self)
        checkedOn = try row.requiredDate("checked_on")
        checkedBy = try row["checked_by"].decode(String.self)
        recordedAt = try row["recorded_at"].decode(Date.self)
    }

    var wire: SupervisionV1.SupervisionCheck {
        SupervisionV1.SupervisionCheck(
            id: id.canonicalText, caseId: caseID.canonicalText, outcome: SupervisionCore.wire(outcome), findings: findings,
            checkedOn: CommonV1.Date(checkedOn), checkedBy: checkedBy, recordedAt: CommonV1.Timestamp(recordedAt))
    }
}

/// 向群众晒事 — one row of `supervision.resident_reports` (with its case's title when listed).
struct ReportRecord: PostgresRecord {
    var id: UUID
    var caseID: UUID
    var unitPath: String
    var text: String
    var attachments: [String]
    var publishedBy: String
    var publishedAt: Date
    var caseTitle: String

    static let columns = """
        r.id, r.case_id, r.unit_path::text AS unit_path, r.text, r.attachments, r.published_by, r.published_at, \
        (SELECT c.title FROM supervision.cases c WHERE c.county_code = r.county_code AND c.id = r.case_id) AS case_title
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        caseID = try row["case_id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        text = try row["text"].decode(String.self)
        attachments = try row["attachments"].decode([String].self)
        publishedBy = try row["published_by"].decode(String.self)
        publishedAt = try row["published_at"].decode(Date.self)
        caseTitle = try row["case_title"].decode(String?.self) ?? ""
    }

    func wire(caseTitle: String? = nil) -> SupervisionV1.ResidentReport {
        SupervisionV1.ResidentReport(
            id: id.canonicalText, caseId: caseID.canonicalText, unitPath: unitPath, text: text, attachments: attachments,
            publishedBy: publishedBy, publishedAt: CommonV1.Timestamp(publishedAt), caseTitle: caseTitle ?? self.caseTitle)
    }
}

/// 评议 — one row of `supervision.feedback`.
struct FeedbackRecord: PostgresRecord {
    var id: UUID
    var caseID: UUID
    var resident: String
    var rating: Rating
    var comment: String
    var submittedAt: Date

    static let columns = "f.id, f.case_id, f.resident, f.rating, f.comment, f.submitted_at"

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        caseID = try row["case_id"].decode(UUID.self)
        resident = try row["resident"].decode(String.self)
        rating = try row["rating"].decode(Rating.self)
        comment = try row["comment"].decode(String.self)
        submittedAt = try row["submitted_at"].decode(Date.self)
    }

    var wire: SupervisionV1.Feedback {
        SupervisionV1.Feedback(
            id: id.canonicalText, caseId: caseID.canonicalText, resident: resident, rating: SupervisionCore.wire(rating),
            comment: comment, submittedAt: CommonV1.Timestamp(submittedAt))
    }
}

/// Everything recorded about one case, each list in the order it happened.
struct CaseActivity: Sendable {
    var progress: [ProgressRecord]
    var checks: [CheckRecord]
    var reports: [ReportRecord]
    var feedback: [FeedbackRecord]
    var recipients: [String]

    /// Five statements in one round trip.
    static func load(_ record: CaseRecord, tx: PostgresTransaction) async throws -> CaseActivity {
        let binds: [PostgresValue] = [.text(record.countyCode), .uuid(record.id)]
        let rows = try await tx.queries([
            ("SELECT \(ProgressRecord.columns) FROM supervision.progress_reports p WHERE p.county_code = $1 AND p.case_id = $2 ORDER BY p.recorded_at, p.id", binds),
            ("SELECT \(CheckRecord.columns) FROM supervision.checks k WHERE k.county_code = $1 AND k.case_id = $2 ORDER BY k.recorded_at, k.id", binds),
            ("SELECT \(ReportRecord.columns) FROM supervision.resident_reports r WHERE r.county_code = $1 AND r.case_id = $2 ORDER BY r.published_at, r.id", binds),
            ("SELECT \(FeedbackRecord.columns) FROM supervision.feedback f WHERE f.county_code = $1 AND f.case_id = $2 ORDER BY f.submitted_at, f.id", binds),
            ("SELECT resident FROM supervision.feedback_recipients WHERE county_code = $1 AND case_id = $2 ORDER BY resident", binds),
        ])
        return CaseActivity(
            progress: try rows[0].map(ProgressRecord.init(row:)), checks: try rows[1].map(CheckRecord.init(row:)),
            reports: try rows[2].map(ReportRecord.init(row:)), feedback: try rows[3].map(FeedbackRecord.init(row:)),
            recipients: try rows[4].map { try $0["resident"].decode(String.self) })
    }
}
