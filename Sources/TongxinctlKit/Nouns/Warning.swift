import ArgumentParser
import Foundation
import SupervisionAPI
import TongxinSchemas

// 红黄绿三级预警 — the warning ledger, the quarterly report, the three zeros.

struct WarningCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "warning",
        abstract: "The red/yellow/green warning ledger (红黄绿三级预警台账).",
        subcommands: [Ledger.self])

    struct LevelChoice: Choice {
        var wire: SupervisionV1.WarningLevel
        static let options: [ChoiceOption<SupervisionV1.WarningLevel>] = [.init("green", .green, "绿"), .init("yellow", .yellow, "黄"), .init("red", .red, "红")]
    }

    /// "● red 红" — the marker of a level; coloured on a terminal, the words say it everywhere.
    static func marker(_ level: SupervisionV1.WarningLevel) -> Table.Cell {
        switch level {
        case .red: .init("● red 红", .bad)
        case .yellow: .init("● yellow 黄", .warning)
        case .green: .init("● green 绿", .good)
        default: .init("○ —")
        }
    }

    static func counts(_ counts: SupervisionV1.LevelCounts?) -> String {
        guard let counts else { return "—" }
        return "\(counts.red) red / \(counts.yellow) yellow / \(counts.green) green"
    }

    struct Ledger: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The warning ledger of a unit: its level rolled up from its cases, each unit under it, and the red and yellow cases with the rules that set them.",
            discussion: """
                A unit is as red as its worst case (green without cases). Markers are words
                (red 红, yellow 黄, green 绿), coloured on a terminal only (never with
                NO_COLOR or when piped).

                \(examples("tongxinctl warning ledger", "tongxinctl warning ledger --unit 331082104000", "tongxinctl warning ledger --json > ledger.json"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit (default: your scope).") var unit: UnitArgument?

        func run() async throws {
            let context = try global.context()
            let ledger = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await SupervisionV1.Supervision.Client(gateway.rpc).getWarningLedger(.init(unitPath: path), options: gateway.options())
            }
            try context.out.show(ledger) {
                var text = context.out.record([
                    ("unit", .init(ledger.unit?.unitPath ?? "")),
                    ("level", marker(ledger.unit?.level ?? .unspecified)),
                    ("cases", .init(counts(ledger.unit?.counts))),
                    ("as of", .init(Format.instant(ledger.asOf))),
                ])
                if !ledger.children.isEmpty {
                    var table = Table([.init(""), .init("UNIT"), .init("RED", alignment: .right), .init("YELLOW", alignment: .right), .init("GREEN", alignment: .right)])
                    for child in ledger.children {
                        table.append([marker(child.level), .init(lastCode(child.unitPath)), .init("\(child.counts?.red ?? 0)"),
                                      .init("\(child.counts?.yellow ?? 0)"), .init("\(child.counts?.green ?? 0)")])
                    }
                    text += "\n" + context.out.table(table)
                }
                text += "\n" + attentionTable(ledger.attention, context.out)
                text += "\(ledger.attentionTotal) case(s) need attention" + (ledger.attentionTotal > Int64(ledger.attention.count) ? " (\(ledger.attention.count) shown)" : "") + "\n"
                return text
            }
        }
    }

    static func attentionTable(_ cases: [SupervisionV1.AttentionCase], _ out: Output) -> String {
        guard !cases.isEmpty else { return "" }
        var table = Table([.init(""), .init("CASE"), .init("TITLE", maxWidth: 24), .init("UNIT"), .init("DEADLINE"), .init("WAS"), .init("WHY", maxWidth: 50)])
        for item in cases {
            table.append([marker(item.level), .init(item.caseId), .init(item.title), .init(lastCode(item.unitPath)), .init(Format.date(item.deadline)),
                          .init(LevelChoice.name(item.previousLevel)), .init(item.reasons.map { $0.text?.zh ?? $0.rule }.joined(separator: "；"))])
        }
        return out.table(table)
    }
}

struct QuarterlyReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarterly-report",
        abstract: "The quarterly warning report of a county (or any unit): each town's red/yellow/green counts, what moved since the last quarter, what needs attention, and advice.",
        discussion: """
            The quarter's figures are as at its end (or now, for the current quarter),
            beside those at the end of the quarter before. Default: this quarter.

            \(examples(
                "tongxinctl quarterly-report",
                "tongxinctl quarterly-report --unit 331082000000 --year 2025 --quarter 1",
                "tongxinctl quarterly-report --year 2025 --quarter 2 --json > 2025Q2.json"))
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The county (default: your scope); its children are the towns reported on.") var unit: UnitArgument?
    @Option(help: "The year (default: this year).") var year: Int32?
    @Option(help: "The quarter, 1–4 (default: this quarter).") var quarter: Int32?

    func validate() throws {
        if let quarter, !(1...4).contains(quarter) { throw ValidationError("--quarter must be 1–4") }
    }

    func run() async throws {
        let context = try global.context()
        let today = Calendar(identifier: .gregorian).dateComponents([.year, .month], from: Date())
        let year = year ?? Int32(today.year ?? 2025)
        let quarter = quarter ?? Int32(((today.month ?? 1) - 1) / 3 + 1)
        let report = try await context.withGateway { gateway in
            let path = try await gateway.unitPath(unit)
            return try await SupervisionV1.Supervision.Client(gateway.rpc).getQuarterlyReport(
                .init(unitPath: path, year: year, quarter: quarter), options: gateway.options())
        }
        try context.out.show(report) {
            var text = "\(report.year) Q\(report.quarter) — \(report.unitPath) (as of \(Format.instant(report.asOf)); previous \(Format.instant(report.previousAsOf)))\n"
            text += "cases: \(WarningCommand.counts(report.counts))\n\n"
            var table = Table([.init(""), .init("TOWN"), .init("RED", alignment: .right), .init("YELLOW", alignment: .right), .init("GREEN", alignment: .right),
                               .init("WAS"), .init("OPENED", alignment: .right), .init("WORSE", alignment: .right), .init("BETTER", alignment: .right),
                               .init("ADVICE", maxWidth: 40)])
            for town in report.towns {
                table.append([WarningCommand.marker(town.level), .init(lastCode(town.unitPath)), .init("\(town.counts?.red ?? 0)"),
                              .init("\(town.counts?.yellow ?? 0)"), .init("\(town.counts?.green ?? 0)"),
                              .init(WarningCommand.LevelChoice.name(town.previousLevel)), .init("\(town.opened)"), .init("\(town.worsened)"),
                              .init("\(town.improved)"), .init(town.advice?.zh ?? "")])
            }
            text += context.out.table(table)
            for town in report.towns where !town.attention.isEmpty {
                text += "\n\(lastCode(town.unitPath)): \(town.attentionTotal) case(s) need attention\n" + WarningCommand.attentionTable(town.attention, context.out)
            }
            return text
        }
    }
}

