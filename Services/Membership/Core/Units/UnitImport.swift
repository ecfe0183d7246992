import TongxinService
import Foundation
import MembershipRules
import TongxinSchemas

/// 批量导入 — units from CSV (`code,name,parent_code[,level]`), idempotent, all or nothing
/// (issue 3 §1).
///
/// Every row is checked — malformed code or name, unknown parent, duplicate code, wrong
/// level — and every bad row is reported with its line; if any row is bad (or on a dry
/// run) the transaction is rolled back, so nothing is half-imported. A row whose code is
/// already registered with the same name and parent is "unchanged", so running the same
/// file twice creates nothing the second time.
struct UnitImport {
    let scope: CallScope

    /// Limits what one call may carry (the frame limit is 4 MiB anyway).
    static let maxRows = 20_000

    struct Row {
        let line: Int
        let code: DivisionCode
        let name: String
        let parentCode: String
        let level: AdministrativeLevel
    }

    func run(_ request: MembershipV1.ImportUnitsRequest) async throws -> MembershipV1.ImportUnitsResponse {
        var errors: [MembershipV1.ImportRowError] = []
        let rows = try parse(request.csv, errors: &errors)
        // Serialise imports: two concurrent files naming the same new parent must not race.
        _ = try await scope.tx.query("SELECT pg_advisory_xact_lock(hashtext('membership.units.import'))")
        let store = UnitStore(tx: scope.tx)
        let codes = Set(rows.map(\.code.value)).union(rows.map(\.parentCode).filter { !$0.isEmpty })
        var known = try await store.find(codes: Array(codes))
        var created = 0
        var unchanged = 0
        var seen: [String: Int] = [:]
        // Parents before children: a level's rows only need the levels above them.
        for row in rows.sorted(by: { ($0.level, $0.line) < ($1.level, $1.line) }) {
            if let first = seen[row.code.value] {
                errors.append(Self.error(row, "code", "duplicate_code",
                                         zh: "区划代码与第 \(first) 行重复", en: "the code repeats line \(first)"))
                continue
            }
            seen[row.code.value] = row.line
            var parent: UnitRecord?
            if !row.parentCode.isEmpty {
                guard let found = known[row.parentCode] else {
                    errors.append(Self.error(row, "parent_code", "unknown_parent",
                                             zh: "上级区划代码 \(row.parentCode) 不存在", en: "parent code \(row.parentCode) is unknown"))
                    continue
                }
                parent = found
            }
            if let existing = known[row.code.value] {
                if existing.name == row.name, existing.parentID == parent?.id, existing.level == row.level {
                    unchanged += 1
                } else {
                    errors.append(Self.error(row, "code", "duplicate_code",
                                             zh: "区划代码已登记为其他单元", en: "the code is already registered with another name or parent"))
                }
                continue
            }
            do {
                try UnitOperations.checkPlacement(level: row.level, code: row.code, parent: parent)
            } catch let error as MembershipError {
                if case .invalidArgument(let field, let zh, let en) = error {
                    errors.append(Self.error(row, field == "division_code" ? "parent_code" : field,
                                             field == "level" ? "wrong_level" : "unknown_parent", zh: zh, en: en))
                } else if case .failedPrecondition(_, let zh, let en, _) = error {
                    errors.append(Self.error(row, "parent_code", "unknown_parent", zh: zh, en: en))
                } else {
                    errors.append(Self.error(row, "parent_code", "unknown_parent",
                                             zh: "根单元需要上级区划代码", en: "a unit below county level needs a parent code"))
                }
                continue
            }
            guard let unit = try await store.insert(
                id: UUID(), code: row.code.value, name: row.name, level: row.level, parent: parent, households: 0, now: scope.now)
            else {
                errors.append(Self.error(row, "code", "duplicate_code",
                                         zh: "区划代码已登记", en: "the code is already registered"))
                continue
            }
            known[unit.code] = unit
            created += 1
        }
        errors.sort { $0.line < $1.line }
        var response = MembershipV1.ImportUnitsResponse(
            created: Int32(created), unchanged: Int32(unchanged), errors: errors, committed: false)
        guard errors.isEmpty, !request.dryRun else {
            throw ImportRejected(response: response)
        }
        response.committed = true
        try await scope.audit("ImportUnits", target: "units/import", unitPath: scope.caller.unitPath,
                              ["created": String(created), "unchanged": String(unchanged)])
        return response
    }

