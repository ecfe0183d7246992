import AgendaAPI
import ArgumentParser
import Foundation
import TongxinSchemas

// 会议 — the meeting of a topic. Today: its plan (议事方案, agenda); the session service adds
// check-in, votes and results here (`meeting checkin` …) as verbs of this noun.

struct MeetingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meeting",
        abstract: "Meetings: the meeting plan (议事方案) of a topic.",
        subcommands: [Plan.self])

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A topic's meeting plan: publish, show.",
            subcommands: [Publish.self, Show.self])
    }

    struct RoleChoice: Choice {
        var wire: AgendaV1.ParticipantRole
        static let options: [ChoiceOption<AgendaV1.ParticipantRole>] = [
            .init("fixed-member", .fixedMember, "固定成员"), .init("stakeholder", .stakeholder, "利益相关方"), .init("expert", .expert, "专家"),
            .init("department", .department, "部门代表"), .init("observer", .observer, "列席"),
        ]
    }

    /// `PERSON:ROLE` — a membership person id or a name, and the role.
    struct ParticipantArgument: ExpressibleByArgument, Sendable {
        let participant: AgendaV1.Participant
        init?(argument: String) {
            guard let colon = argument.lastIndex(where: { $0 == ":" || $0 == "：" }),
                  let role = RoleChoice(argument: String(argument[argument.index(after: colon)...])),
                  colon > argument.startIndex else { return nil }
            participant = AgendaV1.Participant(person: String(argument[..<colon]), role: role.wire)
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish the meeting plan: time, place, form, participants and agenda (refused when too late for the scale's lead time, or without research).",
            discussion: """
                Participants are PERSON:ROLE, PERSON a membership person id or a name; roles:
                \(RoleChoice.helpList). With --council, fixed members must sit on that council and
                stakeholders, experts and departments are seated on it for this topic.

                \(examples(
                    "tongxinctl meeting plan publish 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --at '2025-03-20 14:30' --place 村委会议室 --form deliberation --participant 王建国:fixed-member --participant 王工:expert --agenda 通报调研情况 --agenda 讨论修缮方案"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic's id.") var topic: String
        @Option(help: "When: '2025-03-20 14:30' (local time) or with an offset.") var at: InstantArgument
        @Option(help: "Where.") var place: String
        @Option(help: "The form (default: the topic's).") var form: TopicCommand.FormChoice?
        @Option(help: "PERSON:ROLE, once per participant.") var participant: [ParticipantArgument] = []
        @Option(help: "An agenda point, in order, once per point.") var agenda: [String] = []
        @Option(help: "The membership council that deliberates the topic.") var council: String?

        func run() async throws {
            let context = try global.context()
            let plan = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).publishMeetingPlan(
                    .init(topicId: topic, meetingAt: at.timestamp, place: place, form: form?.wire ?? .unspecified,
                          participants: participant.map(\.participant), agenda: agenda, councilId: council ?? ""),
                    options: gateway.options())
            }
            try context.out.show(plan) { MeetingCommand.render(plan, context.out) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a topic's meeting plan.", discussion: examples("tongxinctl meeting plan show 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic's id.") var topic: String

        func run() async throws {
            let context = try global.context()
            let plan = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).getMeetingPlan(.init(topicId: topic), options: gateway.options())
            }
            try context.out.show(plan) { MeetingCommand.render(plan, context.out) }
        }
    }

    static func render(_ plan: AgendaV1.MeetingPlan, _ out: Output) -> String {
        var text = out.record([
            ("plan", .init(plan.id)), ("topic", .init(plan.topicId)), ("at", .init(Format.instant(plan.meetingAt))), ("place", .init(plan.place)),
            ("form", .init(TopicCommand.FormChoice.label(plan.form))), ("published", .init(Format.instant(plan.publishedAt))),
            ("lead time", .init("\(plan.leadDays) day(s)")), ("council", .init(Format.text(plan.councilId))),
        ])
        if !plan.participants.isEmpty {
            var table = Table([.init("PARTICIPANT"), .init("ROLE")])
            for participant in plan.participants { table.append([.init(participant.person), .init(RoleChoice.label(participant.role))]) }
            text += "\n" + out.table(table)
        }
        if !plan.agenda.isEmpty {
            text += "\n" + plan.agenda.enumerated().map { "\($0.offset + 1). \($0.element)" }.joined(separator: "\n") + "\n"
        }
        return text
    }
}
