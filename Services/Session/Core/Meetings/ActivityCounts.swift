import Foundation
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 会议与结果统计 — `CountActivity`: meetings whose time falls in a period and results filed
/// in it, in a unit's subtree (the gateway's county dashboard asks it once per town). Two
/// counting statements in one round trip, under the caller's scope like every read.
struct ActivityCountOperations {
    let scope: CallScope

    /// The longest period counted at once.
    static let maxDays = 366

    func count(_ request: SessionV1.CountActivityRequest) async throws -> SessionV1.ActivityCounts {
        let under = request.unitPath.isEmpty ? try Validate.scope(of: scope.caller) : try Validate.unit(request.unitPath, caller: scope.caller)
        guard let fromWire = request.from else { throw SessionError.missing("from") }
        guard let untilWire = request.until else { throw SessionError.missing("until") }
        let from = try Validate.instant(fromWire, field: "from")
        let until = try Validate.instant(untilWire, field: "until")
        guard from < until, until.timeIntervalSince(from) <= Double(Self.maxDays) * 86400 else {
            throw SessionError.invalidArgument(
                field: "until", zh: "须晚于 from，且相距不超过\(Self.maxDays)天", en: "after `from`, at most \(Self.maxDays) days later")
        }
        let binds: [PostgresValue] = [.text(under.countyCode), .text(under.description), .timestamp(from), .timestamp(until)]
        let rows = try await scope.tx.queries([
            ("""
             SELECT count(*) AS meetings, count(*) FILTER (WHERE m.state = 4) AS closed
               FROM session.meetings m
              WHERE m.county_code = $1 AND m.unit_path <@ $2::ltree AND m.meeting_at >= $3 AND m.meeting_at < $4
             """, binds),
            ("""
             SELECT count(*) FILTER (WHERE r.filed_at >= $3 AND r.filed_at < $4) AS filed, count(*) AS filed_total
               FROM session.results r
              WHERE r.county_code = $1 AND r.unit_path <@ $2::ltree AND r.state = 3
             """, binds),
        ])
        let meetings = rows[0].first
        let results = rows[1].first
        return SessionV1.ActivityCounts(
            unitPath: under.description,
            meetings: try meetings?["meetings"].decode(Int64.self) ?? 0,
            meetingsClosed: try meetings?["closed"].decode(Int64.self) ?? 0,
            resultsFiled: try results?["filed"].decode(Int64.self) ?? 0,
            resultsFiledTotal: try results?["filed_total"].decode(Int64.self) ?? 0)
    }
}
