import Foundation
import SupervisionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 红黄绿三级预警台账 (seed 002; issue 11 §4): each case's level by the deployment's rules,
/// each unit's rolled up from its subtree, and the quarterly report per town for the county.
///
/// Units are known from the cases' paths (the unit tree is membership's): a child unit
/// without any case does not appear.
struct WarningOperations {
    let scope: CallScope
    let warnings: WarningRules
    let timeZone: TimeZone

    private var tx: PostgresTransaction { scope.tx }

    /// The ledger of a unit now: its roll-up, each child's, and the red and yellow cases.
    func ledger(_ request: SupervisionV1.GetWarningLedgerRequest) async throws -> SupervisionV1.WarningLedger {
        let unit = try Validate.unitOrScope(request.unitPath, caller: scope.caller)
        let today = LocalDate(containing: scope.now, in: timeZone)
        let cases = warnings.levels(try await FactsQuery.load(under: unit, asOf: scope.now, timeZone: timeZone, tx: tx), on: today)
        var own = LevelCounts()
        var children: [UnitPath: LevelCounts] = [:]
        for levelled in cases {
            own.add(levelled.level)
            if let child = levelled.ledger.path?.child(under: unit) {
                children[child, default: LevelCounts()].add(levelled.level)
            }
        }
        let (attention, total) = try await attention(cases, previous: [:], limit: 200, county: unit.countyCode)
        return SupervisionV1.WarningLedger(
            unit: unitLevel(unit, own),
            children: children.keys.sorted().map { unitLevel($0, children[$0]!) },
            attention: attention, attentionTotal: Int64(total), asOf: CommonV1.Timestamp(scope.now))
    }

    /// 季度通报: for each town (child of `unit_path`), counts by level at the quarter's end (now,
    /// while it runs) and at the previous quarter's end, cases that worsened or improved, cases
    /// opened in the quarter, the red and yellow cases and advice for the next stage.
    func quarterly(_ request: SupervisionV1.GetQuarterlyReportRequest) async throws -> SupervisionV1.QuarterlyReport {
        let unit = try Validate.unitOrScope(request.unitPath, caller: scope.caller)
        let quarter: Quarter
        let asOf: Date
        do {
            quarter = try Quarter(year: Int(request.year), quarter: Int(request.quarter))
            asOf = try quarter.asOf(now: scope.now, in: timeZone)
        } catch {
            throw SupervisionError.invalid(error)
        }
        let previousAsOf = quarter.firstDay.startInstant(in: timeZone)
        // The day a level is judged on is the last day the instant covers.
        let day = LocalDate(containing: asOf.addingTimeInterval(-0.001), in: timeZone)
        let previousDay = quarter.previous.lastDay
        let now = FactsQuery.statement(under: unit, asOf: asOf, timeZone: timeZone)
        let before = FactsQuery.statement(under: unit, asOf: previousAsOf, timeZone: timeZone)
        let rows = try await tx.queries([now, before])
        let current = warnings.levels(try rows[0].map(LedgerCase.init(row:)), on: day)
        let previous = warnings.levels(try rows[1].map(LedgerCase.init(row:)), on: previousDay)
        var previousLevels: [String: WarningLevel] = [:]
        previousLevels.reserveCapacity(previous.count)
        for levelled in previous { previousLevels[levelled.ledger.id] = levelled.level }

        struct Town {
            var counts = LevelCounts()
            var previous = LevelCounts()
            var worsened = 0
            var improved = 0
            var opened = 0
            var cases: [LevelledCase] = []
        }
        var towns: [UnitPath: Town] = [:]
        var total = LevelCounts()
        // Towns are the unit's children: a case's town is the label after the unit's own.
        let depth = unit.depth
        var townOf: [String: UnitPath] = [:]
        func town(of levelled: LevelledCase) -> UnitPath? {
            let labels = levelled.ledger.unitPath.split(separator: ".", maxSplits: depth + 1)
            guard labels.count > depth else { return nil }
            let key = labels[depth]
            if let known = townOf[String(key)] { return known }
            let path = levelled.ledger.path?.child(under: unit)
            townOf[String(key)] = path
            return path
        }
        for levelled in current {
            guard let town = town(of: levelled) else { continue }
            total.add(levelled.level)
            towns[town, default: Town()].counts.add(levelled.level)
            towns[town]!.cases.append(levelled)
            if let before = previousLevels[levelled.ledger.id] {
                if levelled.level > before { towns[town]!.worsened += 1 }
                if levelled.level < before { towns[town]!.improved += 1 }
            } else {
                towns[town]!.opened += 1
            }
        }
        for levelled in previous {
            guard let town = town(of: levelled) else { continue }
            towns[town, default: Town()].previous.add(levelled.level)
        }
        let rollUp = warnings.rollUp
        var reports: [SupervisionV1.TownQuarter] = []
        for path in towns.keys.sorted() {
            let town = towns[path]!
            let (attention, attentionTotal) = try await attention(town.cases, previous: previousLevels, limit: 20, county: unit.countyCode)
            let advice = QuarterAdvice.advise(counts: town.counts, previous: town.previous)
            reports.append(SupervisionV1.TownQuarter(
                unitPath: path.description, level: wire(rollUp.level(town.counts)), previousLevel: wire(rollUp.level(town.previous)),
                counts: town.counts.wire, previousCounts: town.previous.wire, worsened: Int64(town.worsened),
                improved: Int64(town.improved), opened: Int64(town.opened), attention: attention,
                attentionTotal: Int64(attentionTotal), advice: CommonV1.LocalizedText(zh: advice.zh, en: advice.en)))
        }
        return SupervisionV1.QuarterlyReport(
            unitPath: unit.description, year: Int32(quarter.year), quarter: Int32(quarter.quarter), asOf: CommonV1.Timestamp(asOf),
            previousAsOf: CommonV1.Timestamp(previousAsOf), counts: total.wire, towns: reports)
    }

