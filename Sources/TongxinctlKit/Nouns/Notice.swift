import ArgumentParser
import Foundation
import MembershipAPI
import SessionAPI
import TongxinSchemas

// 公示 — public notice of nominees, objections, and confirmation.

struct NoticeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "notice",
        abstract: "Public notice (公示) of a council's nominees: publish, show, confirm.",
        subcommands: [Publish.self, Show.self, Confirm.self])

    struct Status: Choice {
        var wire: MembershipV1.NoticeStatus
        static let options: [ChoiceOption<MembershipV1.NoticeStatus>] = [
            .init("open", .open, "公示中"), .init("confirmed", .confirmed, "已确认"), .init("superseded", .superseded, "已重新公示"),
        ]
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish the council's nominees for notice; the window starts the next day (Civil Code art. 201).",
            discussion: examples("tongxinctl notice publish 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab", "tongxinctl notice publish 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab --days 7"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The council's id.") var council: String
        @Option(help: "Days of the window (default: the deployment's, 5).") var days: Int32 = 0

        func run() async throws {
            let context = try global.context()
            let notice = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).publishNotice(.init(councilId: council, days: days), options: gateway.options())
            }
            try context.out.show(notice) { NoticeCommand.render(notice, context.out) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a notice: its window, nominees and objections.",
            discussion: examples("tongxinctl notice show 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The notice's id.") var notice: String

        func run() async throws {
            let context = try global.context()
            let found = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).getNotice(.init(noticeId: notice), options: gateway.options())
            }
            try context.out.show(found) { NoticeCommand.render(found, context.out) }
        }
    }

    struct Confirm: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Confirm a notice whose window has passed (党组织研究确定); the council is constituted when the rules hold.",
            discussion: examples(
                "tongxinctl notice confirm 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d --decision-meeting 村党支部委员会会议 --decided-on 2025-03-12",
                "tongxinctl notice confirm 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d --decision-meeting 村党支部委员会会议 --decided-on 2025-03-12 --advisory-acceptance 本村妇女人数少，经研究同意"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The notice's id.") var notice: String
        @Option(help: "The party organisation's deciding meeting (not for an elected body).") var decisionMeeting: String?
        @Option(help: "The day it decided.") var decidedOn: DateArgument?
        @Option(help: "Why the list is confirmed despite the advisory rules it departs from.") var advisoryAcceptance: String?

        func run() async throws {
            let context = try global.context()
            let council = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).confirmNotice(
                    .init(noticeId: notice, decisionMeeting: decisionMeeting ?? "", decidedOn: decidedOn?.date, advisoryAcceptance: advisoryAcceptance ?? ""),
                    options: gateway.options())
            }
            try context.out.show(council) { CouncilCommand.render(council, context.out) }
        }
    }

    static func render(_ notice: MembershipV1.Notice, _ out: Output) -> String {
        var text = out.record([
            ("notice", .init(notice.id)),
            ("council", .init(notice.councilId)),
            ("status", .init(Status.label(notice.status), notice.status == .confirmed ? .good : notice.status == .open ? .warning : .neutral)),
            ("window", .init("\(Format.date(notice.firstDay)) – \(Format.date(notice.lastDay)) (closes \(Format.instant(notice.closesAt)))")),
            ("published", .init(Format.instant(notice.publishedAt))),
        ])
        if !notice.nominees.isEmpty { text += "\n" + out.table(Member.table(notice.nominees)) }
        if !notice.objections.isEmpty {
            var table = Table([.init("OBJECTION"), .init("SEAT"), .init("OBJECTOR"), .init("REASON", maxWidth: 40), .init("OUTCOME"), .init("RESOLUTION", maxWidth: 40)])
            for objection in notice.objections {
                table.append([.init(objection.id), .init(Format.text(objection.seatId)), .init(objection.objectorName), .init(objection.reason),
                              .init(ObjectionCommand.Outcome.label(objection.outcome), objection.outcome == .unspecified ? .warning : .neutral),
                              .init(Format.text(objection.resolution))])
            }
            text += "\n" + out.table(table)
        }
        return text
    }
}

// 异议 — objections during the notice window.

