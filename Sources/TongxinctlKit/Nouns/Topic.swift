import AgendaAPI
import ArgumentParser
import Foundation
import TongxinSchemas

// 议题 — topics, their approval by the two-committee meeting, and their lifecycle.

struct TopicCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "topic",
        abstract: "Topics (议题): create, list, show, approve (votes), revise, advance.",
        subcommands: [Create.self, List.self, Show.self, Approve.self, Revise.self, Advance.self])

    struct SourceChoice: Choice {
        var wire: AgendaV1.TopicSource
        static let options: [ChoiceOption<AgendaV1.TopicSource>] = [
            .init("ledger", .ledger, "问题台账"), .init("party-committee", .partyCommittee, "党委定题"), .init("government", .government, "政府交题"),
            .init("cppcc", .cppcc, "政协选题"), .init("resident-proposal", .residentProposal, "社区提案"),
        ]
    }

    struct ScaleChoice: Choice {
        var wire: AgendaV1.Scale
        static let options: [ChoiceOption<AgendaV1.Scale>] = [.init("big", .big, "大事大议"), .init("small", .small, "小事小议"), .init("urgent", .urgent, "急事快议")]
    }

    struct FormChoice: Choice {
        var wire: AgendaV1.MeetingForm
        static let options: [ChoiceOption<AgendaV1.MeetingForm>] = [
            .init("democratic-talk", .democraticTalk, "民主恳谈会"), .init("deliberation", .deliberation, "民主议事会"), .init("hearing", .hearing, "决策听证会"),
            .init("villagers-forum", .villagersForum, "村民论坛"), .init("democratic-appraisal", .democraticAppraisal, "民主评议会"),
            .init("open-air", .openAir, "坝坝会"), .init("one-to-one", .oneToOne, "一对一面对面"),
        ]
    }

    struct StateChoice: Choice {
        var wire: AgendaV1.TopicState
        static let options: [ChoiceOption<AgendaV1.TopicState>] = [
            .init("draft", .draft, "草拟"), .init("approved", .approved, "已审定"), .init("researching", .researching, "调研中"),
            .init("planned", .planned, "已定方案"), .init("in-meeting", .inMeeting, "协商中"), .init("resolved", .resolved, "已形成意见"),
            .init("escalated", .escalated, "已上报"), .init("published", .published, "已公开"), .init("filed", .filed, "已备案"),
            .init("implementing", .implementing, "落实中"), .init("closed", .closed, "已办结"), .init("rejected", .rejected, "未通过"),
        ]
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create a draft topic, from ledger items or set by the party committee, government, CPPCC or residents.",
            discussion: """
                Scales: \(ScaleChoice.helpList) — the scale sets the meeting's deadline and default form.
                Sources: \(SourceChoice.helpList).

                \(examples(
                    "tongxinctl topic create --unit 331082104201 --title 村东道路修缮 --category infrastructure --scale small --source ledger --item 3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f",
                    "tongxinctl topic create --unit 331082104000 --title 跨村灌溉渠改造 --category infrastructure --scale big --source government --span 331082104201 331082104202"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit that owns the topic.") var unit: UnitArgument
        @Option(help: "The title.") var title: String
        @Option(help: "A description.") var description = ""
        @Option(help: "The category.") var category: LedgerCommand.CategoryChoice
        @Option(help: "big, small or urgent.") var scale: ScaleChoice
        @Option(help: "Where the topic comes from.") var source: SourceChoice
        @Option(help: "The meeting form (default: the scale's).") var form: FormChoice?
        @Option(parsing: .upToNextOption, help: "Ledger items the topic takes up.") var item: [String] = []
        @Option(parsing: .upToNextOption, help: "The units a cross-village topic spans.") var span: [UnitArgument] = []

        func run() async throws {
            let context = try global.context()
            let topic = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                var spanned: [String] = []
                for unit in span { spanned.append(try await gateway.unitPath(unit)) }
                return try await AgendaV1.Agenda.Client(gateway.rpc).createTopic(
                    .init(unitPath: path, title: title, description: description, category: category.wire, scale: scale.wire, source: source.wire,
                          form: form?.wire ?? .unspecified, itemIds: item, spannedUnitPaths: spanned),
                    options: gateway.options())
            }
            try context.out.show(topic) { TopicCommand.render(topic, context.out) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List topics, optionally in some states.",
            discussion: examples("tongxinctl topic list", "tongxinctl topic list --unit 331082104000 --state draft approved --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The subtree (default: your scope).") var unit: UnitArgument?
        @Option(parsing: .upToNextOption, help: "States: \(StateChoice.allValueStrings.joined(separator: ", ")).") var state: [StateChoice] = []
        @Option(help: "At most this many topics.") var limit = 500

        func run() async throws {
            let context = try global.context()
            let topics = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await allPages(limit: limit) { page in
                    let response = try await AgendaV1.Agenda.Client(gateway.rpc).listTopics(
                        .init(unitPath: path, states: state.map(\.wire), page: page), options: gateway.options())
                    return (response.topics, response.page)
                }
            }
            try context.out.list(topics) {
                var table = Table([.init("ID"), .init("NUMBER"), .init("TITLE", maxWidth: 30), .init("STATE"), .init("SCALE"), .init("CATEGORY"),
                                   .init("MEETING BY"), .init("UNIT")])
                for topic in topics {
                    table.append([.init(topic.id), .init(Format.text(topic.number)), .init(topic.title), TopicCommand.state(topic.state),
                                  .init(ScaleChoice.label(topic.scale)), .init(LedgerCommand.CategoryChoice.label(topic.category)),
                                  .init(Format.date(topic.meetingDueOn)), .init(topic.unitPath.split(separator: ".").last.map { String($0.dropFirst()) } ?? "")])
                }
                return context.out.table(table)
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a topic.", discussion: examples("tongxinctl topic show 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic's id.") var topic: String

        func run() async throws {
            let context = try global.context()
            let found = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).getTopic(.init(topicId: topic), options: gateway.options())
            }
            try context.out.show(found) { TopicCommand.render(found, context.out) }
        }
    }

    /// 两委会审议 — the vote: who was present and how each voted.
    struct Approve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the two-committee meeting's vote on a draft topic; prints the threshold applied with its figures.",
            discussion: """
                Name the voters with --for, --against and --abstain (person ids or names, as they
                will be recorded); --present adds those present who did not vote (everyone who
                voted counts as present). The unit's threshold decides (tongxinctl threshold show);
                when it counts against all members of the two committees, name every member with
                --members (present or not). Exit 1 when the topic is not adopted.

                \(examples(
                    "tongxinctl topic approve 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --meeting-on 2025-03-05 --for 王建国 李梅 张伟 赵强 --against 孙丽 --abstain 周军"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic's id.") var topic: String
        @Option(help: "The day of the meeting.") var meetingOn: DateArgument
        @Option(name: .customLong("for"), parsing: .upToNextOption, help: "Those who voted for.") var inFavour: [String] = []
        @Option(parsing: .upToNextOption, help: "Those who voted against.") var against: [String] = []
        @Option(parsing: .upToNextOption, help: "Those who abstained.") var abstain: [String] = []
        @Option(parsing: .upToNextOption, help: "Others present who did not vote.") var present: [String] = []
        @Option(parsing: .upToNextOption, help: "Every member of the two committees entitled to vote, present or not.") var members: [String] = []

        func validate() throws {
            let voters = inFavour + against + abstain
            if voters.isEmpty { throw ValidationError("name the voters with --for, --against or --abstain") }
            if Swift.Set(voters).count != voters.count { throw ValidationError("someone is named twice among the voters") }
        }

        func run() async throws {
            let context = try global.context()
            let ballots = inFavour.map { AgendaV1.Ballot(voter: $0, vote: .`for`) } + against.map { AgendaV1.Ballot(voter: $0, vote: .against) }
                + abstain.map { AgendaV1.Ballot(voter: $0, vote: .abstain) }
            var attendance = inFavour + against + abstain
            for name in present where !attendance.contains(name) { attendance.append(name) }
            let response = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).approveTopic(
                    .init(topicId: topic, meetingOn: meetingOn.date, present: attendance, ballots: ballots, members: members),
                    options: gateway.options())
            }
            let outcome = response.outcome ?? AgendaV1.ApprovalOutcome()
            try context.out.show(response) {
                context.out.record([
                    ("topic", .init("\(response.topic?.title ?? "") (\(topic))")),
                    ("outcome", .init(outcome.adopted ? "adopted 通过" : "not adopted 未通过", outcome.adopted ? .good : .bad)),
                    ("for / against / abstain", .init("\(outcome.inFavour) / \(outcome.against) / \(outcome.abstaining) of \(outcome.present) present")),
                    ("threshold", .init(TopicCommand.fraction(outcome.threshold, inclusive: outcome.inclusive))),
                    ("explanation", .init(Format.bilingual(outcome.explanation))),
                    ("number", .init(Format.text(response.topic?.number ?? ""))),
                    ("state", TopicCommand.state(response.topic?.state ?? .unspecified)),
                ])
            }
            if !outcome.adopted { throw ExitCode(ExitKind.negative.rawValue) }
        }
    }

    struct Revise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revise a rejected topic and return it to draft (修改后重新提交).",
            discussion: examples("tongxinctl topic revise 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --title 村东道路修缮（调整方案）"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic's id.") var topic: String
        @Option(help: "The new title.") var title: String
        @Option(help: "The new description.") var description = ""

        func run() async throws {
            let context = try global.context()
            let revised = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).reviseTopic(.init(topicId: topic, title: title, description: description), options: gateway.options())
            }
            try context.out.show(revised) { TopicCommand.render(revised, context.out) }
        }
    }

    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move a topic along its lifecycle (what the session and supervision services do; agenda.advance).",
            discussion: """
                States: \(StateChoice.helpList). An illegal move is refused naming from and to (exit 5).

                \(examples("tongxinctl topic advance 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --to in-meeting --note 会议开始"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic's id.") var topic: String
        @Option(help: "The state to move to.") var to: StateChoice
        @Option(help: "A note.") var note = ""

        func run() async throws {
            let context = try global.context()
            let advanced = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).advanceTopic(.init(topicId: topic, to: to.wire, note: note), options: gateway.options())
            }
            try context.out.show(advanced) { TopicCommand.render(advanced, context.out) }
        }
    }

    static func state(_ state: AgendaV1.TopicState) -> Table.Cell {
        let level: Style.Level = switch state {
        case .rejected: .bad
        case .closed, .published, .filed, .resolved: .good
        case .draft: .warning
        default: .neutral
        }
        return .init(StateChoice.label(state), level)
    }

    static func fraction(_ fraction: CommonV1.Fraction?, inclusive: Bool) -> String {
        guard let fraction else { return "—" }
        return "\(inclusive ? "at least" : "more than") \(fraction.numerator)/\(fraction.denominator) \(inclusive ? "不少于" : "超过")"
    }

    static func render(_ topic: AgendaV1.Topic, _ out: Output) -> String {
        out.record([
            ("id", .init(topic.id)),
            ("number", .init(Format.text(topic.number))),
            ("title", .init(topic.title)),
            ("state", state(topic.state)),
            ("unit", .init(topic.unitPath)),
            ("category", .init(LedgerCommand.CategoryChoice.label(topic.category))),
            ("scale", .init(ScaleChoice.label(topic.scale))),
            ("source", .init(SourceChoice.label(topic.source))),
            ("form", .init(FormChoice.label(topic.form))),
            ("meeting by", .init(Format.date(topic.meetingDueOn))),
            ("items", .init(topic.itemIds.isEmpty ? "—" : topic.itemIds.joined(separator: " "))),
            ("spans", .init(topic.spannedUnitPaths.isEmpty ? "—" : topic.spannedUnitPaths.joined(separator: " "))),
            ("research records", .init("\(topic.researchCount)")),
            ("approved", .init(Format.instant(topic.approvedAt))),
            ("description", .init(Format.text(topic.description))),
        ])
    }
}

// 表决规则 — the two-committee meeting's approval threshold of a unit.

struct ThresholdCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "threshold",
        abstract: "The approval threshold of topics at a unit (inherited by its subtree).",
        subcommands: [Show.self, SetCommand.self])

    /// `1/2`.
    struct FractionArgument: ExpressibleByArgument, Sendable {
        let fraction: CommonV1.Fraction
        init?(argument: String) {
            let parts = argument.split(separator: "/")
            guard parts.count == 2, let numerator = Int64(parts[0]), let denominator = Int64(parts[1]),
                  numerator > 0, denominator > 0, numerator <= denominator else { return nil }
            fraction = CommonV1.Fraction(numerator: numerator, denominator: denominator)
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the threshold in force at a unit and where it was set.",
            discussion: examples("tongxinctl threshold show --unit 331082104201"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit.") var unit: UnitArgument

        func run() async throws {
            let context = try global.context()
            let rule = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await AgendaV1.Agenda.Client(gateway.rpc).getApprovalRule(.init(unitPath: path), options: gateway.options())
            }
            try context.out.show(rule) {
                context.out.record([("unit", .init(rule.unitPath)), ("threshold", .init(TopicCommand.fraction(rule.threshold, inclusive: rule.inclusive))),
                                    ("base", .init(rule.countedAgainst == .allMembers ? "all members 两委全体成员" : "those present 与会人员")),
                                    ("set at", .init(rule.setAt))])
            }
        }
    }

    struct SetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Set a unit's threshold: --inclusive for 以上/不少于, strict (过半数/超过) otherwise.",
            discussion: examples("tongxinctl threshold set --unit 331082104000 --fraction 2/3 --inclusive", "tongxinctl threshold set --unit 331082104201 --fraction 1/2"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit.") var unit: UnitArgument
        @Option(help: "The share of the base, e.g. 1/2 or 2/3.") var fraction: FractionArgument
        @Flag(help: "At least the share (以上/不少于) rather than more than it (过半数/超过).") var inclusive = false
        @Flag(help: "Count against all members of the two committees (两委全体成员) rather than those present.") var allMembers = false

        func run() async throws {
            let context = try global.context()
            let rule = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await AgendaV1.Agenda.Client(gateway.rpc).setApprovalRule(
                    .init(unitPath: path, threshold: fraction.fraction, inclusive: inclusive,
                          countedAgainst: allMembers ? .allMembers : .present), options: gateway.options())
            }
            try context.out.show(rule) { "threshold at \(rule.unitPath): \(TopicCommand.fraction(rule.threshold, inclusive: rule.inclusive))\n" }
        }
    }
}
