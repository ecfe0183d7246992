import ArgumentParser
import Foundation
import MembershipAPI
import TongxinRPC
import TongxinSchemas

// 行政单元 — the unit tree (county → town → village → group), held by membership.

struct UnitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unit",
        abstract: "Units (行政单元): list, show, create, update, move, retire, and import units and people from CSV.",
        subcommands: [List.self, Show.self, Create.self, Update.self, Move.self, Retire.self, Import.self])

    struct Level: Choice {
        var wire: MembershipV1.UnitLevel
        static let options: [ChoiceOption<MembershipV1.UnitLevel>] = [
            .init("county", .county, "县市区"), .init("town", .town, "镇街"), .init("village", .village, "村社区"), .init("group", .group, "村民小组"),
        ]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the unit tree under a unit (your whole scope by default), parents before children.",
            discussion: examples("tongxinctl unit list", "tongxinctl unit list --root 331082104000 --include-retired", "tongxinctl unit list --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The root: division code or unit path (default: the acting unit).") var root: UnitArgument?
        @Flag(help: "Include retired units.") var includeRetired = false

        func run() async throws {
            let context = try global.context()
            let units = try await context.withGateway { gateway in
                try await allPages { page in
                    let response = try await MembershipV1.Membership.Client(gateway.rpc).listUnits(
                        .init(root: root?.ref, includeRetired: includeRetired, page: page), options: gateway.options())
                    return (response.units, response.page)
                }
            }
            try context.out.list(units) {
                let top = units.map { $0.path.split(separator: ".").count }.min() ?? 1
                var table = Table([.init("CODE"), .init("NAME", maxWidth: 40), .init("LEVEL"), .init("HOUSEHOLDS", alignment: .right), .init("PATH")])
                for unit in units {
                    let depth = unit.path.split(separator: ".").count - top
                    table.append([.init(unit.divisionCode, unit.retired ? .warning : .neutral),
                                  .init(String(repeating: "  ", count: depth) + unit.name + (unit.retired ? " (retired)" : "")),
                                  .init(Level.label(unit.level)), .init(unit.householdCount == 0 ? "—" : "\(unit.householdCount)"), .init(unit.path)])
                }
                return context.out.table(table)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a unit.", discussion: examples("tongxinctl unit show 331082104201"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Division code or unit path.") var unit: UnitArgument

        func run() async throws {
            let context = try global.context()
            let found = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).getUnit(.init(unit: unit.ref), options: gateway.options())
            }
            try context.out.show(found) { UnitCommand.render(found, context.out) }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a unit under a parent.",
            discussion: """
                Levels: \(Level.helpList).

                \(examples("tongxinctl unit create 331082104201 --name 下岙村 --level village --parent 331082104000 --households 312"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The 12-digit division code (统计用区划代码).") var code: UnitArgument
        @Option(help: "The unit's name.") var name: String
        @Option(help: "county, town, village or group.") var level: Level
        @Option(help: "The parent's division code or path (absent only for a deployment root).") var parent: UnitArgument?
        @Option(help: "Households (户数), for representatives per household.") var households: Int64 = 0

        func run() async throws {
            let context = try global.context()
            let unit = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).createUnit(
                    .init(divisionCode: code.code, name: name, level: level.wire, parent: parent?.ref, householdCount: households),
                    options: gateway.options())
            }
            try context.out.show(unit) { UnitCommand.render(unit, context.out) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rename a unit or record its households.",
            discussion: examples("tongxinctl unit update 331082104201 --households 330", "tongxinctl unit update 331082104201 --name 下岙村"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Division code or unit path.") var unit: UnitArgument
        @Option(help: "The new name.") var name: String?
        @Option(help: "Households (户数).") var households: Int64?

        func validate() throws {
            if name == nil && households == nil { throw ValidationError("give --name or --households") }
        }

        func run() async throws {
            let context = try global.context()
            let updated = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).updateUnit(
                    .init(unit: unit.ref, name: name.map { .init(value: $0) }, householdCount: households.map { .init(value: $0) }),
                    options: gateway.options())
            }
            try context.out.show(updated) { UnitCommand.render(updated, context.out) }
        }
    }

    struct Move: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a unit and its subtree under another parent (within its county).",
            discussion: examples("tongxinctl unit move 331082104201 --to 331082105000"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Division code or unit path.") var unit: UnitArgument
        @Option(help: "The new parent.") var to: UnitArgument

        func run() async throws {
            let context = try global.context()
            let moved = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).moveUnit(.init(unit: unit.ref, newParent: to.ref), options: gateway.options())
            }
            try context.out.show(moved) { UnitCommand.render(moved, context.out) }
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Retire a unit: it stays in history and takes no new councils or people.",
            discussion: examples("tongxinctl unit retire 331082104201 --reason 撤村并居"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "Division code or unit path.") var unit: UnitArgument
        @Option(help: "Why (kept in the audit log).") var reason: String

        func run() async throws {
            let context = try global.context()
            let retired = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).retireUnit(.init(unit: unit.ref, reason: reason), options: gateway.options())
            }
            try context.out.show(retired) { UnitCommand.render(retired, context.out) }
        }
    }

    static func render(_ unit: MembershipV1.Unit, _ out: Output) -> String {
        out.record([
            ("code", .init(unit.divisionCode)),
            ("name", .init(unit.name)),
            ("level", .init(Level.label(unit.level))),
            ("path", .init(unit.path)),
            ("households", .init(unit.householdCount == 0 ? "—" : "\(unit.householdCount)")),
            ("state", unit.retired ? .init("retired \(Format.instant(unit.retiredAt))", .warning) : .init("active", .good)),
            ("id", .init(unit.id)),
        ])
    }
}

// MARK: - Import

extension UnitCommand {
    /// 导入 — the units of a town or county from one CSV (all rows or none, by membership's
    /// ImportUnits), then its people from another, row by row with a progress bar; every
    /// rejected row is reported with its line, column and the rule it broke.
    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import units and people from CSV, with a per-row error report; exit 1 when a row was rejected.",
            discussion: """
                Units CSV (UTF-8, header first): code,name,parent_code[,level] — all rows are
                written or none; a row already there with the same name and parent is
                "unchanged", so the import can be repeated.

                People CSV: header unit_code,name[,gender,birth_year,phone,id_number,household,
                party_member,grassroots_cadre,sector,posts] in any order (gender 男/女, flags 是/否,
                posts separated by ;). Rows are checked here, then created one by one (a progress
                bar on a terminal); a row the service refuses is reported and the rest go on. A
                person whose ID number is already registered in the town is "unchanged"; a row
                imported again within 24 h is answered with the person created the first time
                (counted as created again, never duplicated).

                --dry-run checks every row of both files and writes nothing.

                \(examples(
                    "tongxinctl unit import units.csv",
                    "tongxinctl unit import units.csv --people people.csv --dry-run",
                    "tongxinctl unit import --people people.csv --json"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The units CSV.", completion: .file(extensions: ["csv"])) var units: String?
        @Option(help: "The people CSV.", completion: .file(extensions: ["csv"])) var people: String?
        @Flag(help: "Check every row and report, writing nothing.") var dryRun = false

        func validate() throws {
            if units == nil && people == nil { throw ValidationError("give a units CSV, --people, or both") }
        }

        func run() async throws {
            let context = try global.context()
            let unitsText = try units.map(Import.read)
            let peopleText = try people.map(Import.read)
            var problems: [(file: String, problem: ImportProblem)] = []
            var unitsResponse: MembershipV1.ImportUnitsResponse?
            var peopleCounts = (created: 0, unchanged: 0, checked: 0)

            try await context.withGateway { gateway in
                let api = MembershipV1.Membership.Client(gateway.rpc)
                if let unitsText, let units {
                    let response = try await api.importUnits(.init(csv: unitsText, dryRun: dryRun), options: gateway.options())
                    unitsResponse = response
                    for error in response.errors {
                        problems.append((units, ImportProblem(
                            line: Int(error.line), subject: error.divisionCode, field: error.field, reason: error.reason,
                            zh: error.message?.zh ?? "", en: error.message?.en ?? "")))
                    }
                }
                guard let peopleText, let people else { return }
                if !problems.isEmpty {
                    context.out.warn("the people were not imported: the units CSV has rejected rows")
                    return
                }
                let parsed = PeopleCSV.parse(peopleText)
                problems += parsed.problems.map { (people, $0) }
                // The units the rows name: those that exist, plus (in a dry run) those the units CSV would create.
                var known = Swift.Set<String>()
                if dryRun, let unitsText { known.formUnion(Import.codes(inUnitsCSV: unitsText)) }
                for code in Swift.Set(parsed.rows.map(\.unitCode)).subtracting(known).sorted() {
                    do {
                        _ = try await api.getUnit(.init(unit: .init(divisionCode: code)), options: gateway.options())
                        known.insert(code)
                    } catch let error as RPCError where error.code == .notFound {
                        continue
                    }
                }
                var rows: [PeopleCSV.Row] = []
                for row in parsed.rows {
                    if known.contains(row.unitCode) {
                        rows.append(row)
                    } else {
                        problems.append((people, ImportProblem(
                            line: row.line, subject: row.request.name, field: "unit_code", reason: "unknown_unit",
                            zh: "单位 \(row.unitCode) 不存在或不在您的范围内", en: "unit \(row.unitCode) does not exist or lies outside your units")))
                    }
                }
                peopleCounts.checked = rows.count
                if dryRun { return }
                let progress = Progress(enabled: !context.out.json && Terminal.isTerminal(2), label: "people", total: rows.count)
                for (index, row) in rows.enumerated() {
                    defer { progress.update(done: index + 1, failed: problems.count) }
                    do {
                        _ = try await api.createPerson(row.request, options: gateway.options(idempotencyKey: try PeopleCSV.idempotencyKey(row)))
                        peopleCounts.created += 1
                    } catch let error as RPCError {
                        if [.unauthenticated, .unavailable, .deadlineExceeded].contains(error.code) {
                            progress.finish()
                            throw error
                        }
                        // Someone with this ID number is registered in the town already: that person.
                        if error.code == .alreadyExists, error.detail?.field == "id_number" {
                            peopleCounts.unchanged += 1
                            continue
                        }
                        problems.append((people, ImportProblem(
                            line: row.line, subject: row.request.name, field: error.detail?.field ?? "",
                            reason: error.detail?.rule.isEmpty == false ? error.detail!.rule : "\(error.code)",
                            zh: error.detail?.messageZH ?? "", en: error.detail.map(\.messageEN) ?? error.message)))
                    }
                }
                progress.finish()
            }

            let report = problems.sorted { ($0.file, $0.problem.line) < ($1.file, $1.problem.line) }
            try context.out.value(.object([
                ("dry_run", .bool(dryRun)),
                ("units", try unitsResponse.map(ProtoJSON.encode) ?? .null),
                ("people", people == nil ? .null : .object([
                    ("checked", .int(Int64(peopleCounts.checked))), ("created", .int(Int64(peopleCounts.created))),
                    ("unchanged", .int(Int64(peopleCounts.unchanged))),
                    ("rejected", .int(Int64(report.filter { $0.file == people }.count))),
                ])),
                ("problems", .array(report.map { file, problem in
                    .object([("file", .string(file)), ("line", .int(Int64(problem.line))), ("subject", .string(problem.subject)),
                             ("field", .string(problem.field)), ("reason", .string(problem.reason)),
                             ("message_zh", .string(problem.zh)), ("message_en", .string(problem.en))])
                })),
            ])) {
                var text = ""
                if let response = unitsResponse {
                    text += dryRun
                        ? "units: \(response.errors.isEmpty ? "all rows valid" : "\(response.errors.count) rejected"), \(response.created) would be created, \(response.unchanged) unchanged (dry run: nothing written)\n"
                        : "units: created \(response.created), unchanged \(response.unchanged)\(response.committed ? "" : ", nothing written")\n"
                }
                if people != nil {
                    let rejected = report.filter { $0.file == people }.count
                    text += dryRun
                        ? "people: \(peopleCounts.checked) rows valid, \(rejected) rejected (dry run: nothing written)\n"
                        : "people: created \(peopleCounts.created), unchanged \(peopleCounts.unchanged), rejected \(rejected)\n"
                }
                if !report.isEmpty {
                    var table = Table([.init("FILE"), .init("LINE", alignment: .right), .init("SUBJECT"), .init("FIELD"), .init("PROBLEM")])
                    for (file, problem) in report {
                        table.append([.init((file as NSString).lastPathComponent), .init("\(problem.line)"), .init(problem.subject),
                                      .init(problem.field), .init("\(problem.reason): \(problem.message)", .bad)])
                    }
                    text += "\n" + context.out.table(table)
                }
                return text
            }
            if !report.isEmpty { throw ExitCode(ExitKind.negative.rawValue) }
        }

        static func read(_ path: String) throws -> String {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(.usage, "cannot read \(path)")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw CommandFailure(.usage, "\(path) is not UTF-8 (save it as \"CSV UTF-8\"; GB18030 files: iconv -f GB18030 -t UTF-8)")
            }
            return text
        }

        /// The `code` column of a units CSV.
        static func codes(inUnitsCSV text: String) -> Swift.Set<String> {
            guard let records = try? CSV.parse(text), let header = records.first,
                  let index = header.fields.firstIndex(where: { $0.trimmingCharacters(in: .whitespaces).lowercased() == "code" })
            else { return [] }
            return Swift.Set(records.dropFirst().compactMap { $0.fields.count > index ? $0.fields[index].trimmingCharacters(in: .whitespaces) : nil })
        }
    }
}
