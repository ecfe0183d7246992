import AgendaAPI
import ArgumentParser
import Foundation
import TongxinSchemas

// 协商范围 — the positive and negative lists of what may be consulted.

struct ScopeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scope",
        abstract: "Scope lists (正面清单/负面清单): show those in force, set or remove a unit's entry.",
        subcommands: [Show.self, SetCommand.self, Remove.self])

    struct ListKind: Choice {
        var wire: AgendaV1.ScopeListKind
        static let options: [ChoiceOption<AgendaV1.ScopeListKind>] = [.init("positive", .positive, "正面清单"), .init("negative", .negative, "负面清单")]
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The lists in force at a unit: for each category, the nearest entry on the way up.",
            discussion: examples("tongxinctl scope show --unit 331082104201"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit.") var unit: UnitArgument

        func run() async throws {
            let context = try global.context()
            let lists = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await AgendaV1.Agenda.Client(gateway.rpc).getScopeLists(.init(unitPath: path), options: gateway.options())
            }
            try context.out.show(lists) {
                var table = Table([.init("LIST"), .init("CATEGORY"), .init("TEXT", maxWidth: 50), .init("SET AT")])
                for entry in lists.positive + lists.negative {
                    table.append([.init(ListKind.label(entry.list), entry.list == .negative ? .bad : .good),
                                  .init(LedgerCommand.CategoryChoice.label(entry.category)), .init(entry.text), .init(entry.unitPath)])
                }
                return context.out.table(table)
            }
        }
    }

    struct SetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set (or replace) a unit's entry for a category.",
            discussion: examples("tongxinctl scope set --unit 331082000000 --list negative --category religion --text 宗教事务不纳入协商"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit.") var unit: UnitArgument
        @Option(help: "positive or negative.") var list: ListKind
        @Option(help: "The category.") var category: LedgerCommand.CategoryChoice
        @Option(help: "The entry's wording.") var text: String

        func run() async throws {
            let context = try global.context()
            let entry = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await AgendaV1.Agenda.Client(gateway.rpc).setScopeEntry(
                    .init(unitPath: path, list: list.wire, category: category.wire, text: text), options: gateway.options())
            }
            try context.out.show(entry) { "\(ListKind.label(entry.list)) at \(entry.unitPath): \(LedgerCommand.CategoryChoice.label(entry.category)) — \(entry.text)\n" }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a unit's entry for a category (the inherited one applies again).",
            discussion: examples("tongxinctl scope remove --unit 331082104201 --category land"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit.") var unit: UnitArgument
        @Option(help: "The category.") var category: LedgerCommand.CategoryChoice

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await AgendaV1.Agenda.Client(gateway.rpc).removeScopeEntry(.init(unitPath: path, category: category.wire), options: gateway.options())
            }
            try context.out.show(response) { response.removed ? "removed\n" : "the unit had no entry for that category\n" }
        }
    }
}