struct ThreeZerosCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "three-zeros",
        abstract: "The three zeros (三零) of a unit: no feedback recipient left out, no case unsupervised, no result applied at a discount; exit 1 unless all are met.",
        discussion: examples("tongxinctl three-zeros", "tongxinctl three-zeros --unit 331082104000 --json"))
    @OptionGroup var global: GlobalOptions
    @Option(help: "The unit (default: your scope).") var unit: UnitArgument?

    func run() async throws {
        let context = try global.context()
        let zeros = try await context.withGateway { gateway in
            let path = try await gateway.unitPath(unit)
            return try await SupervisionV1.Supervision.Client(gateway.rpc).getThreeZeros(.init(unitPath: path), options: gateway.options())
        }
        try context.out.show(zeros) {
            var table = Table([.init("MEASURE"), .init("TITLE"), .init("COUNTED", alignment: .right), .init("BREAKING", alignment: .right), .init("MET"),
                               .init("CASES BREAKING IT", maxWidth: 60)])
            for measure in zeros.measures {
                table.append([.init(measure.name), .init(Format.bilingual(measure.title)), .init("\(measure.counted)"), .init("\(measure.breaking)"),
                              measure.met ? .init("yes", .good) : .init("no", .bad), .init(measure.breakingCaseIds.joined(separator: " "))])
            }
            return context.out.table(table) + (zeros.allMet ? "all three zeros met at \(zeros.unitPath)\n" : "not all met at \(zeros.unitPath)\n")
        }
        if !zeros.allMet { throw ExitCode(ExitKind.negative.rawValue) }
    }
}

// 协商指数 — the consultation index (003): seven categories of element indicators.

