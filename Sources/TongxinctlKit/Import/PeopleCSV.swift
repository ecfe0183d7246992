import Foundation
import TongxinSchemas

/// One rejected row of an import, as the report prints it.
public struct ImportProblem: Equatable, Sendable {
    /// 1-based line of the CSV (the header is line 1).
    public var line: Int
    /// What the row is about: a division code, or a person's name.
    public var subject: String
    /// The column at fault ("" for the row as a whole).
    public var field: String
    /// A stable word for the problem ("malformed", "missing", "unknown_parent", or a rule id from the server).
    public var reason: String
    public var zh: String
    public var en: String

    public init(line: Int, subject: String, field: String, reason: String, zh: String, en: String) {
        self.line = line
        self.subject = subject
        self.field = field
        self.reason = reason
        self.zh = zh
        self.en = en
    }

    public var message: String { [zh, en].filter { !$0.isEmpty }.joined(separator: " / ") }
}

/// 人员名单 CSV — the people of a town or village, one per row, for `tongxinctl unit import
/// --people`. A header names the columns, in any order:
///
/// | column | required | value |
/// |---|---|---|
/// | `unit_code` | yes | the 12-digit division code of the person's unit (village, group or higher) |
/// | `name` | yes | 姓名 |
/// | `gender` | | 男/女, male/female, m/f |
/// | `birth_year` | | e.g. 1968 |
/// | `phone` | | mobile number (stored encrypted) |
/// | `id_number` | | resident ID number (stored encrypted) |
/// | `household` | | 户: people of one household share it |
/// | `party_member` | | 是/否, yes/no, true/false, 1/0 |
/// | `grassroots_cadre` | | 是/否 … |
/// | `sector` | | 界别 as membership spells it: villagerRepresentative, expert, resident … |
/// | `posts` | | 职务, separated by `;`, `|` or `、`: villagePartySecretary;villagersCommitteeMember |
///
/// Rows are checked here first (a missing name, an unknown gender …); the service checks
/// the rest (phone and ID formats, the unit) and its refusals are reported per row too.
public enum PeopleCSV {
    public static let columns = ["unit_code", "name", "gender", "birth_year", "phone", "id_number", "household",
                                 "party_member", "grassroots_cadre", "sector", "posts"]

    /// One good row: the line it came from and the request it makes.
    public struct Row: Sendable {
        public var line: Int
        public var unitCode: String
        public var request: MembershipV1.CreatePersonRequest
    }

    /// The good rows and the problems of the others (a bad header rejects every row).
    public static func parse(_ text: String) -> (rows: [Row], problems: [ImportProblem]) {
        let records: [CSVRecord]
        do {
            records = try CSV.parse(text)
        } catch let malformed as CSV.Malformed {
            return ([], [ImportProblem(line: malformed.line, subject: "", field: "", reason: "malformed",
                                       zh: "CSV 格式错误：引号未闭合", en: "malformed CSV: a quoted field is not closed")])
        } catch {
            return ([], [ImportProblem(line: 1, subject: "", field: "", reason: "malformed", zh: "CSV 格式错误", en: "malformed CSV")])
        }
        guard let header = records.first else {
            return ([], [ImportProblem(line: 1, subject: "", field: "", reason: "missing", zh: "文件为空", en: "the file is empty")])
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var problems: [ImportProblem] = []
        for name in names where !columns.contains(name) {
            problems.append(ImportProblem(line: header.line, subject: "", field: name, reason: "unknown_column",
                                          zh: "未知列 \(name)", en: "unknown column \(name) (known: \(columns.joined(separator: ", ")))"))
        }
        for required in ["unit_code", "name"] where !names.contains(required) {
            problems.append(ImportProblem(line: header.line, subject: "", field: required, reason: "missing",
                                          zh: "缺少列 \(required)", en: "the header lacks the column \(required)"))
        }
        guard problems.isEmpty else { return ([], problems) }

        var rows: [Row] = []
        for record in records.dropFirst() {
            var values: [String: String] = [:]
            for (index, name) in names.enumerated() where index < record.fields.count {
                values[name] = record.fields[index].trimmingCharacters(in: .whitespaces)
            }
            let subject = values["name"].flatMap { $0.isEmpty ? nil : $0 } ?? values["unit_code"] ?? ""
            var rowProblems: [ImportProblem] = []
            func problem(_ field: String, _ reason: String, _ zh: String, _ en: String) {
                rowProblems.append(ImportProblem(line: record.line, subject: subject, field: field, reason: reason, zh: zh, en: en))
            }
            if record.fields.count > names.count {
                problem("", "malformed", "该行有 \(record.fields.count) 列，表头只有 \(names.count) 列",
                        "the row has \(record.fields.count) fields, the header \(names.count)")
            }
            let unit = values["unit_code"] ?? ""
            if unit.isEmpty {
                problem("unit_code", "missing", "缺少单位代码", "unit_code is empty")
            } else if unit.utf8.count != 12 || !unit.utf8.allSatisfy({ (48...57).contains($0) }) {
                problem("unit_code", "malformed", "单位代码须为 12 位数字", "unit_code must be a 12-digit division code")
            }
            let name = values["name"] ?? ""
            if name.isEmpty { problem("name", "missing", "缺少姓名", "name is empty") }
            var gender = MembershipV1.Gender.unspecified
            switch (values["gender"] ?? "").lowercased() {
            case "": break
            case "男", "male", "m": gender = .male
            case "女", "female", "f": gender = .female
            default: problem("gender", "malformed", "性别须为 男 或 女", "gender must be 男/女, male/female or m/f")
            }
            var birthYear: Int32 = 0
            if let text = values["birth_year"], !text.isEmpty {
                let thisYear = Calendar(identifier: .gregorian).component(.year, from: Date())
                if let year = Int32(text), (1900...Int32(thisYear)).contains(year) {
                    birthYear = year
                } else {
                    problem("birth_year", "malformed", "出生年份须为 1900–\(thisYear)", "birth_year must be a year 1900–\(thisYear)")
                }
            }
            func flag(_ column: String) -> Bool {
                guard let text = values[column], !text.isEmpty else { return false }
                switch text.lowercased() {
                case "是", "yes", "y", "true", "1": return true
                case "否", "no", "n", "false", "0": return false
                default:
                    problem(column, "malformed", "\(column) 须为 是 或 否", "\(column) must be 是/否, yes/no, true/false or 1/0")
                    return false
                }
            }
            let partyMember = flag("party_member")
            let cadre = flag("grassroots_cadre")
            let posts = (values["posts"] ?? "").split(whereSeparator: { $0 == ";" || $0 == "|" || $0 == "、" })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard rowProblems.isEmpty else {
                problems += rowProblems
                continue
            }
            rows.append(Row(line: record.line, unitCode: unit, request: MembershipV1.CreatePersonRequest(
                unit: CommonV1.UnitRef(divisionCode: unit), name: name, gender: gender, birthYear: birthYear,
                phone: values["phone"] ?? "", idNumber: values["id_number"] ?? "", household: values["household"] ?? "",
                partyMember: partyMember, grassrootsCadre: cadre, sector: values["sector"] ?? "", posts: posts)))
        }
        return (rows, problems)
    }

    /// An idempotency key for a row: the same row imported again (within the service's
    /// retention, 24 h) answers the person created the first time instead of a duplicate.
    public static func idempotencyKey(_ row: Row) throws -> String {
        let bytes = try row.request.serializedBytes()
        return "tongxinctl-person-" + Digest.sha256Hex(bytes).prefix(40)
    }
}
