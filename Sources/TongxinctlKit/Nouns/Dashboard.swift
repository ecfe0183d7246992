import ArgumentParser
import Foundation
import GatewayAPI
import SupervisionAPI
import TongxinSchemas

// 县级看板 — the county dashboard: one row per town, from every service, in one call.

struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The county dashboard (县级看板): per town, open ledger items, topics, the quarter's meetings and filed results, cases by warning level with a red/yellow/green marker, and the consultation index.",
        discussion: """
            One call to the gateway, which asks agenda, session and supervision for every town
            at once. A town administrator sees their own town; a county administrator every
            town of the county. A section a service could not answer in time is shown as
            "—" with the service named at the end (the rest is still shown); the exit code is
            then 1. Markers are words (red 红, yellow 黄, green 绿), coloured on a terminal only.

            \(examples(
                "tongxinctl dashboard",
                "tongxinctl dashboard --unit 331082000000 --year 2025 --quarter 2",
                "tongxinctl dashboard --json > dashboard.json"))
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "The county or town (default: your scope).") var unit: UnitArgument?
    @Option(help: "The year of the quarter (default: the current quarter).") var year: Int32?
    @Option(help: "The quarter, 1–4 (with --year; default: the current quarter).") var quarter: Int32?

    func validate() throws {
        if let quarter, !(1...4).contains(quarter) { throw ValidationError("--quarter must be 1–4") }
        if (year == nil) != (quarter == nil) { throw ValidationError("--year and --quarter go together (neither: the current quarter)") }
    }

    func run() async throws {
        let context = try global.context()
        let dashboard = try await context.withGateway { gateway in
            let path = try await gateway.unitPath(unit)
            return try await GatewayV1.Gateway.Client(gateway.rpc).getCountyDashboard(
                .init(unitPath: path, year: year ?? 0, quarter: quarter ?? 0), options: gateway.options())
        }
        try context.out.show(dashboard) { Self.render(dashboard, context.out) }
        if !dashboard.unavailableServices.isEmpty { throw ExitCode(ExitKind.negative.rawValue) }
    }

    static func render(_ dashboard: GatewayV1.CountyDashboard, _ out: Output) -> String {
        func count<T>(_ section: T?, _ state: (T) -> GatewayV1.DashboardSectionState?, _ value: (T) -> String) -> Table.Cell {
            guard let section, state(section)?.available == true else { return .init("—", .warning) }
            return .init(value(section))
        }
        var text = "\(dashboard.name) \(dashboard.divisionCode) — \(dashboard.year) Q\(dashboard.quarter) (as of \(Format.instant(dashboard.asOf)))\n\n"
        var table = Table([.init(""), .init("TOWN"), .init("CODE"), .init("OPEN ITEMS", alignment: .right), .init("TOPICS", alignment: .right),
                           .init("MEETINGS", alignment: .right), .init("FILED", alignment: .right), .init("RED", alignment: .right),
                           .init("YELLOW", alignment: .right), .init("GREEN", alignment: .right), .init("INDEX", alignment: .right)])
        for town in dashboard.towns {
            let warningsAvailable = town.warnings?.state?.available == true
            table.append([
                warningsAvailable ? WarningCommand.marker(town.warnings?.level ?? .unspecified) : .init("○ —"),
                .init(town.name), .init(town.divisionCode),
                count(town.ledger, \.state) { "\($0.openItems)" },
                count(town.topics, \.state) { "\($0.total)" },
                count(town.meetings, \.state) { "\($0.meetings) (\($0.closed) closed)" },
                count(town.results, \.state) { "\($0.filed) (\($0.filedTotal) in all)" },
                count(town.warnings, \.state) { "\($0.cases?.red ?? 0)" },
                count(town.warnings, \.state) { "\($0.cases?.yellow ?? 0)" },
                count(town.warnings, \.state) { "\($0.cases?.green ?? 0)" },
                count(town.index, \.state) { IndexCommand.score($0.score) },
            ])
        }
        text += out.table(table)
        text += "\(dashboard.towns.count) town(s)"
        if !dashboard.unavailableServices.isEmpty {
            text += "; not answered: \(dashboard.unavailableServices.joined(separator: ", "))"
            // Why, once per service (the first section that says so).
            var seen = Set<String>()
            for town in dashboard.towns {
                let states = [town.ledger?.state, town.topics?.state, town.meetings?.state, town.results?.state, town.warnings?.state, town.index?.state]
                for case let state? in states where !state.available && seen.insert(state.service).inserted {
                    text += "\n  \(state.service): \(state.status) \(state.reason)"
                }
            }
        }
        return text + "\n"
    }
}
