import AgendaAPI
import ArgumentParser
import Foundation
import TongxinSchemas

// 年度协商计划 — the annual consultation plan.

struct AnnualPlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "annual-plan",
        abstract: "The annual consultation plan (年度协商计划): schedule a topic, show the year.",
        subcommands: [Schedule.self, Show.self])

    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedule a topic in a quarter or a month of a year.",
            discussion: examples("tongxinctl annual-plan schedule --unit 331082104000 --year 2025 --quarter 2 --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit whose plan it is.") var unit: UnitArgument
        @Option(help: "The year.") var year: Int32
        @Option(help: "The quarter, 1–4.") var quarter: Int32?
        @Option(help: "The month, 1–12.") var month: Int32?
        @Option(help: "The topic's id.") var topic: String

        func validate() throws {
            guard (quarter == nil) != (month == nil) else { throw ValidationError("give exactly one of --quarter and --month") }
            if let quarter, !(1...4).contains(quarter) { throw ValidationError("--quarter must be 1–4") }
            if let month, !(1...12).contains(month) { throw ValidationError("--month must be 1–12") }
        }

        func run() async throws {
            let context = try global.context()
            let entry = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await AgendaV1.Agenda.Client(gateway.rpc).schedulePlanEntry(
                    .init(unitPath: path, year: year, quarter: quarter ?? 0, month: month ?? 0, topicId: topic), options: gateway.options())
            }
            try context.out.show(entry) { context.out.table(AnnualPlanCommand.table([entry])) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a unit's plan for a year: what is scheduled, done and overdue.",
            discussion: examples("tongxinctl annual-plan show --unit 331082104000 --year 2025"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit.") var unit: UnitArgument
        @Option(help: "The year.") var year: Int32

        func run() async throws {
            let context = try global.context()
            let plan = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await AgendaV1.Agenda.Client(gateway.rpc).getAnnualPlan(.init(unitPath: path, year: year), options: gateway.options())
            }
            try context.out.show(plan) {
                context.out.table(AnnualPlanCommand.table(plan.entries))
                    + "\n\(plan.year): \(plan.scheduled) scheduled, \(plan.done) done, \(plan.overdue) overdue\n"
            }
        }
    }

    static func table(_ entries: [AgendaV1.PlanEntry]) -> Table {
        var table = Table([.init("WHEN"), .init("TOPIC", maxWidth: 30), .init("STATE"), .init("PROGRESS"), .init("TOPIC ID")])
        for entry in entries {
            let when = entry.quarter != 0 ? "\(entry.year) Q\(entry.quarter)" : "\(entry.year)-\(String(format: "%02d", entry.month))"
            let progress: Table.Cell = entry.done ? .init("done", .good) : entry.overdue ? .init("overdue", .bad) : .init("scheduled", .warning)
            table.append([.init(when), .init(entry.topicTitle), TopicCommand.state(entry.topicState), progress, .init(entry.topicId)])
        }
        return table
    }
}
