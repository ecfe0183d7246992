import ArgumentParser
import Foundation
import GatewayAPI
import TongxinSchemas

// 数据开放 — published results and public notices of a unit's subtree, personal data masked.

struct OpenDataCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open-data",
        abstract: "Open data (数据开放): export the published results and notices of a period as JSON or CSV.",
        subcommands: [Export.self])

    struct FormatChoice: Choice {
        var wire: GatewayV1.ExportFormat
        static let options: [ChoiceOption<GatewayV1.ExportFormat>] = [.init("json", .json, "JSON"), .init("csv", .csv, "CSV")]
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Export what a unit's subtree published in a period (results, notices), personal data masked.",
            discussion: """
                Days are China Standard Time: from --from, up to but not including --until.
                With --output DIR each section is written to DIR/<section>.json or .csv;
                without it, one section is printed as it is, several each after a `#
                <section>` line. A section whose service cannot be reached is reported (exit
                1) and the others are still exported. --anonymous asks without logging in
                (public data; name the unit).

                \(examples(
                    "tongxinctl open-data export --unit 331082104000 --from 2025-01-01 --until 2025-04-01 --format csv --output open-data/",
                    "tongxinctl open-data export --from 2025-03-01 --until 2025-04-01 --format json --section results",
                    "tongxinctl open-data export --anonymous --unit 331082000000 --from 2025-01-01 --until 2026-01-01 --format csv --section notices"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit (division code or path; default: the unit you act for).") var unit: UnitArgument?
        @Option(help: "Published on or after this day.") var from: DateArgument
        @Option(help: "Published before this day.") var until: DateArgument
        @Option(help: "json or csv.") var format: FormatChoice
        @Option(parsing: .upToNextOption, help: "Sections: results, notices (default: every section).") var section: [String] = []
        @Option(help: "A directory to write one file per section into.", completion: .directory) var output: String?
        @Flag(help: "Ask without a session (public data; --unit is required).") var anonymous = false

        func validate() throws {
            if anonymous && unit == nil { throw ValidationError("--anonymous needs --unit") }
            if from.startOfDay >= until.startOfDay { throw ValidationError("--from must come before --until") }
        }

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway(authenticated: !anonymous) { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).exportOpenData(
                    .init(divisionCode: unit?.code ?? "", from: from.date, until: until.date, format: format.wire, sections: section),
                    options: gateway.options(authenticated: !anonymous))
            }
            let missing = response.sections.filter { !$0.available }
            for section in missing {
                context.out.warn("section \(section.name) not exported: \(section.unavailableReason)")
            }
            let available = response.sections.filter(\.available)
            if let output {
                try FileManager.default.createDirectory(atPath: output, withIntermediateDirectories: true)
                var written: [(String, JSONValue)] = []
                for section in available {
                    let file = (output as NSString).appendingPathComponent(section.name + (format.wire == .csv ? ".csv" : ".json"))
                    try writeFile(file, section.content)
                    written.append((section.name, .object([("file", .string(file)), ("records", .int(Int64(section.recordCount)))])))
                }
                try context.out.value(.object([
                    ("division_code", .string(response.divisionCode)), ("unit_path", .string(response.unitPath)), ("sections", .object(written)),
                    ("unavailable", .array(missing.map { .string($0.name) })),
                ])) {
                    var table = Table([.init("SECTION"), .init("RECORDS", alignment: .right), .init("FILE")])
                    for section in available {
                        table.append([.init(section.name), .init("\(section.recordCount)"),
                                      .init((output as NSString).appendingPathComponent(section.name + (format.wire == .csv ? ".csv" : ".json")))])
                    }
                    return "open data of \(response.unitPath), \(Format.date(response.from)) – \(Format.date(response.until))\n\n" + context.out.table(table)
                }
            } else if context.out.json {
                print(try ProtoJSON.encode(response).render())
            } else {
                for section in available {
                    if available.count > 1 { print("# \(section.name): \(section.recordCount) record(s)") }
                    print(section.content, terminator: section.content.hasSuffix("\n") || section.content.isEmpty ? "" : "\n")
                }
            }
            if !missing.isEmpty { throw ExitCode(ExitKind.negative.rawValue) }
        }
    }
}