    private func unitLevel(_ path: UnitPath, _ counts: LevelCounts) -> SupervisionV1.UnitLevel {
        SupervisionV1.UnitLevel(unitPath: path.description, level: wire(warnings.rollUp.level(counts)), counts: counts.wire)
    }

    /// The first `limit` red and yellow cases — red first, then by deadline (earliest first),
    /// then by id — with their reasons and titles, and how many there are in all.
    func attention(
        _ cases: [LevelledCase], previous: [String: WarningLevel], limit: Int, county: String
    ) async throws -> ([SupervisionV1.AttentionCase], Int) {
        let flagged = cases.filter { $0.level > .green }
        let shown = flagged
            .sorted {
                ($0.level.rawValue, -($0.ledger.facts.deadline?.daysSinceEpoch ?? Int.max), $0.ledger.id)
                    > ($1.level.rawValue, -($1.ledger.facts.deadline?.daysSinceEpoch ?? Int.max), $1.ledger.id)
            }
            .prefix(limit)
        let titles = try await FactsQuery.titles(shown.map(\.ledger.id), county: county, tx: tx)
        let wired = shown.map { levelled in
            let assessment = warnings.assess(levelled.ledger.facts, on: levelled.day)
            return SupervisionV1.AttentionCase(
                caseId: levelled.ledger.id, unitPath: levelled.ledger.unitPath, title: titles[levelled.ledger.id] ?? "",
                level: wire(assessment.level),
                previousLevel: previous[levelled.ledger.id].map { wire($0) } ?? .unspecified,
                reasons: assessment.reasons.map(\.wire), deadline: levelled.ledger.facts.deadline.map(CommonV1.Date.init))
        }
        return (wired, flagged.count)
    }

    /// 三零 of a unit's subtree: counts of cases with the cases that break each measure.
    func threeZeros(_ request: SupervisionV1.GetThreeZerosRequest) async throws -> SupervisionV1.ThreeZeros {
        let unit = try Validate.unitOrScope(request.unitPath, caller: scope.caller)
        let today = LocalDate(containing: scope.now, in: timeZone)
        let rows = try await tx.query(
            """
            WITH r AS (
                SELECT r.case_id, count(*) AS n, count(f.id) AS answered
                  FROM supervision.feedback_recipients r
                  LEFT JOIN supervision.feedback f ON f.county_code = r.county_code AND f.case_id = r.case_id AND f.resident = r.resident
                 WHERE r.county_code = $1 AND r.unit_path <@ $2::ltree
                 GROUP BY r.case_id
            ), k AS (
                SELECT k.case_id, count(*) AS n FROM supervision.checks k
                 WHERE k.county_code = $1 AND k.unit_path <@ $2::ltree GROUP BY k.case_id
            )
            SELECT c.id::text AS id, c.state, c.application, (c.state IN (1, 2) AND c.deadline < $3::date) AS overdue,
                   coalesce(r.n, 0) AS recipients, coalesce(r.answered, 0) AS answered, coalesce(k.n, 0) AS checks
              FROM supervision.cases c
              LEFT JOIN r ON r.case_id = c.id
              LEFT JOIN k ON k.case_id = c.id
             WHERE c.county_code = $1 AND c.unit_path <@ $2::ltree
             ORDER BY c.opened_at, c.id
            """,
            [.text(unit.countyCode), .text(unit.description), .text(today.sqlText)])
        let facts = try rows.map { row in
            ZeroFacts(
                caseID: try row["id"].decode(String.self), state: try row["state"].decode(CaseState.self),
                recipients: try row["recipients"].decode(Int.self), answered: try row["answered"].decode(Int.self),
                checks: try row["checks"].decode(Int.self), application: try row["application"].decode(Application?.self),
                overdue: try row["overdue"].decode(Bool?.self) ?? false)
        }
        let measures = ThreeZeroRules.measure(facts).map { measure in
            SupervisionV1.ZeroMeasure(
                name: measure.name, title: CommonV1.LocalizedText(zh: measure.zh, en: measure.en), counted: Int64(measure.counted),
                breaking: Int64(measure.breaking.count), met: measure.met, breakingCaseIds: Array(measure.breaking.prefix(50)))
        }
        return SupervisionV1.ThreeZeros(unitPath: unit.description, measures: measures, allMet: measures.allSatisfy(\.met))
    }
}
