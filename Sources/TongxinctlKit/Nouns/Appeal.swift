import ArgumentParser
import Foundation
import GatewayAPI
import TongxinSchemas

// 诉求 — work orders a government system (12345 hotline, service platform) pushes in, and
// the closed loop it follows as their status: 受理→派单→办理→回复→督办→办结→回访→评价.

struct AppealCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "appeal",
        abstract: "Appeals (12345 诉求): submit a work order, show its closed-loop status, record the hotline's events.",
        subcommands: [Submit.self, Show.self, Event.self])

    struct StageChoice: Choice {
        var wire: GatewayV1.AppealStage
        static let options: [ChoiceOption<GatewayV1.AppealStage>] = [
            .init("accepted", .accepted, "受理"), .init("dispatched", .dispatched, "派单"), .init("handling", .handling, "办理"),
            .init("replied", .replied, "回复"), .init("supervised", .supervised, "督办"), .init("closed", .closed, "办结"),
            .init("revisited", .revisited, "回访"), .init("rated", .rated, "评价"),
        ]
    }

    struct EventChoice: Choice {
        var wire: GatewayV1.AppealEventKind
        static let options: [ChoiceOption<GatewayV1.AppealEventKind>] = [
            .init("supervise", .supervise, "督办"), .init("close", .close, "办结"), .init("revisit", .revisit, "回访"), .init("rate", .rate, "评价"),
        ]
    }

    struct SatisfactionChoice: Choice {
        var wire: GatewayV1.Satisfaction
        static let options: [ChoiceOption<GatewayV1.Satisfaction>] = [
            .init("satisfied", .satisfied, "满意"), .init("basically-satisfied", .basicallySatisfied, "基本满意"),
            .init("dissatisfied", .dissatisfied, "不满意"),
        ]
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Push a work order (as an integration client): it becomes a ledger item at the unit, exactly once however often it is pushed.",
            discussion: """
                The unit is its 12-digit division code (统计用区划代码). Pushing the same
                work order id again answers the appeal the first push created and records
                nothing.

                \(examples(
                    "tongxinctl appeal submit GD202503030001 --unit 331082104201 --category infrastructure --text 村东头路灯不亮 --reporter 李四 --contact 13900001234",
                    "tongxinctl appeal submit GD202503030002 --unit 331082104201 --category public-order --text 夜间噪音扰民 --responder 王文书 --received-at '2025-03-03 09:12' --json"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The work order id (工单号): 1–63 visible ASCII characters.") var externalID: String
        @Option(help: "The unit it is dispatched to (division code or path).") var unit: UnitArgument
        @Option(help: "What it is about.") var category: LedgerCommand.CategoryChoice
        @Option(help: "The appeal as received.") var text: String
        @Option(help: "Who raised it (诉求人).") var reporter = ""
        @Option(help: "How to reach them (sealed, shown masked).") var contact = ""
        @Option(help: "When the hotline received it (default: now).") var receivedAt: InstantArgument?
        @Option(help: "The person responsible for the answer (派单).") var responder = ""

        func validate() throws {
            guard (1...63).contains(externalID.utf8.count), externalID.unicodeScalars.allSatisfy({ (0x21...0x7E).contains($0.value) }) else {
                throw ValidationError("the work order id must be 1–63 visible ASCII characters")
            }
        }

        func run() async throws {
            let context = try global.context()
            let appeal = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).submitAppeal(
                    .init(externalId: externalID, divisionCode: unit.code, category: category.wire, text: text, reporter: reporter, contact: contact,
                          receivedAt: receivedAt?.timestamp, responder: responder),
                    options: gateway.options())
            }
            try context.out.show(appeal) { AppealCommand.render(appeal, context.out) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a work order's closed-loop status: each stage reached and when, the replies, the hotline's events.",
            discussion: examples(
                "tongxinctl appeal show GD202503030001",
                "tongxinctl appeal show GD202503030001 --source hotline-12345 --json"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The work order id.") var externalID: String
        @Option(help: "The integration account that pushed it (default: you).") var source: String?

        func run() async throws {
            let context = try global.context()
            let appeal = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).getAppeal(.init(externalId: externalID, source: source ?? ""), options: gateway.options())
            }
            try context.out.show(appeal) { AppealCommand.render(appeal, context.out) }
        }
    }

    struct Event: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record the hotline's own act on its work order: 督办, 办结 (needs a reply), 回访 or 评价 (need it closed).",
            discussion: """
                Kinds: \(EventChoice.helpList); a rating needs --satisfaction
                (\(SatisfactionChoice.helpList)). The event id is the hotline's own id of
                the act: recording it again changes nothing. An act the loop does not allow
                yet is refused naming the rule (exit 5).

                \(examples(
                    "tongxinctl appeal event GD202503030001 --kind close --event-id BJ-0001 --note 已答复群众",
                    "tongxinctl appeal event GD202503030001 --kind rate --event-id PJ-0001 --satisfaction satisfied"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The work order id.") var externalID: String
        @Option(help: "What the hotline did.") var kind: EventChoice
        @Option(name: .customLong("event-id"), help: "The hotline's id of this act (督办单号 …).") var eventID: String
        @Option(help: "A note.") var note = ""
        @Option(help: "The citizen's satisfaction (rate only).") var satisfaction: SatisfactionChoice?

        func validate() throws {
            if kind.wire == .rate && satisfaction == nil { throw ValidationError("--kind rate needs --satisfaction") }
            if kind.wire != .rate && satisfaction != nil { throw ValidationError("--satisfaction goes with --kind rate") }
        }

        func run() async throws {
            let context = try global.context()
            let appeal = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).recordAppealEvent(
                    .init(externalId: externalID, kind: kind.wire, eventId: eventID, note: note, satisfaction: satisfaction?.wire ?? .unspecified),
                    options: gateway.options())
            }
            try context.out.show(appeal) { AppealCommand.render(appeal, context.out) }
        }
    }

    static func render(_ appeal: GatewayV1.Appeal, _ out: Output) -> String {
        var text = out.record([
            ("work order", .init("\(appeal.externalId) (from \(appeal.source))")),
            ("unit", .init("\(appeal.divisionCode) \(appeal.unitPath)")),
            ("category", .init(LedgerCommand.CategoryChoice.label(appeal.category))),
            ("ledger item", .init(appeal.itemId)),
            ("stage", .init(StageChoice.label(appeal.stage), appeal.stage.rawValue >= GatewayV1.AppealStage.replied.rawValue ? .good : .warning)),
            ("accepted", .init(Format.instant(appeal.acceptedAt))),
        ])
        let loop = StageChoice.options.map { option in
            appeal.steps.contains { $0.stage == option.wire } ? "[\(option.zh)]" : " \(option.zh) "
        }
        text += "loop  " + loop.joined(separator: "→") + "\n"
        if !appeal.steps.isEmpty {
            var table = Table([.init("STAGE"), .init("REACHED")])
            for step in appeal.steps { table.append([.init(StageChoice.label(step.stage)), .init(Format.instant(step.reachedAt))]) }
            text += "\n" + out.table(table)
        }
        if !appeal.replies.isEmpty {
            var table = Table([.init("REPLY OF"), .init("STATUS"), .init("ANSWER", maxWidth: 40), .init("ANSWERED"), .init("TOPIC")])
            for reply in appeal.replies {
                table.append([.init(reply.itemId), .init(LedgerCommand.StatusChoice.label(reply.status)), .init(reply.answer),
                              .init(Format.instant(reply.answeredAt)),
                              .init(reply.topicId.isEmpty ? "" : "\(reply.topicId) \(TopicCommand.StateChoice.name(reply.topicState))")])
            }
            text += "\n" + out.table(table)
        }
        if !appeal.events.isEmpty {
            var table = Table([.init("EVENT"), .init("KIND"), .init("SATISFACTION"), .init("NOTE", maxWidth: 30), .init("RECORDED")])
            for event in appeal.events {
                table.append([.init(event.eventId), .init(EventChoice.label(event.kind)),
                              .init(event.satisfaction == .unspecified ? "" : SatisfactionChoice.label(event.satisfaction)), .init(event.note),
                              .init("\(Format.instant(event.recordedAt)) \(event.recordedBy)")])
            }
            text += "\n" + out.table(table)
        }
        return text
    }
}
