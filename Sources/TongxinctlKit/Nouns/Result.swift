import ArgumentParser
import MembershipAPI
import Foundation
import SessionAPI
import TongxinSchemas

// 协商结果 — the result a consensus or a vote formed: amended while a draft, published for
// notice (公开), filed with the two committees (备案登记) once the notice has run without an
// open objection. Filing opens the implementation case (`case list`).

struct ResultCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "result",
        abstract: "Consultation results (协商结果): show, amend, publish for notice, file (备案).",
        subcommands: [Show.self, Amend.self, Publish.self, File.self])

    struct StateChoice: Choice {
        var wire: SessionV1.ResultState
        static let options: [ChoiceOption<SessionV1.ResultState>] = [
            .init("draft", .draft, "草拟"), .init("published", .published, "公示中"), .init("filed", .filed, "已备案"),
        ]
    }

    struct BasisChoice: Choice {
        var wire: SessionV1.ResultBasis
        static let options: [ChoiceOption<SessionV1.ResultBasis>] = [.init("consensus", .consensus, "协商一致"), .init("vote", .vote, "表决")]
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a result: its text, how it was formed, the notice period and open objections, the filing.",
            discussion: examples("tongxinctl result show 9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c", "tongxinctl result show 9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c --json"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The result's id.") var result: String

        func run() async throws {
            let context = try global.context()
            let found = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).getResult(.init(resultId: result), options: gateway.options())
            }
            try context.out.show(found) { ResultCommand.render(found, context.out) }
        }
    }

    struct Amend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Amend a draft result's text (before publication, or after an upheld objection sent it back).",
            discussion: examples("tongxinctl result amend 9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c --text 同意先修东段200米，预算12万元，村集体出资4万元"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The result's id.") var result: String
        @Option(help: "The text as amended.") var text: String

        func run() async throws {
            let context = try global.context()
            let amended = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).amendResult(.init(resultId: result, text: text), options: gateway.options())
            }
            try context.out.show(amended) { ResultCommand.render(amended, context.out) }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish the result (公开); the notice period runs from the next day, holidays moved past.",
            discussion: examples(
                "tongxinctl result publish 9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c",
                "tongxinctl result publish 9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c --notice-days 7"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The result's id.") var result: String
        @Option(help: "Days of notice, 1–60 (default: the deployment's, 5).") var noticeDays: Int32 = 0

        func validate() throws {
            if noticeDays != 0 && !(1...60).contains(noticeDays) { throw ValidationError("--notice-days must be 1–60") }
        }

        func run() async throws {
            let context = try global.context()
            let published = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).publishResult(.init(resultId: result, noticeDays: noticeDays), options: gateway.options())
            }
            try context.out.show(published) { ResultCommand.render(published, context.out) }
        }
    }

    struct File: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "file",
            abstract: "File the result with the two committees (备案登记): after the notice period, with no open objection. It becomes immutable and opens the implementation case.",
            discussion: """
                Refused before the notice period ends or while an objection is open (exit 5,
                with the dates and counts).

                \(examples("tongxinctl result file 9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The result's id.") var result: String

        func run() async throws {
            let context = try global.context()
            let filed = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).fileResult(.init(resultId: result), options: gateway.options())
            }
            try context.out.show(filed) { ResultCommand.render(filed, context.out) }
        }
    }

    static func state(_ state: SessionV1.ResultState) -> Table.Cell {
        let level: Style.Level = switch state {
        case .draft: .warning
        case .filed: .good
        default: .neutral
        }
        return .init(StateChoice.label(state), level)
    }

    static func render(_ result: SessionV1.Result, _ out: Output) -> String {
        var fields: [(String, Table.Cell)] = [
            ("result", .init(result.id)),
            ("unit", .init(result.unitPath)),
            ("topic", .init(result.topicId)),
            ("meeting", .init(result.meetingId)),
            ("basis", .init(BasisChoice.label(result.basis) + (result.basis == .vote ? " \(result.voteId)" : " (round \(result.round))"))),
            ("adopted", result.adopted ? .init("yes 通过", .good) : .init("no 未通过", .bad)),
            ("state", state(result.state)),
            ("text", .init(result.text)),
        ]
        if result.publishedAt != nil {
            fields.append(("published", .init(Format.instant(result.publishedAt))))
            fields.append(("notice", .init("\(result.noticeDays) day(s), to \(Format.date(result.noticeLastDay)) (ends \(Format.instant(result.noticeEndsAt)))")))
            fields.append(("open objections", .init("\(result.openObjections)", result.openObjections > 0 ? .warning : .neutral)))
        }
        if !result.filingId.isEmpty {
            fields.append(("filing", .init("\(result.filingId), \(Format.instant(result.filedAt))")))
        }
        return out.record(fields)
    }
}

// 异议 to a published result (the session service's; objections to a council's notice are
// membership's, in Notice.swift).

extension ObjectionCommand {
    struct StateChoice: Choice {
        var wire: SessionV1.ObjectionState
        static let options: [ChoiceOption<SessionV1.ObjectionState>] = [
            .init("open", .open, "待处理"), .init("dismissed", .dismissed, "异议不成立"), .init("upheld", .upheld, "异议成立"),
        ]
    }

    struct Raise: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a resident's objection to a published result during its notice period.",
            discussion: examples("tongxinctl objection raise --result 9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c --objector 陈大爷 --text 修路方案未考虑排水"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The result's id.") var result: String
        @Option(help: "Who objects (default: you).") var objector: String?
        @Option(help: "The objection.") var text: String

        func run() async throws {
            let context = try global.context()
            let objection = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).raiseObjection(
                    .init(resultId: result, objector: objector ?? "", text: text), options: gateway.options())
            }
            try context.out.show(objection) { ObjectionCommand.render(objection, context.out) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the objections to a result (--result) or to a council's notice (--notice).",
            discussion: examples(
                "tongxinctl objection list --result 9f0a1b2c-3d4e-4f5a-8b6c-7d8e9f0a1b2c",
                "tongxinctl objection list --notice 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "A result's id.") var result: String?
        @Option(help: "A notice's id.") var notice: String?

        func validate() throws {
            if (result == nil) == (notice == nil) { throw ValidationError("give --result or --notice") }
        }

        func run() async throws {
            let context = try global.context()
            if let notice {
                let found = try await context.withGateway { gateway in
                    try await MembershipV1.Membership.Client(gateway.rpc).getNotice(.init(noticeId: notice), options: gateway.options())
                }
                try context.out.list(found.objections) {
                    var table = Table([.init("OBJECTION"), .init("SEAT"), .init("OBJECTOR"), .init("REASON", maxWidth: 40), .init("OUTCOME")])
                    for objection in found.objections {
                        table.append([.init(objection.id), .init(Format.text(objection.seatId)), .init(objection.objectorName), .init(objection.reason),
                                      .init(objection.outcome == .unspecified ? "open" : Outcome.label(objection.outcome),
                                            objection.outcome == .unspecified ? .warning : .neutral)])
                    }
                    return context.out.table(table) + "\(found.objections.count) objection(s)\n"
                }
                return
            }
            let response = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).listObjections(.init(resultId: result ?? ""), options: gateway.options())
            }
            try context.out.list(response.objections) {
                var table = Table([.init("OBJECTION"), .init("OBJECTOR"), .init("TEXT", maxWidth: 40), .init("STATE"), .init("RAISED"), .init("ANSWER", maxWidth: 30)])
                for objection in response.objections {
                    table.append([.init(objection.id), .init(objection.objector), .init(objection.text), ObjectionCommand.state(objection.state),
                                  .init(Format.instant(objection.raisedAt)), .init(objection.answer)])
                }
                return context.out.table(table) + "\(response.objections.count) objection(s)\n"
            }
        }
    }

    static func state(_ state: SessionV1.ObjectionState) -> Table.Cell {
        .init(StateChoice.label(state), state == .open ? .warning : state == .upheld ? .bad : .neutral)
    }

    static func render(_ objection: SessionV1.Objection, _ out: Output) -> String {
        out.record([
            ("objection", .init(objection.id)), ("result", .init(objection.resultId)), ("objector", .init(objection.objector)),
            ("text", .init(objection.text)), ("state", state(objection.state)), ("raised", .init(Format.instant(objection.raisedAt))),
            ("answer", .init(Format.text(objection.answer))), ("resolved", .init(Format.instant(objection.resolvedAt))),
        ])
    }
}
