import Foundation
import SupervisionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 协商指数 (seed 003; issue 11 §5): a unit's score for a year with its breakdown, the same
/// for every child of a unit (a county's towns) to compare them, and assessors' scores for
/// the indicators no record computes.
struct IndexOperations {
    let scope: CallScope
    let definition: IndexDefinition
    let timeZone: TimeZone

    private var tx: PostgresTransaction { scope.tx }

    func get(_ request: SupervisionV1.GetIndexRequest) async throws -> SupervisionV1.IndexScore {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let year = try Validate.year(request.year)
        let rows = try await tx.queries([facts(under: unit, year: year, byChild: false), assessments(under: unit, year: year, exact: true)])
        let facts = try rows[0].first.map(Self.facts(from:)) ?? IndexFacts()
        let assessed = try Self.assessments(rows[1])
        return wire(unit: unit.description, year: year, definition.score(facts: facts, assessments: assessed[unit.description] ?? [:]))
    }

    /// Every child of the unit that has cases or assessments in the year, highest first.
    func compare(_ request: SupervisionV1.CompareIndexRequest) async throws -> SupervisionV1.CompareIndexResponse {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let year = try Validate.year(request.year)
        let rows = try await tx.queries([facts(under: unit, year: year, byChild: true), assessments(under: unit, year: year, exact: false)])
        var facts: [String: IndexFacts] = [:]
        for row in rows[0] { facts[try row["child"].decode(String.self)] = try Self.facts(from: row) }
        let assessed = try Self.assessments(rows[1]).filter { (try? UnitPath($0.key))?.depth == unit.depth + 1 }
        let children = Set(facts.keys).union(assessed.keys)
        let scores = children.map { child in
            wire(unit: child, year: year, definition.score(facts: facts[child] ?? IndexFacts(), assessments: assessed[child] ?? [:]))
        }
        return SupervisionV1.CompareIndexResponse(units: scores.sorted { ($0.score, $1.unitPath) > ($1.score, $0.unitPath) })
    }

    /// 评估 — an assessor's score (hundredths) for one indicator of a unit and year; a newer
    /// score replaces the older. Idempotent.
    func record(_ request: SupervisionV1.RecordAssessmentRequest) async throws -> SupervisionV1.Assessment {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let year = try Validate.year(request.year)
        guard definition.indicator(request.indicatorId) != nil else { throw SupervisionError.notFound(what: "indicator") }
        let score: Int
        do {
            score = try IndexInput.score(Int(request.score))
        } catch {
            throw SupervisionError.invalid(error)
        }
        let note = try Validate.text(request.note, field: "note", limit: 2000)
        _ = try await tx.execute(
            """
            INSERT INTO supervision.assessments (county_code, unit_path, year, indicator_id, score, note, assessor, recorded_at)
            VALUES ($1, $2::ltree, $3, $4, $5, $6, $7, $8)
            ON CONFLICT (county_code, unit_path, year, indicator_id)
            DO UPDATE SET score = excluded.score, note = excluded.note, assessor = excluded.assessor, recorded_at = excluded.recorded_at
            """,
            [.text(unit.countyCode), .text(unit.description), .int(Int64(year)), .text(request.indicatorId), .int(Int64(score)),
             .text(note), .text(scope.caller.principal), .timestamp(scope.now)])
        try await scope.audit("RecordAssessment", target: "index/\(unit.description)/\(year)/\(request.indicatorId)",
                              unitPath: unit.description, ["score": String(score)])
        return SupervisionV1.Assessment(
            unitPath: unit.description, year: Int32(year), indicatorId: request.indicatorId, score: Int32(score), note: note,
            assessor: scope.caller.principal, recordedAt: CommonV1.Timestamp(scope.now))
    }

