import Foundation
import SupervisionRules
import TongxinPostgres
import TongxinSchemas

/// 落实事项 — one row of `supervision.cases` (alias `c`) with its milestones.
struct CaseRecord: PostgresRecord {
    var id: UUID
    var countyCode: String
    var unitPath: String
    var filingID: UUID
    var topicID: UUID
    var meetingID: String
    var resultID: String
    var title: String
    var resultText: String
    var filedAt: Date
    var openedAt: Date
    var state: CaseState
    var responsiblePerson: String
    var responsibleUnitPath: String?
    var deadline: LocalDate?
    var budgetNote: String
    var decidedOn: LocalDate?
    var decisionSummary: String
    var decisionMinutesRef: String
    var assignedAt: Date?
    var percent: Int
    var lastProgressOn: LocalDate?
    var completedAt: Date?
    var closedAt: Date?
    var application: Application?
    var closingNote: String
    var milestones: [MilestoneRecord]
    /// The ratings given so far (the dissatisfied-majority rule reads them).
    var feedback: FeedbackCounts

    static let columns = """
        c.id, c.county_code, c.unit_path::text AS unit_path, c.filing_id, c.topic_id, c.meeting_id, c.result_id, c.title, \
        c.result_text, c.filed_at, c.opened_at, c.state, c.responsible_person, c.responsible_unit_path::text AS responsible_unit_path, \
        c.deadline::text AS deadline, c.budget_note, c.decided_on::text AS decided_on, c.decision_summary, c.decision_minutes_ref, \
        c.assigned_at, c.percent, c.last_progress_on::text AS last_progress_on, c.completed_at, c.closed_at, c.application, \
        c.closing_note, \
        (SELECT coalesce(json_agg(json_build_array(m.id, m.title, m.due_on, m.done_on) ORDER BY m.position), '[]') \
           FROM supervision.milestones m \
          WHERE m.county_code = c.county_code AND m.case_id = c.id AND m.replaced_at IS NULL)::text AS milestones, \
        (SELECT count(*) FROM supervision.feedback f WHERE f.county_code = c.county_code AND f.case_id = c.id AND f.rating = 1) AS rated_1, \
        (SELECT count(*) FROM supervision.feedback f WHERE f.county_code = c.county_code AND f.case_id = c.id AND f.rating = 2) AS rated_2, \
        (SELECT count(*) FROM supervision.feedback f WHERE f.county_code = c.county_code AND f.case_id = c.id AND f.rating = 3) AS rated_3
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        countyCode = try row["county_code"].decode(String.self)
        unitPath = try row["unit_path"].decode(String.self)
        filingID = try row["filing_id"].decode(UUID.self)
        topicID = try row["topic_id"].decode(UUID.self)
        meetingID = try row["meeting_id"].decode(String.self)
        resultID = try row["result_id"].decode(String.self)
        title = try row["title"].decode(String.self)
        resultText = try row["result_text"].decode(String.self)
        filedAt = try row["filed_at"].decode(Date.self)
        openedAt = try row["opened_at"].decode(Date.self)
        state = try row["state"].decode(CaseState.self)
        responsiblePerson = try row["responsible_person"].decode(String.self)
        responsibleUnitPath = try row["responsible_unit_path"].decode(String?.self)
        deadline = try row.localDate("deadline")
        budgetNote = try row["budget_note"].decode(String.self)
        decidedOn = try row.localDate("decided_on")
        decisionSummary = try row["decision_summary"].decode(String.self)
        decisionMinutesRef = try row["decision_minutes_ref"].decode(String.self)
        assignedAt = try row["assigned_at"].decode(Date?.self)
        percent = try row["percent"].decode(Int.self)
        lastProgressOn = try row.localDate("last_progress_on")
        completedAt = try row["completed_at"].decode(Date?.self)
        closedAt = try row["closed_at"].decode(Date?.self)
        application = try row["application"].decode(Application?.self)
        closingNote = try row["closing_note"].decode(String.self)
        milestones = try MilestoneRecord.decode(json: try row["milestones"].decode(String.self))
        feedback = FeedbackCounts(
            satisfied: try row["rated_1"].decode(Int.self), basicallySatisfied: try row["rated_2"].decode(Int.self),
            dissatisfied: try row["rated_3"].decode(Int.self))
    }

    var path: UnitPath {
        get throws { try UnitPath(unitPath) }
    }

    /// The facts the warning rules read, now.
    func facts(in timeZone: TimeZone) -> CaseFacts {
        CaseFacts(
            state: state, openedOn: LocalDate(containing: openedAt, in: timeZone),
            assignedOn: assignedAt.map { LocalDate(containing: $0, in: timeZone) }, deadline: deadline,
            earliestOutstandingMilestone: milestones.filter { $0.doneOn == nil }.map(\.dueOn).min(),
            lastProgressOn: lastProgressOn, feedback: feedback)
    }

    func wire(_ assessment: WarningAssessment) -> SupervisionV1.ImplementationCase {
        SupervisionV1.ImplementationCase(
            id: id.canonicalText, filingId: filingID.canonicalText, unitPath: unitPath, topicId: topicID.canonicalText,
            meetingId: meetingID, resultId: resultID, title: title, resultText: resultText, filedAt: CommonV1.Timestamp(filedAt),
            openedAt: CommonV1.Timestamp(openedAt), state: SupervisionCore.wire(state), responsiblePerson: responsiblePerson,
            responsibleUnitPath: responsibleUnitPath ?? "", deadline: deadline.map(CommonV1.Date.init),
            milestones: milestones.map(\.wire), budgetNote: budgetNote,
            decision: decidedOn.map {
                SupervisionV1.CommitteeDecision(decidedOn: CommonV1.Date($0), summary: decisionSummary, minutesRef: decisionMinutesRef)
            },
            percent: Int32(percent), lastProgressOn: lastProgressOn.map(CommonV1.Date.init),
            level: SupervisionCore.wire(assessment.level), reasons: assessment.reasons.map(\.wire),
            completedAt: completedAt.map(CommonV1.Timestamp.init), closedAt: closedAt.map(CommonV1.Timestamp.init),
            application: application.map { SupervisionCore.wire($0) } ?? .unspecified, closingNote: closingNote)
    }
}

/// 节点 — a milestone as the case row carries it (JSON `[id, title, due_on, done_on]`).
struct MilestoneRecord: Sendable, Hashable {
    var id: String
    var title: String
    var dueOn: LocalDate
    var doneOn: LocalDate?

    static func decode(json: String) throws -> [MilestoneRecord] {
        guard let rows = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[Any]] else {
            throw PostgresError(kind: .decoding, message: "milestones are not a JSON array of arrays")
        }
        return try rows.map { row in
            guard row.count == 4, let id = row[0] as? String, let title = row[1] as? String, let due = row[2] as? String,
                  let dueOn = LocalDate(validating: due)
            else { throw PostgresError(kind: .decoding, message: "a milestone row is malformed") }
            return MilestoneRecord(id: id, title: title, dueOn: dueOn, doneOn: (row[3] as? String).flatMap(LocalDate.init(validating:)))
        }
    }

    var wire: SupervisionV1.Milestone {
        SupervisionV1.Milestone(id: id, title: title, dueOn: CommonV1.Date(dueOn), doneOn: doneOn.map(CommonV1.Date.init))
    }
}