    /// The well-formed rows; malformed ones are reported in `errors`.
    private func parse(_ csv: String, errors: inout [MembershipV1.ImportRowError]) throws -> [Row] {
        let table = CSVTable(csv)
        guard let header = table.records.first else { throw MembershipError.missing("csv") }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        guard let codeColumn = columns.firstIndex(of: "code"), let nameColumn = columns.firstIndex(of: "name"),
              let parentColumn = columns.firstIndex(of: "parent_code")
        else {
            throw MembershipError.invalidArgument(
                field: "csv", zh: "首行应为表头 code,name,parent_code[,level]", en: "the first line must be the header code,name,parent_code[,level]")
        }
        let levelColumn = columns.firstIndex(of: "level")
        guard table.records.count - 1 <= Self.maxRows else {
            throw MembershipError.invalidArgument(
                field: "csv", zh: "一次最多导入 \(Self.maxRows) 行", en: "at most \(Self.maxRows) rows per import")
        }
        var rows: [Row] = []
        for record in table.records.dropFirst() {
            func field(_ index: Int?) -> String {
                guard let index, index < record.fields.count else { return "" }
                return record.fields[index].trimmingCharacters(in: .whitespaces)
            }
            let rawCode = field(codeColumn)
            func reject(_ column: String, _ zh: String, _ en: String) {
                errors.append(MembershipV1.ImportRowError(
                    line: Int32(record.line), divisionCode: rawCode, field: column, reason: "malformed",
                    message: CommonV1.LocalizedText(zh: zh, en: en)))
            }
            let code: DivisionCode
            do { code = try DivisionCode(rawCode) } catch {
                reject("code", error.messageZH, error.messageEN)
                continue
            }
            let name: String
            do { name = try Validate.name(field(nameColumn)) } catch {
                reject("name", "名称不能为空且不超过200个字符", "the name must be 1–200 characters")
                continue
            }
            var level = code.impliedLevel
            let rawLevel = field(levelColumn)
            if !rawLevel.isEmpty {
                guard let declared = Self.levels[rawLevel.lowercased()] else {
                    reject("level", "层级应为 county/town/village/group", "level must be county, town, village or group")
                    continue
                }
                guard declared == code.impliedLevel else {
                    errors.append(MembershipV1.ImportRowError(
                        line: Int32(record.line), divisionCode: rawCode, field: "level", reason: "wrong_level",
                        message: CommonV1.LocalizedText(
                            zh: "层级与区划代码不符（代码表示\(code.impliedLevel.nameZH)）",
                            en: "the level does not match the code, which names a \(code.impliedLevel.nameEN)")))
                    continue
                }
                level = declared
            }
            let parentCode = field(parentColumn)
            if !parentCode.isEmpty, (try? DivisionCode(parentCode)) == nil {
                reject("parent_code", "上级区划代码格式错误", "the parent code is malformed")
                continue
            }
            rows.append(Row(line: record.line, code: code, name: name, parentCode: parentCode, level: level))
        }
        return rows
    }

    static let levels: [String: AdministrativeLevel] = [
        "county": .countyCity, "city": .countyCity, "town": .town, "street": .town,
        "village": .village, "community": .village, "group": .group, "compound": .group,
    ]

    static func error(_ row: Row, _ field: String, _ reason: String, zh: String, en: String) -> MembershipV1.ImportRowError {
        MembershipV1.ImportRowError(
            line: Int32(row.line), divisionCode: row.code.value, field: field, reason: reason,
            message: CommonV1.LocalizedText(zh: zh, en: en))
    }
}

/// Thrown inside the import's transaction to roll it back while still answering with the
/// report (bad rows, or a dry run).
struct ImportRejected: RolledBackResult {
    let response: MembershipV1.ImportUnitsResponse
}
