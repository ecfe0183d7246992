import Foundation
import SessionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

struct DemocracyDayRecord: PostgresRecord {
    var unitPath: String
    var rule: DemocracyDayRule
    var timeZone: String
    var updatedAt: Date

    static let columns = "d.unit_path::text AS unit_path, d.kind, d.day, d.week, d.weekday, d.time_zone, d.updated_at"

    init(row: PostgresRow) throws {
        unitPath = try row["unit_path"].decode(String.self)
        do {
            rule = try DemocracyDayRule.validated(
                kind: try row["kind"].decode(Int.self), day: try row["day"].decode(Int.self), week: try row["week"].decode(Int.self),
                weekday: try row["weekday"].decode(Int.self))
        } catch {
            throw PostgresError(kind: .decoding, message: "stored democracy day rule is invalid")
        }
        timeZone = try row["time_zone"].decode(String.self)
        updatedAt = try row["updated_at"].decode(Date.self)
    }

    var zone: TimeZone { TimeZone(identifier: timeZone) ?? .chinaStandard }

    var wire: SessionV1.DemocracyDay {
        let parts = rule.parts
        return SessionV1.DemocracyDay(
            unitPath: unitPath, kind: SessionV1.DemocracyDayKind(rawValue: Int32(rule.kind)), day: Int32(parts.day), week: Int32(parts.week),
            weekday: Int32(parts.weekday), timeZone: timeZone,
            description: CommonV1.LocalizedText(zh: rule.descriptionZH, en: rule.descriptionEN), updatedAt: CommonV1.Timestamp(updatedAt))
    }
}

/// 民主日 (issue 10 §1): each town and village fixes a day a month; the coming days of a
/// unit; a town's calendar for a year in one call; meetings scheduled on them.
struct DemocracyDayOperations {
    let scope: CallScope
    let environment: SessionEnvironment

    private var tx: PostgresTransaction { scope.tx }

    func set(_ request: SessionV1.SetDemocracyDayRequest) async throws -> SessionV1.DemocracyDay {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let rule: DemocracyDayRule
        do {
            rule = try DemocracyDayRule.validated(kind: Int(request.kind.rawValue), day: Int(request.day), week: Int(request.week), weekday: Int(request.weekday))
        } catch {
            throw SessionError.invalid(error)
        }
        let zone = request.timeZone.isEmpty ? "Asia/Shanghai" : request.timeZone
        guard zone.count <= 64, TimeZone(identifier: zone) != nil else {
            throw SessionError.invalidArgument(field: "time_zone", zh: "时区无效", en: "not an IANA time zone")
        }
        let parts = rule.parts
        let record = try await tx.queryOne(
            DemocracyDayRecord.self,
            """
            WITH saved AS (
                INSERT INTO session.democracy_days AS d (county_code, unit_path, kind, day, week, weekday, time_zone, updated_at)
                VALUES ($1, $2::ltree, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (county_code, unit_path) DO UPDATE
                   SET kind = excluded.kind, day = excluded.day, week = excluded.week, weekday = excluded.weekday,
                       time_zone = excluded.time_zone, updated_at = excluded.updated_at
                RETURNING *
            )
            SELECT \(DemocracyDayRecord.columns) FROM saved d
            """,
            [.text(unit.countyCode), .text(unit.description), .int(Int64(rule.kind)), .int(Int64(parts.day)), .int(Int64(parts.week)),
             .int(Int64(parts.weekday)), .text(zone), .timestamp(scope.now)])
        guard let record else { throw SessionError.notFound(what: "unit") }
        try await scope.audit("SetDemocracyDay", target: "unit/\(unit.description)", unitPath: unit.description, ["rule": rule.descriptionEN])
        return record.wire
    }

    func find(_ unit: UnitPath) async throws -> DemocracyDayRecord? {
        try await tx.queryOne(
            DemocracyDayRecord.self, "SELECT \(DemocracyDayRecord.columns) FROM session.democracy_days d WHERE d.county_code = $1 AND d.unit_path = $2::ltree",
            [.text(unit.countyCode), .text(unit.description)])
    }

    func list(_ request: SessionV1.ListDemocracyDaysRequest) async throws -> SessionV1.ListDemocracyDaysResponse {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let count = request.count == 0 ? 3 : Int(request.count)
        guard (1...24).contains(count) else {
            throw SessionError.invalidArgument(field: "count", zh: "数量应为1至24", en: "count is 1 to 24")
        }
        guard let record = try await find(unit) else { throw SessionError.notFound(what: "democracy day") }
        let from = try request.from.map { date throws(SessionError) in try Validate.date(date, field: "from") }
            ?? LocalDate(containing: scope.now, in: record.zone)
        return SessionV1.ListDemocracyDaysResponse(rule: record.wire, days: record.rule.upcoming(from: from, count: count).map(CommonV1.Date.init))
    }

    /// The unit's own democracy days and those of every unit below it, for a year.
    func calendar(_ request: SessionV1.GetDemocracyCalendarRequest) async throws -> SessionV1.DemocracyCalendar {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        guard (2000...2999).contains(request.year) else {
            throw SessionError.invalidArgument(field: "year", zh: "年份无效", en: "not a year")
        }
        let records = try await tx.query(
            DemocracyDayRecord.self,
            "SELECT \(DemocracyDayRecord.columns) FROM session.democracy_days d WHERE d.county_code = $1 AND d.unit_path <@ $2::ltree ORDER BY d.unit_path",
            [.text(unit.countyCode), .text(unit.description)])
        let year = Int(request.year)
        return SessionV1.DemocracyCalendar(
            unitPath: unit.description, year: request.year,
            entries: records.map { record in
                SessionV1.DemocracyCalendarEntry(unitPath: record.unitPath, rule: record.wire, days: record.rule.days(in: year).map(CommonV1.Date.init))
            })
    }

    /// A meeting `on_democracy_day` must fall on one of `unit`'s (in its time zone).
    func requireDemocracyDay(_ unit: UnitPath, at instant: Date) async throws {
        guard let record = try await find(unit) else {
            throw SessionError.failedPrecondition(
                rule: "democracy_day.unset", zh: "该单元尚未确定民主日", en: "the unit has fixed no democracy day")
        }
        let day = LocalDate(containing: instant, in: record.zone)
        guard record.rule.isDemocracyDay(day) else {
            let next = record.rule.upcoming(from: day, count: 1).first?.description ?? ""
            throw SessionError.failedPrecondition(
                rule: "meeting.not_democracy_day", zh: "\(day) 不是民主日（\(record.rule.descriptionZH)，下一个为 \(next)）",
                en: "\(day) is not a democracy day (\(record.rule.descriptionEN); next \(next))",
                figures: [.init("democracy_day.next", next)])
        }
    }
}
