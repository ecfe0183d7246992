import ArgumentParser
import Foundation
import MembershipAPI
import TongxinSchemas

// 协商议事会 — councils, their composition check, rosters, terms.

struct CouncilCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "council",
        abstract: "Councils (协商议事会): list, show, create, check composition, roster, history, terms, dissolve.",
        subcommands: [List.self, Show.self, Create.self, Check.self, Roster.self, History.self, EndTerm.self, EndTopic.self, Dissolve.self])

    struct Kind: Choice {
        var wire: MembershipV1.CouncilKind
        static let options: [ChoiceOption<MembershipV1.CouncilKind>] = [
            .init("town-council", .townCouncil, "镇民主协商议事会"),
            .init("village-council", .villageCouncil, "村民主协商议事会"),
            .init("village-affairs-council", .villageAffairsCouncil, "村务民主协商会"),
            .init("residents-council", .residentsCouncil, "居民议事会"),
            .init("compound-council", .compoundCouncil, "小区议事会"),
            .init("cppcc-liaison-group", .cppccLiaisonGroup, "政协联络组"),
            .init("villagers-council", .villagersCouncil, "村民议事会"),
            .init("supervision-committee", .supervisionCommittee, "村务监督委员会"),
            .init("villagers-representatives-meeting", .villagersRepresentativesMeeting, "村民代表会议"),
        ]
    }

    struct Status: Choice {
        var wire: MembershipV1.CouncilStatus
        static let options: [ChoiceOption<MembershipV1.CouncilStatus>] = [
            .init("forming", .forming, "组建中"), .init("in-notice", .inNotice, "公示中"), .init("constituted", .constituted, "已确认"),
            .init("dissolved", .dissolved, "已撤销"), .init("expired", .expired, "任期届满"),
        ]
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the councils of a unit's subtree.",
            discussion: examples("tongxinctl council list", "tongxinctl council list --unit 331082104000 --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit (default: your scope).") var unit: UnitArgument?

        func run() async throws {
            let context = try global.context()
            let councils = try await context.withGateway { gateway in
                try await allPages { page in
                    let response = try await MembershipV1.Membership.Client(gateway.rpc).listCouncils(.init(unit: unit?.ref, page: page), options: gateway.options())
                    return (response.councils, response.page)
                }
            }
            try context.out.list(councils) {
                var table = Table([.init("ID"), .init("NAME", maxWidth: 30), .init("KIND"), .init("STATUS"), .init("TERM"), .init("UNIT")])
                for council in councils {
                    table.append([.init(council.id), .init(council.name), .init(Kind.label(council.kind)), CouncilCommand.status(council.status),
                                  .init(CouncilCommand.term(council.currentTerm)), .init(council.unitPath)])
                }
                return context.out.table(table)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a council and its open seats.", discussion: examples("tongxinctl council show 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The council's id.") var council: String

        func run() async throws {
            let context = try global.context()
            let found = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).getCouncil(.init(councilId: council), options: gateway.options())
            }
            try context.out.show(found) { CouncilCommand.render(found, context.out) }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a council (FORMING) for a unit and its first term.",
            discussion: """
                Kinds: \(Kind.helpList).

                \(examples("tongxinctl council create --unit 331082104201 --kind village-council --name 下岙村民主协商议事会 --term-start 2025-01-01 --term-end 2029-12-31"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit the council serves.") var unit: UnitArgument
        @Option(help: "The kind of council.") var kind: Kind
        @Option(help: "Its name.") var name: String
        @Option(help: "First day of the term.") var termStart: DateArgument
        @Option(help: "Last day of the term.") var termEnd: DateArgument

        func run() async throws {
            let context = try global.context()
            let created = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).createCouncil(
                    .init(unit: unit.ref, kind: kind.wire, name: name, termStartsOn: termStart.date, termEndsOn: termEnd.date),
                    options: gateway.options())
            }
            try context.out.show(created) { CouncilCommand.render(created, context.out) }
        }
    }

    /// 组成校验 — every rule of the council's kind at its unit, with the figures counted.
    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check a council against its composition rules, printing each rule with its numbers; exit 1 when a binding rule is broken.",
            discussion: """
                Each rule in force for the council's kind at its unit is one row: ok, violated
                (binding: blocks confirmation), advisory (may be accepted with a reason when the
                notice is confirmed) or off (switched off for the unit), with what was counted,
                what it was measured against and the bounds.

                \(examples(
                    "tongxinctl council check 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab",
                    "tongxinctl council check 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab --include-nominees --json"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The council's id.") var council: String
        @Flag(help: "Count nominees as if confirmed (the council as it would be constituted).") var includeNominees = false

        func run() async throws {
            let context = try global.context()
            let (found, rules, check) = try await context.withGateway { gateway in
                let api = MembershipV1.Membership.Client(gateway.rpc)
                let found = try await api.getCouncil(.init(councilId: council), options: gateway.options())
                let rules = try await api.getCompositionRules(.init(unit: .init(id: found.unitId), kind: found.kind), options: gateway.options())
                let check = try await api.checkComposition(.init(councilId: council, includeNominees: includeNominees), options: gateway.options())
                return (found, rules.rules, check)
            }
            let rows = CompositionReport.rows(rules: rules, violations: check.violations)
            try context.out.value(.object([
                ("council_id", .string(found.id)), ("name", .string(found.name)),
                ("counted_members", .int(check.countedMembers)), ("include_nominees", .bool(includeNominees)),
                ("satisfied", .bool(check.satisfied)), ("binding_satisfied", .bool(check.bindingSatisfied)),
                ("rules", .array(try rows.map { row in
                    .object([
                        ("rule_id", .string(row.ruleID)), ("result", .string(row.result.rawValue)),
                        ("severity", .string(row.severity == .advisory ? "advisory" : "binding")),
                        ("summary_zh", .string(row.rule?.summary?.zh ?? "")), ("summary_en", .string(row.rule?.summary?.en ?? "")),
                        ("source", .string(row.rule?.source ?? "")), ("origin", .string(row.rule?.origin ?? "")),
                        ("violations", .array(try row.violations.map(ProtoJSON.encode))),
                    ])
                })),
            ])) {
                var table = Table([.init("RULE"), .init("RESULT"), .init("COUNT", alignment: .right), .init("OF", alignment: .right),
                                   .init("BOUNDS"), .init("SUBJECT", maxWidth: 20), .init("RULE / FINDING")])
                for row in rows {
                    let level: Style.Level = switch row.result {
                    case .ok: .good
                    case .violated: .bad
                    case .advisory: .warning
                    case .off: .neutral
                    }
                    if row.violations.isEmpty {
                        table.append([.init(row.ruleID), .init(row.result.rawValue, level), "", "", "", "",
                                      .init(Format.bilingual(row.rule?.summary) + (row.rule?.source.isEmpty == false ? " [\(row.rule!.source)]" : ""))])
                    }
                    for violation in row.violations {
                        var bounds: [String] = []
                        if let minimum = violation.minimum { bounds.append("≥ \(minimum.value)") }
                        if let maximum = violation.maximum { bounds.append("≤ \(maximum.value)") }
                        table.append([.init(row.ruleID), .init(row.result.rawValue, level), .init("\(violation.count)"),
                                      .init(violation.of == 0 ? "" : "\(violation.of)"), .init(bounds.joined(separator: " ")),
                                      .init(violation.subject.isEmpty ? violation.field : violation.subject),
                                      .init(Format.bilingual(violation.message))])
                    }
                }
                let broken = rows.filter { $0.result == .violated }.count
                let advisory = rows.filter { $0.result == .advisory }.count
                let verdict: Table.Cell = if check.satisfied {
                    .init("satisfied", .good)
                } else if check.bindingSatisfied {
                    .init("binding rules hold; \(advisory) advisory rule(s) departed from", .warning)
                } else {
                    .init("violated: \(broken) binding rule(s) broken", .bad)
                }
                return context.out.table(table) + "\n"
                    + context.out.record([("council", .init("\(found.name) (\(found.id))")),
                                          ("members counted", .init("\(check.countedMembers)\(includeNominees ? " (nominees included)" : "")")),
                                          ("verdict", verdict)])
            }
            if !check.bindingSatisfied { throw ExitCode(ExitKind.negative.rawValue) }
        }
    }

    struct Roster: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The members of a council now, or on a day (with the attributes votes and quorum count).",
            discussion: examples(
                "tongxinctl council roster 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab",
                "tongxinctl council roster 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab --on 2025-06-30 --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The council's id.") var council: String
        @Option(help: "A day (default: now).") var on: DateArgument?
        @Option(help: "Include this topic's ad-hoc members.") var topic: String?

        func run() async throws {
            let context = try global.context()
            let roster = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).getRoster(
                    .init(councilId: council, on: on?.date, topicId: topic ?? ""), options: gateway.options())
            }
            try context.out.show(roster) {
                var table = Table([.init("NAME"), .init("ROLE"), .init("VOTING"), .init("GENDER"), .init("PARTY"), .init("CADRE"), .init("SECTOR"),
                                   .init("POSTS", maxWidth: 40), .init("PERSON")])
                for entry in roster.entries {
                    table.append([.init(entry.name), .init(Member.Role.label(entry.role)), .init(Format.yesNo(entry.voting)),
                                  .init(PersonCommand.GenderChoice.options.first { $0.wire == entry.gender }?.zh ?? "—"),
                                  .init(entry.partyMember ? "党员" : "—"), .init(entry.grassrootsCadre ? "干部" : "—"), .init(Format.text(entry.sector)),
                                  .init(entry.posts.joined(separator: " ")), .init(entry.personId)])
                }
                return context.out.table(table) + "\nterm \(roster.termNumber), ends \(Format.date(roster.termEndsOn)); council \(Status.label(roster.councilStatus)); \(roster.entries.count) member(s) at \(Format.instant(roster.at))\n"
            }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every seat a council has had (任职记录), or one person's.",
            discussion: examples("tongxinctl council history 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The council's id.") var council: String
        @Option(help: "Only this person's seats.") var person: String?

        func run() async throws {
            let context = try global.context()
            let seats = try await context.withGateway { gateway in
                try await allPages { page in
                    let response = try await MembershipV1.Membership.Client(gateway.rpc).getMembershipHistory(
                        .init(councilId: council, personId: person ?? "", page: page), options: gateway.options())
                    return (response.seats, response.page)
                }
            }
            try context.out.list(seats) { context.out.table(Member.table(seats)) }
        }
    }

    struct EndTerm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End the current term and start the next (the council returns to FORMING).",
            discussion: examples("tongxinctl council end-term 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab --next-start 2030-01-01 --next-end 2034-12-31 --renominate"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The council's id.") var council: String
        @Option(help: "First day of the next term.") var nextStart: DateArgument
        @Option(help: "Last day of the next term.") var nextEnd: DateArgument
        @Flag(help: "Nominate the outgoing members again for the new term.") var renominate = false

        func run() async throws {
            let context = try global.context()
            let updated = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).endTerm(
                    .init(councilId: council, nextTermStartsOn: nextStart.date, nextTermEndsOn: nextEnd.date, renominate: renominate),
                    options: gateway.options())
            }
            try context.out.show(updated) { CouncilCommand.render(updated, context.out) }
        }
    }

    struct EndTopic: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End the ad-hoc seats of a topic (they end with it).",
            discussion: examples("tongxinctl council end-topic 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The council's id.") var council: String
        @Option(help: "The topic's id.") var topic: String

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).endTopic(.init(councilId: council, topicId: topic), options: gateway.options())
            }
            try context.out.show(response) { "ended \(response.ended) ad-hoc seat(s)\n" }
        }
    }

    struct Dissolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dissolve a council for good (e.g. the village was merged): every open seat ends.",
            discussion: examples("tongxinctl council dissolve 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab --reason 撤村并居"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The council's id.") var council: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            let context = try global.context()
            let dissolved = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).dissolveCouncil(.init(councilId: council, reason: reason), options: gateway.options())
            }
            try context.out.show(dissolved) { CouncilCommand.render(dissolved, context.out) }
        }
    }

    static func status(_ status: MembershipV1.CouncilStatus) -> Table.Cell {
        let level: Style.Level = switch status {
        case .constituted: .good
        case .forming, .inNotice: .warning
        case .dissolved, .expired: .bad
        default: .neutral
        }
        return .init(Status.label(status), level)
    }

    static func term(_ term: MembershipV1.Term?) -> String {
        guard let term else { return "—" }
        return "\(term.number): \(Format.date(term.startsOn)) – \(Format.date(term.endsOn))"
    }

    static func render(_ council: MembershipV1.Council, _ out: Output) -> String {
        var fields: [(String, Table.Cell)] = [
            ("id", .init(council.id)),
            ("name", .init(council.name)),
            ("kind", .init(Kind.label(council.kind))),
            ("status", status(council.status)),
            ("term", .init(term(council.currentTerm))),
            ("unit", .init(council.unitPath)),
            ("constituted", .init(Format.instant(council.constitutedAt))),
        ]
        if council.status == .dissolved {
            fields.append(("dissolved", .init("\(Format.instant(council.dissolvedAt)): \(council.dissolutionReason)")))
        }
        var text = out.record(fields)
        if !council.seats.isEmpty { text += "\n" + out.table(Member.table(council.seats)) }
        return text
    }
}