struct IndexCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "index",
        abstract: "The consultation index (协商指数): a unit's score, towns compared, an assessor's score for an indicator.",
        subcommands: [Show.self, Compare.self, Assess.self])

    /// `85.5` → 8550 hundredths.
    struct ScoreArgument: ExpressibleByArgument, Sendable {
        let hundredths: Int32
        init?(argument: String) {
            guard let value = Double(argument), value >= 0, value <= 100 else { return nil }
            hundredths = Int32((value * 100).rounded())
        }
    }

    static func score(_ hundredths: Int32) -> String {
        String(format: "%d.%02d", hundredths / 100, hundredths % 100)
    }

    static func thisYear() -> Int32 {
        Int32(Calendar(identifier: .gregorian).component(.year, from: Date()))
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A unit's index for a year: the score, each category, and each indicator with where its score comes from.",
            discussion: """
                Indicators are computed from the record, entered by an assessor (`index
                assess`), or missing (scored 0, and said so).

                \(examples("tongxinctl index show --unit 331082104000 --year 2025", "tongxinctl index show --unit 331082104000 --year 2025 --json"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit.") var unit: UnitArgument
        @Option(help: "The year (default: this year).") var year: Int32?

        func run() async throws {
            let context = try global.context()
            let index = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await SupervisionV1.Supervision.Client(gateway.rpc).getIndex(.init(unitPath: path, year: year ?? IndexCommand.thisYear()), options: gateway.options())
            }
            try context.out.show(index) {
                var text = "index \(index.year) of \(index.unitPath): \(IndexCommand.score(index.score))\n\n"
                var table = Table([.init("CATEGORY"), .init("INDICATOR"), .init("WEIGHT", alignment: .right), .init("SCORE", alignment: .right),
                                   .init("SOURCE"), .init("BASIS", maxWidth: 40)])
                for category in index.categories {
                    table.append([.init(category.name?.zh ?? ""), .init(""), .init("\(category.weight)"), .init(IndexCommand.score(category.score)), .init(""), .init("")])
                    for indicator in category.indicators {
                        let source: Table.Cell = switch indicator.source {
                        case .computed: .init("computed 计算")
                        case .assessed: .init("assessed 评估")
                        case .missing: .init("missing 缺失", .warning)
                        default: .init("—")
                        }
                        table.append([.init(""), .init("\(indicator.id) \(indicator.name?.zh ?? "")"), .init("\(indicator.weight)"),
                                      .init(IndexCommand.score(indicator.score)), source, .init(indicator.basis)])
                    }
                }
                text += context.out.table(table)
                return text
            }
        }
    }

    struct Compare: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the index of a county's towns (the unit's children), highest first.",
            discussion: examples("tongxinctl index compare --unit 331082000000 --year 2025"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The county (or any unit): its children are compared.") var unit: UnitArgument
        @Option(help: "The year (default: this year).") var year: Int32?

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await SupervisionV1.Supervision.Client(gateway.rpc).compareIndex(
                    .init(unitPath: path, year: year ?? IndexCommand.thisYear()), options: gateway.options())
            }
            try context.out.show(response) {
                let categories = response.units.first?.categories ?? []
                var table = Table([.init("RANK", alignment: .right), .init("UNIT"), .init("SCORE", alignment: .right)]
                                  + categories.map { Table.Column($0.name?.zh ?? "", alignment: .right) })
                for (rank, unit) in response.units.enumerated() {
                    table.append([.init("\(rank + 1)"), .init(lastCode(unit.unitPath)), .init(IndexCommand.score(unit.score))]
                                 + unit.categories.map { Table.Cell(IndexCommand.score($0.score)) })
                }
                return context.out.table(table)
            }
        }
    }

    struct Assess: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an assessor's score (0–100) for an indicator that is not computed, or overriding a computed one.",
            discussion: examples("tongxinctl index assess --unit 331082104000 --year 2025 --indicator venues.reception_rooms --score 85.5 --note 同心会客室3处，运行良好"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit.") var unit: UnitArgument
        @Option(help: "The year (default: this year).") var year: Int32?
        @Option(help: "The indicator's id (see index show).") var indicator: String
        @Option(help: "The score, 0–100 (two decimals).") var score: ScoreArgument
        @Option(help: "Why.") var note = ""

        func run() async throws {
            let context = try global.context()
            let assessment = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await SupervisionV1.Supervision.Client(gateway.rpc).recordAssessment(
                    .init(unitPath: path, year: year ?? IndexCommand.thisYear(), indicatorId: indicator, score: score.hundredths, note: note),
                    options: gateway.options())
            }
            try context.out.show(assessment) {
                context.out.record([("unit", .init(assessment.unitPath)), ("year", .init("\(assessment.year)")), ("indicator", .init(assessment.indicatorId)),
                                    ("score", .init(IndexCommand.score(assessment.score))), ("note", .init(Format.text(assessment.note))),
                                    ("assessor", .init(assessment.assessor)), ("recorded", .init(Format.instant(assessment.recordedAt)))])
            }
        }
    }
}

// 一事一档 — one matter's whole path, in order, from every service.

struct DossierCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dossier",
        abstract: "The dossier of a matter (一事一档): show it; export it to a file as JSON or Markdown.",
        subcommands: [Show.self, Export.self])

    struct FormatChoice: Choice {
        var wire: SupervisionV1.DossierFormat
        static let options: [ChoiceOption<SupervisionV1.DossierFormat>] = [.init("json", .json, "JSON"), .init("markdown", .markdown, "文档")]
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a topic's dossier: every section (ledger, topic, approval, research, plan, meetings, votes, result, case, feedback) with its entries.",
            discussion: """
                A section whose service could not be read says so (never silently empty). A
                closed case's dossier is frozen: its content hash is printed and checked.

                \(examples("tongxinctl dossier show 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic's id.") var topic: String

        func run() async throws {
            let context = try global.context()
            let dossier = try await context.withGateway { gateway in
                try await SupervisionV1.Supervision.Client(gateway.rpc).getDossier(.init(topicId: topic), options: gateway.options())
            }
            try context.out.show(dossier) {
                var text = context.out.record([
                    ("topic", .init("\(dossier.title) (\(dossier.topicId))")),
                    ("cases", .init(dossier.caseIds.isEmpty ? "—" : dossier.caseIds.joined(separator: " "))),
                    ("assembled", .init(Format.instant(dossier.assembledAt))),
                    ("frozen", dossier.frozen
                        ? .init("yes, sha256 \(dossier.contentHash) \(dossier.hashVerified ? "verified" : "DOES NOT MATCH")", dossier.hashVerified ? .good : .bad)
                        : .init("no (until the case closes)")),
                ])
                var table = Table([.init("SECTION"), .init("AT"), .init("KIND"), .init("SUMMARY", maxWidth: 60)])
                for section in dossier.sections {
                    let title = "\(section.title?.zh ?? section.key) [\(section.source)]"
                    if section.status == .unavailable {
                        table.append([.init(title), .init(""), .init(""), .init(section.unavailableReason, .warning)])
                        continue
                    }
                    if section.entries.isEmpty { table.append([.init(title), .init(""), .init(""), .init("—")]) }
                    for (index, entry) in section.entries.enumerated() {
                        table.append([.init(index == 0 ? title : ""), .init(Format.instant(entry.at)), .init(entry.kind), .init(entry.summary)])
                    }
                }
                text += "\n" + context.out.table(table)
                return text
            }
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export a topic's dossier as JSON or a printable Markdown document, to a file (or standard output).",
            discussion: examples(
                "tongxinctl dossier export 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --format markdown --output 村东道路修缮-一事一档.md",
                "tongxinctl dossier export 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --format json --output dossier.json"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic's id.") var topic: String
        @Option(help: "json or markdown.") var format: FormatChoice
        @Option(help: "The file to write (default: standard output).", completion: .file()) var output: String?

        func run() async throws {
            let context = try global.context()
            let document = try await context.withGateway { gateway in
                try await SupervisionV1.Supervision.Client(gateway.rpc).exportDossier(.init(topicId: topic, format: format.wire), options: gateway.options())
            }
            guard let output, output != "-" else {
                if context.out.json && format.wire != .json {
                    print(try ProtoJSON.encode(document).render())
                } else {
                    print(document.content, terminator: document.content.hasSuffix("\n") ? "" : "\n")
                }
                return
            }
            try writeFile(output, document.content)
            try context.out.value(.object([
                ("file", .string(output)), ("content_type", .string(document.contentType)), ("bytes", .int(Int64(document.content.utf8.count))),
                ("content_hash", .string(document.contentHash)), ("frozen", .bool(document.frozen)),
            ])) {
                "wrote the dossier of \(topic) to \(output) (\(document.content.utf8.count) bytes, \(document.contentType))"
                    + (document.frozen ? "; frozen, sha256 \(document.contentHash)" : "") + "\n"
            }
        }
    }
}
