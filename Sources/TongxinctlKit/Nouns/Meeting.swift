import AgendaAPI
import ArgumentParser
import Foundation
import SessionAPI
import TongxinSchemas

// 会议 — the meeting of a topic: its plan (议事方案, agenda's) and the sitting itself (the
// session service's): scheduling from the published plan, check-in and quorum, opening and
// closing. Opinions, rounds, votes, results and minutes are nouns of their own.

struct MeetingCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "meeting",
        abstract: "Meetings (协商议事会议): schedule, show, list, check in, open, close; the meeting plan (议事方案).",
        subcommands: [Schedule.self, Show.self, List.self, CheckIn.self, Open.self, Close.self, Plan.self])

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A topic's meeting plan: publish, show.",
            subcommands: [Publish.self, PlanShow.self])
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
                Participants are PERSON:ROLE, PERSON a membership person id or a name;
                roles: \(RoleChoice.helpList). With --council, fixed members must sit on
                that council and stakeholders, experts and departments are seated on it for
                this topic.

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

    struct PlanShow: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show",
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

// MARK: The sitting (session service)

extension MeetingCommand {
    struct BodyChoice: Choice {
        var wire: SessionV1.Body
        static let options: [ChoiceOption<SessionV1.Body>] = [
            .init("consultation", .consultation, "协商议事会议"), .init("villagers-assembly", .villagersAssembly, "村民会议"),
            .init("representatives-meeting", .representativesMeeting, "村民代表会议"),
        ]
    }

    struct StateChoice: Choice {
        var wire: SessionV1.MeetingState
        static let options: [ChoiceOption<SessionV1.MeetingState>] = [
            .init("scheduled", .scheduled, "已安排"), .init("open", .open, "进行中"),
            .init("information-session", .informationSession, "情况通报会"), .init("closed", .closed, "已结束"),
        ]
    }

    struct InviteeRoleChoice: Choice {
        var wire: SessionV1.InviteeRole
        static let options: [ChoiceOption<SessionV1.InviteeRole>] = [
            .init("fixed-member", .fixedMember, "固定成员"), .init("ad-hoc-member", .adHocMember, "其他成员"),
            .init("observer", .observer, "列席"), .init("body-member", .bodyMember, "应到成员"),
        ]
    }

    /// `PERSON` or `PERSON:HOUSEHOLD` — a member of a villagers' assembly or representatives'
    /// meeting, and the household they belong to.
    struct MemberArgument: ExpressibleByArgument, Sendable {
        let invitee: SessionV1.Invitee
        init?(argument: String) {
            let parts = argument.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard let person = parts.first, !person.isEmpty else { return nil }
            invitee = SessionV1.Invitee(person: person, name: person, role: .bodyMember, household: parts.count > 1 ? parts[1] : "")
        }
    }

