import Foundation
import SupervisionRules
import TongxinPostgres

/// One case as the warning ledger sees it as of an instant: where it is, what it is called,
/// and the facts the rules read.
struct LedgerCase: PostgresRecord {
    var id: String
    var unitPath: String
    var title: String
    var facts: CaseFacts

    static let columns = "id, unit_path, title, state, opened_on, assigned_on, deadline, milestone_due, last_progress_on, rated_1, rated_2, rated_3"

    init(row: PostgresRow) throws {
        id = try row["id"].decode(String.self)
        unitPath = try row["unit_path"].decode(String.self)
        title = try row["title"].decode(String.self)
        facts = CaseFacts(
            state: try row["state"].decode(CaseState.self), openedOn: try row.requiredDate("opened_on"),
            assignedOn: try row.localDate("assigned_on"), deadline: try row.localDate("deadline"),
            earliestOutstandingMilestone: try row.localDate("milestone_due"), lastProgressOn: try row.localDate("last_progress_on"),
            feedback: FeedbackCounts(
                satisfied: try row["rated_1"].decode(Int.self), basicallySatisfied: try row["rated_2"].decode(Int.self),
                dissatisfied: try row["rated_3"].decode(Int.self)))
    }

    var path: UnitPath? { try? UnitPath(unitPath) }
}

/// 预警事实 — the facts of every case in a subtree **as they stood at an instant**: cases
/// opened by then, their state then (assigned, completed, closed by then), milestones then
/// outstanding (created, not replaced, not done by then), the latest progress report
/// recorded by then and the ratings given by then. So a past quarter's levels are recomputed
/// from what was recorded, without snapshots. (A deadline changed by a reassignment is read
/// as it is now: deadlines are not versioned.)
///
/// One statement: each child table is aggregated per case for the subtree and hash-joined,
/// so a county of 100,000 cases is a few scans, not a lookup per case.
enum FactsQuery {
    static func statement(under: UnitPath, asOf: Date, timeZone: TimeZone) -> (sql: String, binds: [PostgresValue]) {
        let sql = """
            WITH c AS (
                SELECT c.county_code, c.id, c.unit_path, c.title,
                       CASE WHEN c.closed_at <= $3 THEN 4 WHEN c.completed_at <= $3 THEN 3 WHEN c.assigned_at <= $3 THEN 2 ELSE 1 END AS state,
                       (c.opened_at AT TIME ZONE $4)::date AS opened_on,
                       CASE WHEN c.assigned_at <= $3 THEN (c.assigned_at AT TIME ZONE $4)::date END AS assigned_on,
                       CASE WHEN c.assigned_at <= $3 THEN c.deadline END AS deadline
                  FROM supervision.cases c
                 WHERE c.county_code = $1 AND c.unit_path <@ $2::ltree AND c.opened_at <= $3
            ), m AS (
                SELECT m.case_id, min(m.due_on) AS due
                  FROM supervision.milestones m
                 WHERE m.county_code = $1 AND m.unit_path <@ $2::ltree AND m.created_at <= $3
                   AND (m.replaced_at IS NULL OR m.replaced_at > $3) AND (m.done_at IS NULL OR m.done_at > $3)
                 GROUP BY m.case_id
            ), p AS (
                SELECT p.case_id, max(p.reported_on) AS last
                  FROM supervision.progress_reports p
                 WHERE p.county_code = $1 AND p.unit_path <@ $2::ltree AND p.recorded_at <= $3
                 GROUP BY p.case_id
            ), f AS (
                SELECT f.case_id, count(*) FILTER (WHERE f.rating = 1) AS r1, count(*) FILTER (WHERE f.rating = 2) AS r2,
                       count(*) FILTER (WHERE f.rating = 3) AS r3
                  FROM supervision.feedback f
                 WHERE f.county_code = $1 AND f.unit_path <@ $2::ltree AND f.submitted_at <= $3
                 GROUP BY f.case_id
            )
            SELECT c.id::text AS id, c.unit_path::text AS unit_path, c.title, c.state, c.opened_on::text AS opened_on,
                   c.assigned_on::text AS assigned_on, c.deadline::text AS deadline, m.due::text AS milestone_due,
                   p.last::text AS last_progress_on, coalesce(f.r1, 0) AS rated_1, coalesce(f.r2, 0) AS rated_2,
                   coalesce(f.r3, 0) AS rated_3
              FROM c
              LEFT JOIN m ON m.case_id = c.id
              LEFT JOIN p ON p.case_id = c.id
              LEFT JOIN f ON f.case_id = c.id
            """
        return (sql, [.text(under.countyCode), .text(under.description), .timestamp(asOf), .text(timeZone.identifier)])
    }

    static func load(under: UnitPath, asOf: Date, timeZone: TimeZone, tx: PostgresTransaction) async throws -> [LedgerCase] {
        let statement = statement(under: under, asOf: asOf, timeZone: timeZone)
        return try await tx.query(LedgerCase.self, statement.sql, statement.binds)
    }
}

/// A case with its level as of an instant.
struct AssessedCase: Sendable {
    let ledger: LedgerCase
    let assessment: WarningAssessment
}

extension WarningRules {
    func assess(_ cases: [LedgerCase], on day: LocalDate) -> [AssessedCase] {
        cases.map { AssessedCase(ledger: $0, assessment: assess($0.facts, on: day)) }
    }
}