struct ObjectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "objection",
        abstract: "Objections (异议): to a council's notice (file) or to a published result (raise); resolve, list.",
        subcommands: [File.self, Raise.self, Resolve.self, List.self])

    struct Outcome: Choice {
        var wire: MembershipV1.ObjectionOutcome
        static let options: [ChoiceOption<MembershipV1.ObjectionOutcome>] = [
            .init("upheld", .upheld, "异议成立"), .init("dismissed", .dismissed, "异议不成立"),
        ]
    }

    struct File: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a resident's objection to a nominee (or to the list as a whole).",
            discussion: examples("tongxinctl objection file --notice 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d --seat 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d --objector-name 李四 --reason 长期不在村居住"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The notice's id.") var notice: String
        @Option(help: "The nominee's seat (absent: the list as a whole).") var seat: String?
        @Option(help: "Who objects.") var objectorName: String
        @Option(help: "The objector's person id, when registered.") var objectorPerson: String?
        @Option(help: "The objection.") var reason: String

        func run() async throws {
            let context = try global.context()
            let objection = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).fileObjection(
                    .init(noticeId: notice, seatId: seat ?? "", objectorName: objectorName, objectorPersonId: objectorPerson ?? "", reason: reason),
                    options: gateway.options())
            }
            try context.out.show(objection) { ObjectionCommand.render(objection, context.out) }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Resolve an objection: to a notice, upheld withdraws the nominee; to a result, upheld sends it back to draft. Dismissed keeps either.",
            discussion: """
                The objection is one to a council's notice (`objection file`) or to a
                published result (`objection raise`): --notice or --result says which; with
                neither, the notice objection of that id is resolved, else the result
                objection.

                \(examples(
                    "tongxinctl objection resolve 2b3c4d5e-6f7a-4b8c-9d0e-1f2a3b4c5d6e --outcome dismissed --resolution 经核实该同志常住本村",
                    "tongxinctl objection resolve 3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f --result 9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c --outcome upheld --resolution 补充排水设计后重新公示"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The objection's id.") var objection: String
        @Option(help: "upheld or dismissed.") var outcome: Outcome
        @Option(help: "The finding (the answer to the objector).") var resolution: String
        @Option(help: "The result it objects to (a result objection).") var result: String?
        @Option(help: "The notice it objects to (a notice objection).") var notice: String?

        func validate() throws {
            if result != nil && notice != nil { throw ValidationError("give --result or --notice, not both") }
        }

        func run() async throws {
            let context = try global.context()
            let upheld = outcome.wire == .upheld
            if result != nil {
                let resolved = try await resolveResultObjection(context, upheld: upheld)
                try context.out.show(resolved) { ObjectionCommand.render(resolved, context.out) }
                return
            }
            do {
                let resolved = try await context.withGateway { gateway in
                    try await MembershipV1.Membership.Client(gateway.rpc).resolveObjection(
                        .init(objectionId: objection, outcome: outcome.wire, resolution: resolution), options: gateway.options())
                }
                try context.out.show(resolved) { ObjectionCommand.render(resolved, context.out) }
            } catch let failure as CallFailure where notice == nil && failure.error.code == .notFound {
                // Not a notice objection: a result objection of that id, if there is one.
                let resolved = try await resolveResultObjection(context, upheld: upheld)
                try context.out.show(resolved) { ObjectionCommand.render(resolved, context.out) }
            }
        }

        func resolveResultObjection(_ context: CommandContext, upheld: Bool) async throws -> SessionV1.Objection {
            try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).resolveObjection(
                    .init(objectionId: objection, upheld: upheld, answer: resolution), options: gateway.options())
            }
        }
    }

    static func render(_ objection: MembershipV1.Objection, _ out: Output) -> String {
        out.record([
            ("objection", .init(objection.id)), ("notice", .init(objection.noticeId)), ("seat", .init(Format.text(objection.seatId))),
            ("objector", .init(objection.objectorName)), ("reason", .init(objection.reason)), ("filed", .init(Format.instant(objection.filedAt))),
            ("outcome", .init(objection.outcome == .unspecified ? "open" : Outcome.label(objection.outcome))),
            ("resolution", .init(Format.text(objection.resolution))),
        ])
    }
}