    /// The facts of cases opened in `year` under `unit` (one row), or per child of `unit`.
    private func facts(under unit: UnitPath, year: Int, byChild: Bool) -> (sql: String, binds: [PostgresValue]) {
        let start = LocalDate(year, 1, 1).startInstant(in: timeZone)
        let end = LocalDate(year + 1, 1, 1).startInstant(in: timeZone)
        let child = byChild ? "subpath(c.unit_path, 0, nlevel($2::ltree) + 1)::text" : "''"
        let sql = """
            WITH c AS (
                SELECT c.*, \(child) AS child FROM supervision.cases c
                 WHERE c.county_code = $1 AND c.unit_path <@ $2::ltree AND c.opened_at >= $3 AND c.opened_at < $4
                   \(byChild ? "AND nlevel(c.unit_path) > nlevel($2::ltree)" : "")
            ), k AS (
                SELECT DISTINCT k.case_id FROM supervision.checks k WHERE k.county_code = $1 AND k.unit_path <@ $2::ltree
            ), r AS (
                SELECT DISTINCT r.case_id FROM supervision.resident_reports r WHERE r.county_code = $1 AND r.unit_path <@ $2::ltree
            ), f AS (
                SELECT f.case_id, count(*) AS n, count(*) FILTER (WHERE f.rating IN (1, 2)) AS content
                  FROM supervision.feedback f WHERE f.county_code = $1 AND f.unit_path <@ $2::ltree GROUP BY f.case_id
            ), i AS (
                SELECT r.case_id, count(*) AS n, count(f.id) AS answered
                  FROM supervision.feedback_recipients r
                  LEFT JOIN supervision.feedback f ON f.county_code = r.county_code AND f.case_id = r.case_id AND f.resident = r.resident
                 WHERE r.county_code = $1 AND r.unit_path <@ $2::ltree GROUP BY r.case_id
            ), d AS (
                SELECT d.topic_id FROM supervision.dossiers d WHERE d.county_code = $1 AND d.unit_path <@ $2::ltree
            )
            SELECT c.child,
                   count(*) AS opened,
                   count(*) FILTER (WHERE c.state >= 2) AS assigned,
                   count(*) FILTER (WHERE c.state >= 2 AND k.case_id IS NOT NULL) AS supervised,
                   count(*) FILTER (WHERE c.state >= 2 AND r.case_id IS NOT NULL) AS reported,
                   count(*) FILTER (WHERE c.state >= 3) AS finished,
                   count(*) FILTER (WHERE c.state >= 3 AND f.n > 0) AS finished_with_feedback,
                   coalesce(sum(f.content), 0) AS ratings_content,
                   coalesce(sum(f.n), 0) AS ratings,
                   coalesce(sum(i.n), 0) AS recipients,
                   coalesce(sum(i.answered), 0) AS recipients_answered,
                   count(*) FILTER (WHERE c.state = 4) AS closed,
                   count(*) FILTER (WHERE c.state = 4 AND (c.completed_at AT TIME ZONE $5)::date <= c.deadline) AS closed_on_time,
                   count(*) FILTER (WHERE c.state = 4 AND c.application = 1) AS closed_applied,
                   count(*) FILTER (WHERE c.state = 4 AND EXISTS (SELECT 1 FROM d WHERE d.topic_id = c.topic_id)) AS closed_archived,
                   coalesce(sum((c.closed_at AT TIME ZONE $5)::date - (c.filed_at AT TIME ZONE $5)::date) FILTER (WHERE c.state = 4), 0) AS days
              FROM c
              LEFT JOIN k ON k.case_id = c.id
              LEFT JOIN r ON r.case_id = c.id
              LEFT JOIN f ON f.case_id = c.id
              LEFT JOIN i ON i.case_id = c.id
             GROUP BY c.child
            """
        return (sql, [.text(unit.countyCode), .text(unit.description), .timestamp(start), .timestamp(end), .text(timeZone.identifier)])
    }

    private func assessments(under unit: UnitPath, year: Int, exact: Bool) -> (sql: String, binds: [PostgresValue]) {
        ("""
         SELECT unit_path::text AS unit_path, indicator_id, score, note FROM supervision.assessments
          WHERE county_code = $1 AND year = $3 AND \(exact ? "unit_path = $2::ltree" : "unit_path <@ $2::ltree AND nlevel(unit_path) = nlevel($2::ltree) + 1")
         """,
         [.text(unit.countyCode), .text(unit.description), .int(Int64(year))])
    }

    private static func facts(from row: PostgresRow) throws -> IndexFacts {
        var facts = IndexFacts()
        facts.opened = try row["opened"].decode(Int.self)
        facts.assigned = try row["assigned"].decode(Int.self)
        facts.supervised = try row["supervised"].decode(Int.self)
        facts.reportedToResidents = try row["reported"].decode(Int.self)
        facts.finished = try row["finished"].decode(Int.self)
        facts.finishedWithFeedback = try row["finished_with_feedback"].decode(Int.self)
        facts.ratingsContent = try row["ratings_content"].decode(Int.self)
        facts.ratings = try row["ratings"].decode(Int.self)
        facts.recipients = try row["recipients"].decode(Int.self)
        facts.recipientsAnswered = try row["recipients_answered"].decode(Int.self)
        facts.closed = try row["closed"].decode(Int.self)
        facts.closedOnTime = try row["closed_on_time"].decode(Int.self)
        facts.closedAppliedInFull = try row["closed_applied"].decode(Int.self)
        facts.closedWithDossier = try row["closed_archived"].decode(Int.self)
        facts.daysFilingToClosing = try row["days"].decode(Int.self)
        return facts
    }

    private static func assessments(_ rows: [PostgresRow]) throws -> [String: [String: (score: Int, note: String)]] {
        var result: [String: [String: (score: Int, note: String)]] = [:]
        for row in rows {
            result[try row["unit_path"].decode(String.self), default: [:]][try row["indicator_id"].decode(String.self)] =
                (score: try row["score"].decode(Int.self), note: try row["note"].decode(String.self))
        }
        return result
    }

    private func wire(unit: String, year: Int, _ result: IndexResult) -> SupervisionV1.IndexScore {
        SupervisionV1.IndexScore(
            unitPath: unit, year: Int32(year), score: Int32(result.score),
            categories: result.categories.map { category in
                SupervisionV1.CategoryScore(
                    category: SupervisionCore.wire(category.category),
                    name: CommonV1.LocalizedText(zh: category.category.nameZH, en: category.category.nameEN),
                    weight: Int32(category.weight), score: Int32(category.score),
                    indicators: category.indicators.map { indicator, value in
                        SupervisionV1.IndicatorScore(
                            id: indicator.id, name: CommonV1.LocalizedText(zh: indicator.nameZH, en: indicator.nameEN),
                            source: SupervisionV1.IndicatorSource(rawValue: Int32(value.source.rawValue)), weight: Int32(indicator.weight),
                            score: Int32(value.score), basis: value.basis)
                    })
            })
    }
}
