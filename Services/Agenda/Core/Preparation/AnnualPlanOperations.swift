import AgendaRules
import Foundation
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 年度协商计划 (002: 制定年度协商计划，并有序组织实施; issue 9 §5): a unit's topics scheduled
/// by quarter or month, with progress against the plan on the injected clock. Entries are
/// listed by the month their period ends, a quarter before the months ending with it.
struct AnnualPlanOperations {
    let scope: CallScope
    let timeZone: TimeZone
    var units = UnitCheck(directory: nil)
    private var tx: PostgresTransaction { scope.tx }

    /// Schedules a topic of the unit's subtree (again: moves it to the new period).
    func schedule(_ request: AgendaV1.SchedulePlanEntryRequest) async throws -> AgendaV1.PlanEntry {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        guard (2000...2999).contains(request.year) else {
            throw AgendaError.invalidArgument(field: "year", zh: "年份无效", en: "not a valid year")
        }
        let period: PlanPeriod
        do {
            period = try PlanPeriod(quarter: Int(request.quarter), month: Int(request.month))
        } catch {
            throw AgendaError.invalid(error)
        }
        try await units.require(unit, scope.caller)
        let topic = try await TopicStore(scope: scope).find(request.topicId)
        guard try topic.path.isWithin(unit) else {
            throw AgendaError.invalidArgument(field: "topic_id", zh: "议题不属于该单元", en: "the topic lies outside the unit")
        }
        let (quarter, month): (Int, Int) = switch period {
        case .quarter(let value): (value, 0)
        case .month(let value): (0, value)
        }
        let entry = try await tx.queryOne(
            PlanEntryRow.self,
            """
            WITH e AS (
                INSERT INTO agenda.plan_entries (county_code, id, unit_path, year, quarter, month, topic_id, created_at)
                VALUES ($1, $2, $3::ltree, $4, $5, $6, $7, $8)
                ON CONFLICT (county_code, unit_path, year, topic_id) DO UPDATE SET quarter = excluded.quarter, month = excluded.month
                RETURNING *
            )
            SELECT \(PlanEntryRow.columns) FROM e JOIN agenda.topics t ON t.county_code = e.county_code AND t.id = e.topic_id
            """,
            [.text(unit.countyCode), .uuid(UUID()), .text(unit.description), .int(Int64(request.year)), .int(Int64(quarter)),
             .int(Int64(month)), .uuid(topic.id), .timestamp(scope.now)])
        guard let entry else { throw AgendaError.notFound(what: "topic") }
        try await scope.audit("SchedulePlanEntry", target: "plan/\(unit)/\(request.year)", unitPath: unit.description,
                              ["topic": topic.id.canonicalText, "quarter": String(quarter), "month": String(month)])
        return entry.wire(today: LocalDate(containing: scope.now, in: timeZone))
    }

    func get(_ request: AgendaV1.GetAnnualPlanRequest) async throws -> AgendaV1.AnnualPlan {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let entries = try await tx.query(
            PlanEntryRow.self,
            """
            SELECT \(PlanEntryRow.columns) FROM agenda.plan_entries e
              JOIN agenda.topics t ON t.county_code = e.county_code AND t.id = e.topic_id
             WHERE e.county_code = $1 AND e.unit_path = $2::ltree AND e.year = $3
             ORDER BY greatest(e.quarter * 3, e.month), e.quarter DESC, t.created_at, e.id
            """,
            [.text(unit.countyCode), .text(unit.description), .int(Int64(request.year))])
        let today = LocalDate(containing: scope.now, in: timeZone)
        let wired = entries.map { $0.wire(today: today) }
        return AgendaV1.AnnualPlan(
            unitPath: unit.description, year: request.year, entries: wired, scheduled: Int32(wired.count),
            done: Int32(wired.filter(\.done).count), overdue: Int32(wired.filter(\.overdue).count))
    }
}

struct PlanEntryRow: PostgresRecord {
    var id: UUID
    var unitPath: String
    var year: Int
    var quarter: Int
    var month: Int
    var topicID: UUID
    var topicTitle: String
    var topicState: TopicState

    static let columns = """
        e.id, e.unit_path::text AS unit_path, e.year, e.quarter, e.month, e.topic_id, t.title AS topic_title, t.state AS topic_state
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        year = try row["year"].decode(Int.self)
        quarter = try row["quarter"].decode(Int.self)
        month = try row["month"].decode(Int.self)
        topicID = try row["topic_id"].decode(UUID.self)
        topicTitle = try row["topic_title"].decode(String.self)
        topicState = try row["topic_state"].decode(TopicState.self)
    }

    func wire(today: LocalDate) -> AgendaV1.PlanEntry {
        let period: PlanPeriod = quarter > 0 ? .quarter(quarter) : .month(month)
        let progress = period.progress(of: topicState, year: year, today: today)
        return AgendaV1.PlanEntry(
            id: id.canonicalText, unitPath: unitPath, year: Int32(year), quarter: Int32(quarter), month: Int32(month),
            topicId: topicID.canonicalText, topicTitle: topicTitle, topicState: AgendaCore.wire(topicState),
            done: progress.done, overdue: progress.overdue)
    }
}