/// The composition check as rows: each rule in force, with the violations found for it,
/// then any violation of a rule not in the list (pure, tested).
enum CompositionReport {
    enum Result: String, Sendable {
        case ok, violated, advisory, off
    }

    struct Row: Sendable {
        var ruleID: String
        var rule: MembershipV1.CompositionRule?
        var severity: MembershipV1.RuleSeverity
        var result: Result
        var violations: [MembershipV1.RuleViolation]
    }

    static func rows(rules: [MembershipV1.CompositionRule], violations: [MembershipV1.RuleViolation]) -> [Row] {
        var rows: [Row] = []
        var matched = Set<Int>()
        for rule in rules {
            let found = violations.enumerated().filter { $0.element.ruleId == rule.id }
            matched.formUnion(found.map(\.offset))
            let severity = found.first?.element.severity ?? rule.severity
            let result: Result = rule.disabled ? .off : found.isEmpty ? .ok : severity == .advisory ? .advisory : .violated
            rows.append(Row(ruleID: rule.id, rule: rule, severity: severity, result: result, violations: found.map(\.element)))
        }
        for (index, violation) in violations.enumerated() where !matched.contains(index) {
            if let last = rows.indices.last, rows[last].rule == nil, rows[last].ruleID == violation.ruleId {
                rows[last].violations.append(violation)
                continue
            }
            rows.append(Row(ruleID: violation.ruleId, rule: nil, severity: violation.severity,
                            result: violation.severity == .advisory ? .advisory : .violated, violations: [violation]))
        }
        return rows
    }
}
