import Foundation
import SupervisionRules
import TongxinPostgres

/// One case as the warning ledger sees it as of an instant: where it is and the facts the
/// rules read. Titles are read only for the cases a report shows (``FactsQuery/titles``).
struct LedgerCase: PostgresRecord {
    var id: String
    var unitPath: String
    var facts: CaseFacts

    static let columns = "id, unit_path, state, opened_on, assigned_on, deadline, milestone_due, last_progress_on, rated_1, rated_2, rated_3"

    /// Days are selected as integers since 1970-01-01: a county's 100,000 rows decode without
    /// parsing a date text each.
    init(row: PostgresRow) throws {
        func day(_ column: String) throws -> LocalDate? {
            try row[column].decode(Int?.self).map(LocalDate.init(daysSinceEpoch:))
        }
        id = try row["id"].decode(String.self)
        unitPath = try row["unit_path"].decode(String.self)
        guard let opened = try day("opened_on") else { throw PostgresError(kind: .decoding, message: "opened_on is NULL") }
        facts = CaseFacts(
            state: try row["state"].decode(CaseState.self), openedOn: opened,
            assignedOn: try day("assigned_on"), deadline: try day("deadline"),
            earliestOutstandingMilestone: try day("milestone_due"), lastProgressOn: try day("last_progress_on"),
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
                SELECT c.county_code, c.id, c.unit_path,
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
            SELECT c.id::text AS id, c.unit_path::text AS unit_path, c.state, c.opened_on - DATE '1970-01-01' AS opened_on,
                   c.assigned_on - DATE '1970-01-01' AS assigned_on, c.deadline - DATE '1970-01-01' AS deadline,
                   m.due - DATE '1970-01-01' AS milestone_due, p.last - DATE '1970-01-01' AS last_progress_on,
                   coalesce(f.r1, 0) AS rated_1, coalesce(f.r2, 0) AS rated_2, coalesce(f.r3, 0) AS rated_3
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
    /// The titles of the cases a report shows, by id.
    static func titles(_ ids: [String], county: String, tx: PostgresTransaction) async throws -> [String: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await tx.query(
            "SELECT id::text AS id, title FROM supervision.cases WHERE county_code = $1 AND id = ANY($2::uuid[])",
            [.text(county), .textArray(ids)])
        var titles: [String: String] = [:]
        for row in rows { titles[try row["id"].decode(String.self)] = try row["title"].decode(String.self) }
        return titles
    }
}

/// A case with its level as of an instant (the reasons composed later, for shown cases only).
struct LevelledCase: Sendable {
    let ledger: LedgerCase
    let level: WarningLevel
    let day: LocalDate
}

extension WarningRules {
    func levels(_ cases: [LedgerCase], on day: LocalDate) -> [LevelledCase] {
        cases.map { LevelledCase(ledger: $0, level: level($0.facts, on: day), day: day) }
    }
}
