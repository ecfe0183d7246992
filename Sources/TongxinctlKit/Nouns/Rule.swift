import ArgumentParser
import Foundation
import MembershipAPI
import TongxinSchemas

// 组成规则 — the composition rules in force, and a unit's overrides (membership.rules).

struct RuleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule",
        abstract: "Composition rules (组成规则): list those in force, override one for a unit's subtree, reset it.",
        subcommands: [List.self, SetCommand.self, Reset.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The rules in force for a kind of council at a unit, and where each comes from.",
            discussion: examples("tongxinctl rule list --unit 331082104201 --kind village-council", "tongxinctl rule list --unit 331082104201 --kind village-council --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit.") var unit: UnitArgument
        @Option(help: "The kind of council.") var kind: CouncilCommand.Kind

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).getCompositionRules(.init(unit: unit.ref, kind: kind.wire), options: gateway.options())
            }
            try context.out.list(response.rules) { context.out.table(RuleCommand.table(response.rules)) }
        }
    }

    struct SetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Override a rule for a unit's subtree: replace it (--definition, MembershipRules' JSON), or switch it off.",
            discussion: """
                Statutory rules (Organic Law arts. 25 and 32) are locked everywhere; --lock keeps units
                below from overriding this one. See docs/domain.md for the rule kinds and their JSON.

                \(examples(
                    "tongxinctl rule set --unit 331082104000 --kind village-council --rule-id composition.non_party_share --definition '{\"kind\":\"share\",\"id\":\"composition.non_party_share\",\"filter\":{\"partyMember\":false},\"threshold\":{\"comparison\":\"atLeast\",\"numerator\":1,\"denominator\":2},\"base\":\"standingMembers\"}' --lock",
                    "tongxinctl rule set --unit 331082104201 --kind village-council --rule-id composition.women_share --disable"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit whose subtree the override covers.") var unit: UnitArgument
        @Option(help: "The kind of council.") var kind: CouncilCommand.Kind
        @Option(help: "The rule's id.") var ruleId: String
        @Option(help: "The rule as MembershipRules' JSON (or @file to read it).") var definition: String?
        @Flag(help: "Switch the rule off for the subtree.") var disable = false
        @Flag(help: "No unit below may override or disable it.") var lock = false

        func validate() throws {
            if (definition == nil) == !disable { throw ValidationError("give either --definition or --disable") }
            if disable && lock { throw ValidationError("a switched-off rule cannot be locked") }
        }

        func run() async throws {
            let context = try global.context()
            var json = definition ?? ""
            if json.hasPrefix("@") {
                guard let data = FileManager.default.contents(atPath: String(json.dropFirst())), let text = String(data: data, encoding: .utf8) else {
                    throw CommandFailure(.usage, "cannot read \(json.dropFirst())")
                }
                json = text
            }
            let rule = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).setCompositionRule(
                    .init(unit: unit.ref, kind: kind.wire, ruleId: ruleId, definitionJson: json, disabled: disable, locked: lock),
                    options: gateway.options())
            }
            try context.out.show(rule) { context.out.table(RuleCommand.table([rule])) }
        }
    }

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a unit's override of a rule (the inherited one applies again).",
            discussion: examples("tongxinctl rule reset --unit 331082104201 --kind village-council --rule-id composition.women_share"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit.") var unit: UnitArgument
        @Option(help: "The kind of council.") var kind: CouncilCommand.Kind
        @Option(help: "The rule's id.") var ruleId: String

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).resetCompositionRule(
                    .init(unit: unit.ref, kind: kind.wire, ruleId: ruleId), options: gateway.options())
            }
            try context.out.list(response.rules) { context.out.table(RuleCommand.table(response.rules)) }
        }
    }

    static func table(_ rules: [MembershipV1.CompositionRule]) -> Table {
        var table = Table([.init("RULE"), .init("SEVERITY"), .init("ORIGIN"), .init("LOCKED BY"), .init("SOURCE"), .init("RULE", maxWidth: 70)])
        for rule in rules {
            table.append([.init(rule.id, rule.disabled ? .warning : .neutral),
                          .init(rule.disabled ? "off" : rule.severity == .advisory ? "advisory" : "binding"),
                          .init(rule.origin), .init(Format.text(rule.lockedBy)), .init(Format.text(rule.source)), .init(Format.bilingual(rule.summary))])
        }
        return table
    }
}
