import ArgumentParser
import Foundation
import Logging
import SupervisionAPI
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService

/// A county of the supervision service for `quarterly-report` and `get-dossier`: a fresh
/// random county of `towns` towns (5 villages each) holding `cases` implementation cases,
/// seeded in bulk by SQL (RPC would take an hour for 100,000), with the mix a running county
/// has — open, in progress (some with a late milestone, some silent), completed and closed,
/// progress reports, ratings — so the levels spread over green, yellow and red. A token for
/// audience `supervision` (`supervision.read` at the county) signed with TONGXIN_AUTH_SECRET.
///
/// Seeding connects with `--seed-database-url` (a superuser or `supervision_owner` URL:
/// row-level security is not in the way of a bulk load; the service itself still reads as
/// `supervision_svc` under the token's scope).
struct SupervisionFixture {
    var countyPath: String
    var dossierTopic: String
    var options: CallOptions

    static func create(seedURL: String, towns: Int, cases: Int) async throws -> SupervisionFixture {
        guard let secret = ProcessInfo.processInfo.environment["TONGXIN_AUTH_SECRET"] else {
            throw ValidationError("the supervision methods need TONGXIN_AUTH_SECRET (see .tongxin/secrets.env)")
        }
        guard !seedURL.isEmpty else { throw ValidationError("the supervision methods need --seed-database-url") }
        guard (1...999).contains(towns) else { throw ValidationError("--supervision-towns is 1–999") }
        let prefix = String(format: "%02d%02d%02d", Int.random(in: 11...65), Int.random(in: 1...99), Int.random(in: 1...99))
        let county = "u" + prefix + "000000"
        let pool = PostgresPool(configuration: try PostgresConfiguration(url: seedURL), maxConnections: 1, logger: Logger(label: "bench.seed"))
        let clock = ContinuousClock()
        let start = clock.now
        for (sql, binds) in seedStatements(prefix: prefix, towns: towns, cases: cases) {
            _ = try await pool.query(sql, binds)
        }
        let topic = try await pool.query(
            """
            SELECT c.topic_id::text AS topic FROM supervision.cases c
             WHERE c.county_code = $1 AND c.state = 3 ORDER BY c.opened_at LIMIT 1
            """, [.text(prefix + "000000")]).first?["topic"].decode(String.self) ?? ""
        await pool.close()
        print("supervision county \(county): \(towns) towns, \(cases) cases seeded in \(clock.now - start)")
        let caller = Caller(principal: "tongxin-bench", unitPath: county, permissions: ["supervision.read"],
                            audience: "supervision", now: Int64(Date().timeIntervalSince1970),
                            lifetime: TokenAuthority.defaultMaximumLifetime, issuer: "tongxin-bench")
        var metadata = Metadata()
        metadata.authorization = "Bearer " + TokenAuthority(
            secret: Array(secret.utf8),
            keyID: ProcessInfo.processInfo.environment["TONGXIN_AUTH_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? TokenAuthority.defaultSecretKeyID
        ).issue(caller)
        return SupervisionFixture(countyPath: county, dossierTopic: topic, options: CallOptions(timeout: .seconds(60), metadata: metadata))
    }

    /// Cases spread over the towns' villages, opened 5–360 days ago; every tenth open, half in
    /// progress, a fifth completed, a fifth closed; deadlines 30–230 days after opening (so
    /// the older unfinished ones are red); a milestone 15 days in for a quarter of those in
    /// progress (yellow unless red); progress reports for two thirds; three ratings for every
    /// finished case.
    static func seedStatements(prefix: String, towns: Int, cases: Int) -> [(String, [PostgresValue])] {
        let county = prefix + "000000"
        let binds: [PostgresValue] = [.text(county)]
        return [
            ("""
             INSERT INTO supervision.cases (county_code, id, unit_path, filing_id, topic_id, title, result_text, filed_at, opened_at,
                 state, responsible_person, responsible_unit_path, deadline, budget_note, decided_on, decision_summary, assigned_at,
                 percent, last_progress_on, completed_at, closed_at, application, updated_at)
             SELECT $1, gen_random_uuid(), p.path, gen_random_uuid(), gen_random_uuid(), '基准事项 ' || g, '协商结果 ' || g,
                    o.opened, o.opened, s.state,
                    CASE WHEN s.state > 1 THEN 'person-' || (g % 997) ELSE '' END,
                    CASE WHEN s.state > 1 THEN p.path END,
                    CASE WHEN s.state > 1 THEN (o.opened + make_interval(days => 30 + g % 200))::date END,
                    '', CASE WHEN s.state > 1 THEN o.opened::date END, CASE WHEN s.state > 1 THEN '两委会决定' ELSE '' END,
                    CASE WHEN s.state > 1 THEN o.opened + interval '1 day' END,
                    CASE WHEN s.state > 2 THEN 100 ELSE 0 END,
                    CASE WHEN s.state > 1 AND g % 3 <> 0 THEN greatest(o.opened + interval '2 days', now() - make_interval(days => g % 60))::date END,
                    CASE WHEN s.state > 2 THEN least(now(), o.opened + interval '20 days') END,
                    CASE WHEN s.state = 4 THEN least(now(), o.opened + interval '25 days') END,
                    CASE WHEN s.state = 4 THEN 1 + g % 3 END,
                    now()
               FROM generate_series(1, $2::int) AS g
              CROSS JOIN LATERAL (SELECT (g % $3::int) + 1 AS town, (g / $3::int) % 5 + 1 AS village) AS t
              CROSS JOIN LATERAL (SELECT format('u%s.u%s%s000.u%s%s%s', $1, left($1, 6), lpad(t.town::text, 3, '0'),
                                                left($1, 6), lpad(t.town::text, 3, '0'), lpad(t.village::text, 3, '0'))::ltree AS path) AS p
              CROSS JOIN LATERAL (SELECT now() - make_interval(days => 5 + (g * 7919) % 355) AS opened) AS o
              CROSS JOIN LATERAL (SELECT CASE WHEN g % 10 = 0 THEN 1 WHEN g % 10 < 6 THEN 2 WHEN g % 10 < 8 THEN 3 ELSE 4 END AS state) AS s
             """, binds + [.int(Int64(cases)), .int(Int64(towns))]),
            ("""
             INSERT INTO supervision.milestones (county_code, id, case_id, unit_path, position, title, due_on, created_at)
             SELECT county_code, gen_random_uuid(), id, unit_path, 0, '节点', (opened_at + interval '15 days')::date, assigned_at
               FROM supervision.cases WHERE county_code = $1 AND state = 2 AND abs(hashtext(id::text)) % 4 = 0
             """, binds),
            ("""
             INSERT INTO supervision.progress_reports (county_code, id, case_id, unit_path, text, percent, reported_on, reported_by, recorded_at)
             SELECT county_code, gen_random_uuid(), id, unit_path, '进展', percent, last_progress_on, responsible_person,
                    last_progress_on + interval '12 hours'
               FROM supervision.cases WHERE county_code = $1 AND last_progress_on IS NOT NULL
             """, binds),
            ("""
             INSERT INTO supervision.feedback (county_code, id, case_id, unit_path, resident, rating, comment, submitted_at)
             SELECT c.county_code, gen_random_uuid(), c.id, c.unit_path, r, 1 + abs(hashtext(c.id::text || r)) % 3, '', c.completed_at
               FROM supervision.cases c CROSS JOIN unnest(ARRAY['r1', 'r2', 'r3']) AS r
              WHERE c.county_code = $1 AND c.state >= 3
             """, binds),
            ("ANALYZE supervision.cases, supervision.milestones, supervision.progress_reports, supervision.feedback", []),
        ]
    }

    /// GetQuarterlyReport of the county for the current quarter: every case's facts now and
    /// at the last quarter's end, levels, per-town counts and attention lists.
    func quarterlyCall(_ client: RPCClient) -> @Sendable () async throws -> Void {
        let api = SupervisionV1.Supervision.Client(client)
        let now = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "Asia/Shanghai")!, from: Date())
        let request = SupervisionV1.GetQuarterlyReportRequest(
            unitPath: countyPath, year: Int32(now.year!), quarter: Int32((now.month! - 1) / 3 + 1))
        let options = options
        return {
            let report = try await api.getQuarterlyReport(request, options: options)
            guard !report.towns.isEmpty else { throw ValidationError("a quarterly report without towns") }
        }
    }

    /// GetDossier of a completed case's topic (assembled anew on every call: not frozen).
    func dossierCall(_ client: RPCClient) -> @Sendable () async throws -> Void {
        let api = SupervisionV1.Supervision.Client(client)
        let request = SupervisionV1.GetDossierRequest(topicId: dossierTopic)
        let options = options
        return {
            let dossier = try await api.getDossier(request, options: options)
            guard dossier.sections.count == 19 else { throw ValidationError("a dossier of \(dossier.sections.count) sections") }
        }
    }
}
