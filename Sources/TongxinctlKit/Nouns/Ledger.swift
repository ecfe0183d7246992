import AgendaAPI
import ArgumentParser
import Foundation
import TongxinSchemas

// 问题台账 — the ledger of residents' problems.

struct LedgerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ledger",
        abstract: "The problem ledger (问题台账): add, list with filters, show, merge, split, answer.",
        subcommands: [Add.self, List.self, Show.self, Merge.self, Split.self, Answer.self])

    struct ChannelChoice: Choice {
        var wire: AgendaV1.Channel
        static let options: [ChoiceOption<AgendaV1.Channel>] = [
            .init("council-member", .councilMember, "议事会成员收集"), .init("door-to-door", .doorToDoor, "入户走访"),
            .init("online-platform", .onlinePlatform, "网络平台"), .init("mailbox", .mailbox, "意见箱"),
            .init("reception-room", .receptionRoom, "同心会客室"), .init("open-air-meeting", .openAirMeeting, "坝坝会"),
            .init("democracy-day", .democracyDay, "民主日接待"), .init("government-hotline", .governmentHotline, "12345热线"),
            .init("resident-proposal", .residentProposal, "居民提议"),
        ]
    }

    struct CategoryChoice: Choice {
        var wire: AgendaV1.Category
        static let options: [ChoiceOption<AgendaV1.Category>] = [
            .init("infrastructure", .infrastructure, "基础设施"), .init("property-management", .propertyManagement, "物业管理"),
            .init("public-order", .publicOrder, "治安秩序"), .init("public-services", .publicServices, "公共服务"), .init("land", .land, "土地"),
            .init("collective-assets", .collectiveAssets, "集体三资"), .init("social-security", .socialSecurity, "社会保障"),
            .init("disputes", .disputes, "邻里纠纷"), .init("planning", .planning, "规划建设"), .init("public-welfare", .publicWelfare, "公益事业"),
            .init("village-rules", .villageRules, "村规民约"), .init("land-acquisition", .landAcquisition, "征地拆迁"),
            .init("religion", .religion, "宗教事务"), .init("other", .other, "其他"),
        ]
    }

    struct StatusChoice: Choice {
        var wire: AgendaV1.ItemStatus
        static let options: [ChoiceOption<AgendaV1.ItemStatus>] = [
            .init("new", .new, "新收集"), .init("under-study", .underStudy, "研究中"), .init("became-topic", .becameTopic, "已列为议题"),
            .init("answered", .answered, "已答复"), .init("not-consultable", .notConsultable, "不属于协商范围"),
            .init("merged", .merged, "已合并"), .init("split", .split, "已拆分"),
        ]
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a problem raised by a resident (or pushed by a government system with --external-ref).",
            discussion: """
                Channels: \(ChannelChoice.helpList).
                Categories: \(CategoryChoice.helpList).
                A category on the unit's negative list is refused (exit 5, rule scope.negative_list).

                \(examples(
                    "tongxinctl ledger add --unit 331082104201 --channel door-to-door --category infrastructure --text 村东头道路破损，雨天积水 --reporter 王大妈 --contact 13800005678",
                    "tongxinctl ledger add --unit u331082000000.u331082104000.u331082104201 --channel 12345热线 --category public-order --text 夜间噪音扰民 --external-ref GD202503030001"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit the problem belongs to (division code or path).") var unit: UnitArgument
        @Option(help: "Where it was raised.") var channel: ChannelChoice
        @Option(help: "What it is about.") var category: CategoryChoice
        @Option(help: "The problem as raised.") var text: String
        @Option(help: "Who raised it (absent: anonymous).") var reporter = ""
        @Option(help: "How to reach them (stored encrypted, shown masked).") var contact = ""
        @Option(help: "The government system's reference (12345 工单号): pushing it again answers the same item.") var externalRef = ""
        @Option(help: "When it was raised (default: now).") var receivedAt: InstantArgument?
        @Option(help: "Who is to answer the reporter.") var responder = ""

        func run() async throws {
            let context = try global.context()
            let item = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await AgendaV1.Agenda.Client(gateway.rpc).recordItem(
                    .init(unitPath: path, channel: channel.wire, category: category.wire, text: text, reporter: reporter, contact: contact,
                          externalRef: externalRef, receivedAt: receivedAt?.timestamp, responder: responder),
                    options: gateway.options())
            }
            try context.out.show(item) { LedgerCommand.render(item, context.out) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List ledger items, newest first; filters combine (several values of one filter: any of them).",
            discussion: examples(
                "tongxinctl ledger list",
                "tongxinctl ledger list --unit 331082104000 --status new under-study --category infrastructure",
                "tongxinctl ledger list --channel government-hotline --from 2025-03-01 --until 2025-04-01 --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The subtree to search (default: your scope).") var unit: UnitArgument?
        @Option(parsing: .upToNextOption, help: "Channels.") var channel: [ChannelChoice] = []
        @Option(parsing: .upToNextOption, help: "Categories.") var category: [CategoryChoice] = []
        @Option(parsing: .upToNextOption, help: "Statuses: \(StatusChoice.allValueStrings.joined(separator: ", ")).") var status: [StatusChoice] = []
        @Option(help: "Received on or after this day (or instant).") var from: InstantArgument?
        @Option(help: "Received before this day (or instant).") var until: InstantArgument?
        @Option(help: "At most this many items.") var limit = 500

        func run() async throws {
            let context = try global.context()
            let items = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await allPages(limit: limit) { page in
                    let response = try await AgendaV1.Agenda.Client(gateway.rpc).listItems(
                        .init(unitPath: path, channels: channel.map(\.wire), categories: category.map(\.wire), statuses: status.map(\.wire),
                              receivedFrom: from?.timestamp, receivedUntil: until?.timestamp, page: page),
                        options: gateway.options())
                    return (response.items, response.page)
                }
            }
            try context.out.list(items) {
                var table = Table([.init("ID"), .init("RECEIVED"), .init("UNIT"), .init("CHANNEL"), .init("CATEGORY"), .init("STATUS"),
                                   .init("TEXT", maxWidth: 36), .init("REPORTER")])
                for item in items {
                    table.append([.init(item.id), .init(Format.instant(item.receivedAt)), .init(item.unitPath.split(separator: ".").last.map { String($0.dropFirst()) } ?? ""),
                                  .init(ChannelChoice.label(item.channel)), .init(CategoryChoice.label(item.category)), LedgerCommand.status(item.status),
                                  .init(item.text), .init(Format.text(item.reporter))])
                }
                return context.out.table(table) + "\(items.count) item(s)\n"
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an item with every source merged into it.",
            discussion: examples("tongxinctl ledger show 3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The item's id.") var item: String

        func run() async throws {
            let context = try global.context()
            let found = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).getItem(.init(itemId: item), options: gateway.options())
            }
            try context.out.show(found) { LedgerCommand.render(found, context.out) }
        }
    }

    struct Merge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Merge duplicates into one item (合并); each source stays as a source of it.",
            discussion: examples("tongxinctl ledger merge 3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f 4d5e6f7a-8b9c-4d0e-1f2a-3b4c5d6e7f8a 5e6f7a8b-9c0d-4e1f-2a3b-4c5d6e7f8a9b"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The item the others go into.") var target: String
        @Argument(help: "The duplicates.") var sources: [String]

        func run() async throws {
            let context = try global.context()
            let merged = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).mergeItems(.init(targetId: target, sourceIds: sources), options: gateway.options())
            }
            try context.out.show(merged) { LedgerCommand.render(merged, context.out) }
        }
    }

    /// `category:text`.
    struct Part: ExpressibleByArgument, Sendable {
        let category: CategoryChoice
        let text: String
        init?(argument: String) {
            guard let colon = argument.firstIndex(where: { $0 == ":" || $0 == "：" }),
                  let category = CategoryChoice(argument: String(argument[..<colon])) else { return nil }
            self.category = category
            text = String(argument[argument.index(after: colon)...])
            if text.isEmpty { return nil }
        }
    }

    struct Split: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Split an item that raises several problems (拆分) into parts, each CATEGORY:TEXT.",
            discussion: examples("tongxinctl ledger split 3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f --part infrastructure:路灯不亮 --part public-order:夜间噪音"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The item's id.") var item: String
        @Option(help: "A part, CATEGORY:TEXT (two at least).") var part: [Part] = []

        func validate() throws {
            if part.count < 2 { throw ValidationError("give at least two --part CATEGORY:TEXT") }
        }

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).splitItem(
                    .init(itemId: item, parts: part.map { .init(category: $0.category.wire, text: $0.text) }), options: gateway.options())
            }
            try context.out.show(response) {
                var table = Table([.init("ID"), .init("CATEGORY"), .init("STATUS"), .init("TEXT", maxWidth: 50)])
                for part in response.parts {
                    table.append([.init(part.id), .init(CategoryChoice.label(part.category)), LedgerCommand.status(part.status), .init(part.text)])
                }
                return "split \(item) into \(response.parts.count) item(s)\n\n" + context.out.table(table)
            }
        }
    }

    struct Answer: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Answer an item: under study, answered directly, or not for consultation — with the answer to its reporter.",
            discussion: examples(
                "tongxinctl ledger answer 3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f --status answered --answer 已联系供电所，本周内修复",
                "tongxinctl ledger answer 3c4d5e6f-7a8b-4c9d-0e1f-2a3b4c5d6e7f --status under-study --answer 正在调研 --responder 王文书"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The item's id.") var item: String
        @Option(help: "under-study, answered or not-consultable.") var status: StatusChoice
        @Option(help: "The answer to the reporter.") var answer: String
        @Option(help: "Who is to answer (names or changes them).") var responder = ""

        func validate() throws {
            guard [.underStudy, .answered, .notConsultable].contains(status.wire) else {
                throw ValidationError("--status must be under-study, answered or not-consultable")
            }
        }

        func run() async throws {
            let context = try global.context()
            let answered = try await context.withGateway { gateway in
                try await AgendaV1.Agenda.Client(gateway.rpc).answerItem(
                    .init(itemId: item, status: status.wire, answer: answer, responder: responder), options: gateway.options())
            }
            try context.out.show(answered) { LedgerCommand.render(answered, context.out) }
        }
    }

    static func status(_ status: AgendaV1.ItemStatus) -> Table.Cell {
        let level: Style.Level = switch status {
        case .new: .warning
        case .underStudy: .warning
        case .becameTopic, .answered: .good
        case .notConsultable: .bad
        default: .neutral
        }
        return .init(StatusChoice.label(status), level)
    }

    static func render(_ item: AgendaV1.Item, _ out: Output) -> String {
        var fields: [(String, Table.Cell)] = [
            ("id", .init(item.id)),
            ("unit", .init(item.unitPath)),
            ("status", status(item.status)),
            ("channel", .init(ChannelChoice.label(item.channel))),
            ("category", .init(CategoryChoice.label(item.category))),
            ("text", .init(item.text)),
            ("reporter", .init(Format.text(item.reporter))),
            ("contact", .init(Format.text(item.contact))),
            ("received", .init(Format.instant(item.receivedAt))),
        ]
        if !item.externalRef.isEmpty { fields.append(("external ref", .init(item.externalRef))) }
        if !item.responder.isEmpty { fields.append(("responder", .init(item.responder))) }
        if !item.answer.isEmpty { fields.append(("answer", .init("\(item.answer) (\(item.answeredBy), \(Format.instant(item.answeredAt)))"))) }
        if !item.topicId.isEmpty { fields.append(("topic", .init(item.topicId))) }
        if !item.mergedInto.isEmpty { fields.append(("merged into", .init(item.mergedInto))) }
        if !item.splitFrom.isEmpty { fields.append(("split from", .init(item.splitFrom))) }
        var text = out.record(fields)
        if !item.mergedSources.isEmpty {
            var table = Table([.init("SOURCE"), .init("CHANNEL"), .init("REPORTER"), .init("RECEIVED"), .init("TEXT", maxWidth: 40)])
            for source in item.mergedSources {
                table.append([.init(source.itemId), .init(ChannelChoice.label(source.channel)), .init(Format.text(source.reporter)),
                              .init(Format.instant(source.receivedAt)), .init(source.text)])
            }
            text += "\n" + out.table(table)
        }
        return text
    }
}