    struct Schedule: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Schedule a meeting: a consultation of topics with published plans, or the villagers' assembly / representatives' meeting a topic escalated to.",
            discussion: """
                A consultation takes its time, place, form and invitees from the topics'
                published meeting plans (the council's roster at the meeting time when the
                plan names a council); --observer adds people who attend without a vote. An
                assembly or representatives' meeting names its members (PERSON or
                PERSON:HOUSEHOLD), its time and place, and for an assembly the households on
                the register. --host and --recorder sign the minutes; the recorder counts in
                paper ballots. Bodies: \(BodyChoice.helpList).

                \(examples(
                    "tongxinctl meeting schedule --unit 331082104201 --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --host 王建国 --recorder zhao.clerk",
                    "tongxinctl meeting schedule --unit 331082104201 --body villagers-assembly --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --host 王建国 --recorder zhao.clerk --at '2025-04-15 19:00' --place 村文化礼堂 --households 120 --member 王建国:一组3号 --member 李梅:一组5号"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit that holds the meeting (division code or path).") var unit: UnitArgument
        @Option(help: "What sits (default: consultation).") var body: BodyChoice?
        @Option(parsing: .upToNextOption, help: "The topics (ids), one or more.") var topic: [String] = []
        @Option(help: "Who chairs it (signs the minutes as host).") var host: String
        @Option(help: "Who records it: the account that counts in paper ballots and signs the minutes as recorder.") var recorder: String
        @Option(help: "Someone attending without a vote (列席), once per person.") var observer: [String] = []
        @Option(help: "A member of the assembly or representatives' meeting, PERSON or PERSON:HOUSEHOLD, once per member.") var member: [MemberArgument] = []
        @Option(help: "Households on the register (a villagers' assembly).") var households: Int32 = 0
        @Option(help: "When (an assembly or representatives' meeting; a consultation takes its plan's).") var at: InstantArgument?
        @Option(help: "Where (default: the plan's).") var place: String?
        @Option(help: "The meeting form (default: the plan's).") var form: TopicCommand.FormChoice?
        @Flag(help: "Refuse unless the meeting falls on a democracy day of the unit.") var onDemocracyDay = false

        func validate() throws {
            if topic.isEmpty { throw ValidationError("name the topics with --topic") }
            let wire = body?.wire ?? .consultation
            if wire != .consultation {
                if at == nil { throw ValidationError("an assembly or representatives' meeting needs --at") }
                if member.isEmpty { throw ValidationError("an assembly or representatives' meeting needs its members (--member)") }
            }
        }

        func run() async throws {
            let context = try global.context()
            let meeting = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await SessionV1.Session.Client(gateway.rpc).scheduleMeeting(
                    .init(unitPath: path, body: body?.wire ?? .consultation, topicIds: topic, host: host, recorder: recorder,
                          observers: observer.map { SessionV1.Invitee(person: $0, name: $0, role: .observer) },
                          members: member.map(\.invitee), households: households, meetingAt: at?.timestamp, place: place ?? "",
                          onDemocracyDay: onDemocracyDay, form: form?.wire ?? .unspecified),
                    options: gateway.options())
            }
            try context.out.show(meeting) { MeetingCommand.render(meeting, context.out) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a meeting: its invitees, who is present, and the quorum with its figures.",
            discussion: examples("tongxinctl meeting show 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f", "tongxinctl meeting show 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f --json"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The meeting's id.") var meeting: String

        func run() async throws {
            let context = try global.context()
            let found = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).getMeeting(.init(meetingId: meeting), options: gateway.options())
            }
            try context.out.show(found) { MeetingCommand.render(found, context.out) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the meetings of a unit and the units under it, latest first.",
            discussion: examples("tongxinctl meeting list", "tongxinctl meeting list --unit 331082104000 --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The subtree (default: your scope).") var unit: UnitArgument?
        @Option(help: "At most this many meetings.") var limit = 500

        func run() async throws {
            let context = try global.context()
            let meetings = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await allPages(limit: limit) { page in
                    let response = try await SessionV1.Session.Client(gateway.rpc).listMeetings(.init(unitPath: path, page: page), options: gateway.options())
                    return (response.meetings, response.page)
                }
            }
            try context.out.list(meetings) {
                var table = Table([.init("ID"), .init("AT"), .init("BODY"), .init("STATE"), .init("PLACE", maxWidth: 20), .init("TOPICS", alignment: .right),
                                   .init("PRESENT", alignment: .right), .init("QUORUM"), .init("UNIT")])
                for meeting in meetings {
                    table.append([.init(meeting.id), .init(Format.instant(meeting.meetingAt)), .init(BodyChoice.label(meeting.body)),
                                  MeetingCommand.state(meeting.state), .init(meeting.place), .init("\(meeting.topicIds.count)"), .init("\(meeting.present)"),
                                  MeetingCommand.quorumCell(meeting), .init(lastCode(meeting.unitPath))])
                }
                return context.out.table(table) + "\(meetings.count) meeting(s)\n"
            }
        }
    }

    struct CheckIn: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "checkin",
            abstract: "Check people in (签到): invitees by the name or id they were invited under, or residents at an open meeting.",
            discussion: """
                Several people may be checked in at once; checking someone in twice changes
                nothing. Prints who was checked in and the quorum as it now stands. Someone
                not invited is refused (rule meeting.not_invited, exit 5); residents
                (--resident) are counted apart, at open meetings (坝坝会, 村民论坛, 听证会,
                民主恳谈会) only.

