import Foundation
import SupervisionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// SQL over `supervision.cases`: find a case in the caller's scope (row-level security
/// bounds it) and present it with its level now.
struct CaseStore {
    let scope: CallScope
    let warnings: WarningRules
    let timeZone: TimeZone

    private var tx: PostgresTransaction { scope.tx }

    var today: LocalDate { LocalDate(containing: scope.now, in: timeZone) }

    var county: String {
        get throws { try Validate.unitOrScope("", caller: scope.caller).countyCode }
    }

    func find(_ id: UUID, forUpdate: Bool = false) async throws -> CaseRecord {
        let found = try await tx.queryOne(
            CaseRecord.self,
            "SELECT \(CaseRecord.columns) FROM supervision.cases c WHERE c.county_code = $2 AND c.id = $1\(forUpdate ? " FOR UPDATE OF c" : "")",
            [.uuid(id), .text(try county)])
        guard let found else { throw SupervisionError.notFound(what: "case") }
        return found
    }

    func find(_ raw: String, field: String = "case_id", forUpdate: Bool = false) async throws -> CaseRecord {
        try await find(try Validate.target(raw, field: field, what: "case"), forUpdate: forUpdate)
    }

    /// The case on the wire with its level today.
    func wire(_ record: CaseRecord) -> SupervisionV1.ImplementationCase {
        record.wire(warnings.assess(record.facts(in: timeZone), on: today))
    }

    /// Refuses `action` in the case's state (FAILED_PRECONDITION `case.state`).
    static func check(_ action: CaseAction, _ record: CaseRecord) throws(SupervisionError) {
        do {
            try CaseLifecycle.check(action, in: record.state)
        } catch {
            throw .precondition(error, figures: [.init("case.state", record.state.nameEN)])
        }
    }

    static func transition(_ record: CaseRecord, to: CaseState) throws(SupervisionError) -> CaseState {
        do {
            return try CaseLifecycle.transition(from: record.state, to: to)
        } catch {
            throw .precondition(error, figures: [.init("case.from", record.state.nameEN), .init("case.to", to.nameEN)])
        }
    }

    /// A day the caller names (absent: today), never after today nor before the case opened.
    func day(_ value: CommonV1.Date?, field: String, of record: CaseRecord) throws(SupervisionError) -> LocalDate {
        guard let value else { return today }
        let day = try Validate.date(value, field: field)
        guard day <= today else {
            throw .invalidArgument(field: field, zh: "日期不能晚于今天（\(today)）", en: "the date cannot be after today (\(today))")
        }
        let opened = LocalDate(containing: record.openedAt, in: timeZone)
        guard day >= opened else {
            throw .invalidArgument(field: field, zh: "日期不能早于事项立项（\(opened)）", en: "the date cannot precede the case's opening (\(opened))")
        }
        return day
    }
}
