import AgendaAPI
import ArgumentParser
import Foundation
import TongxinSchemas

// 议前调研 — research before the meeting.

struct ResearchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "research",
        abstract: "Pre-meeting research records (议前调研): add, list.",
        subcommands: [Add.self, List.self])

    struct Kind: Choice {
        var wire: AgendaV1.ResearchKind
        static let options: [ChoiceOption<AgendaV1.ResearchKind>] = [
            .init("site-visit", .siteVisit, "实地调研"), .init("interview", .interview, "走访座谈"), .init("feasibility", .feasibility, "可行性论证"),
        ]
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record research done for a topic (a meeting plan needs it unless the topic is urgent).",
            discussion: examples("tongxinctl research add 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --kind site-visit --summary 实地查看村东道路，破损约200米 --on 2025-03-06 --attachment doc://photos/road-1"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic's id.") var topic: String
        @Option(help: "site-visit, interview or feasibility.") var kind: Kind
        @Option(help: "What was found.") var summary: String
        @Option(help: "The day it was done (default: today).") var on: DateArgument?
        @Option(parsing: .upToNextOption, help: "References to attachments kept elsewhere.") var attachment: [String] = []

        func run() async throws {
            let context = try global.context()
            let record = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).addResearchRecord(
                    .init(topicId: topic, kind: kind.wire, summary: summary, attachments: attachment, conductedOn: on?.date), options: gateway.options())
            }
            try context.out.show(record) { context.out.table(ResearchCommand.table([record])) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a topic's research records.", discussion: examples("tongxinctl research list 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic's id.") var topic: String

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).listResearchRecords(.init(topicId: topic), options: gateway.options())
            }
            try context.out.list(response.records) { context.out.table(ResearchCommand.table(response.records)) }
        }
    }

    static func table(_ records: [AgendaV1.ResearchRecord]) -> Table {
        var table = Table([.init("ID"), .init("KIND"), .init("ON"), .init("SUMMARY", maxWidth: 50), .init("ATTACHMENTS")])
        for record in records {
            table.append([.init(record.id), .init(Kind.label(record.kind)), .init(Format.date(record.conductedOn)), .init(record.summary),
                          .init(record.attachments.joined(separator: " "))])
        }
        return table
    }
}