                \(examples(
                    "tongxinctl meeting checkin 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f 王建国 李梅 张伟",
                    "tongxinctl meeting checkin 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f 陈大爷 --resident",
                    "tongxinctl meeting checkin 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f 王建国 --household 一组3号"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The meeting's id.") var meeting: String
        @Argument(help: "Who arrived (person ids or names, as invited).") var people: [String]
        @Flag(help: "They are residents attending an open meeting, not invitees.") var resident = false
        @Option(help: "The household a member checks in for (a villagers' assembly's households quorum; one person only).") var household: String?

        func validate() throws {
            if people.isEmpty { throw ValidationError("name who arrived") }
            if household != nil && people.count > 1 { throw ValidationError("--household is for one person at a time") }
        }

        func run() async throws {
            let context = try global.context()
            let (attendance, after) = try await context.withGateway { gateway in
                let api = SessionV1.Session.Client(gateway.rpc)
                var attendance: [SessionV1.Attendance] = []
                for person in people {
                    attendance.append(try await api.checkIn(
                        .init(meetingId: meeting, person: person, resident: resident, household: household ?? ""), options: gateway.options()))
                }
                return (attendance, try await api.getMeeting(.init(meetingId: meeting), options: gateway.options()))
            }
            try context.out.value(.object([
                ("attendance", .array(try attendance.map(ProtoJSON.encode))), ("meeting", try ProtoJSON.encode(after)),
            ])) {
                var table = Table([.init("CHECKED IN"), .init("AT"), .init("AS")])
                for entry in attendance {
                    table.append([.init(entry.person), .init(Format.instant(entry.checkedInAt)),
                                  .init(entry.resident ? "resident 群众" : entry.household.isEmpty ? "invitee 应到" : "household \(entry.household)")])
                }
                return context.out.table(table) + "\n" + MeetingCommand.quorumText(after, context.out)
            }
        }
    }

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open the meeting: with quorum it may decide; without, refused — or opened as an information session (情况通报会) that decides nothing.",
            discussion: """
                Prints the quorum rule applied with its figures (present, base, threshold,
                the fewest needed). Without quorum the opening is refused (exit 5) unless
                --information-session is given.

                \(examples(
                    "tongxinctl meeting open 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
                    "tongxinctl meeting open 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f --information-session"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The meeting's id.") var meeting: String
        @Flag(help: "Without quorum, open as an information session instead of refusing.") var informationSession = false

        func run() async throws {
            let context = try global.context()
            let opened = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).openMeeting(
                    .init(meetingId: meeting, informationSession: informationSession), options: gateway.options())
            }
            try context.out.show(opened) { MeetingCommand.render(opened, context.out) }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close the meeting (refused while a vote is open); the minutes can then be signed.",
            discussion: examples("tongxinctl meeting close 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The meeting's id.") var meeting: String

        func run() async throws {
            let context = try global.context()
            let closed = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).closeMeeting(.init(meetingId: meeting), options: gateway.options())
            }
            try context.out.show(closed) { MeetingCommand.render(closed, context.out) }
        }
    }

    static func state(_ state: SessionV1.MeetingState) -> Table.Cell {
        let level: Style.Level = switch state {
        case .open: .good
        case .informationSession: .warning
        default: .neutral
        }
        return .init(StateChoice.label(state), level)
    }

    static func quorumCell(_ meeting: SessionV1.Meeting) -> Table.Cell {
        guard let quorum = meeting.quorum, !quorum.figures.isEmpty else { return .init("—") }
        return quorum.met ? .init("met 达到", .good) : .init("not met 未达到", .bad)
    }

    /// "quorum  met: 7 of 9 fixed members, more than 1/2 (5 needed)" and one line per rule.
    static func quorumText(_ meeting: SessionV1.Meeting, _ out: Output) -> String {
        var fields: [(String, Table.Cell)] = [
            ("state", state(meeting.state)),
            ("present", .init("\(meeting.present) of \(meeting.invitees.isEmpty ? "—" : String(meeting.invitees.count)) invited"
                + (meeting.residentsPresent > 0 ? ", \(meeting.residentsPresent) resident(s)" : ""))),
        ]
        if let quorum = meeting.quorum {
            fields.append(("quorum", quorumCell(meeting)))
            for figure in quorum.figures {
                fields.append(("  \(figure.baseName)", .init(
                    "\(figure.count) of \(figure.baseCount), \(TopicCommand.fraction(figure.threshold, inclusive: figure.inclusive)) — \(figure.required) needed",
                    figure.met ? .good : .bad)))
            }
            let explanation = Format.bilingual(quorum.explanation)
            if !explanation.isEmpty { fields.append(("explanation", .init(explanation))) }
        }
        return out.record(fields)
    }

    static func render(_ meeting: SessionV1.Meeting, _ out: Output) -> String {
        var fields: [(String, Table.Cell)] = [
            ("meeting", .init(meeting.id)),
            ("unit", .init(meeting.unitPath)),
            ("body", .init(BodyChoice.label(meeting.body))),
            ("form", .init(TopicCommand.FormChoice.label(meeting.form))),
            ("at", .init(Format.instant(meeting.meetingAt) + (meeting.onDemocracyDay ? " (democracy day 民主日)" : ""))),
            ("place", .init(Format.text(meeting.place))),
            ("host / recorder", .init("\(meeting.host) / \(meeting.recorder)")),
            ("topics", .init(meeting.topicIds.isEmpty ? "—" : meeting.topicIds.joined(separator: " "))),
            ("council", .init(Format.text(meeting.councilId))),
        ]
        if meeting.households > 0 { fields.append(("households", .init("\(meeting.households)"))) }
        if meeting.openedAt != nil { fields.append(("opened", .init(Format.instant(meeting.openedAt)))) }
        if meeting.closedAt != nil { fields.append(("closed", .init(Format.instant(meeting.closedAt)))) }
        var text = out.record(fields)
        text += quorumText(meeting, out)
        if !meeting.invitees.isEmpty {
            var table = Table([.init("INVITEE"), .init("NAME"), .init("ROLE"), .init("TOPIC"), .init("HOUSEHOLD"), .init("PRESENT")])
            for invitee in meeting.invitees {
                table.append([.init(invitee.person), .init(invitee.name == invitee.person ? "" : invitee.name), .init(InviteeRoleChoice.label(invitee.role)),
                              .init(invitee.topicId), .init(invitee.household),
                              invitee.present ? .init("yes 到", .good) : .init("no 未到", .neutral)])
            }
            text += "\n" + out.table(table)
        }
        return text
    }
}

/// The last label's division code of a unit path ("331082104201" for "u331082000000.…u331082104201").
func lastCode(_ path: String) -> String {
    path.split(separator: ".").last.map { String($0.dropFirst()) } ?? ""
}
