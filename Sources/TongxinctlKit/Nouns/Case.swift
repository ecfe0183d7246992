import ArgumentParser
import Foundation
import SupervisionAPI
import TongxinSchemas

// 落实事项 — the implementation case a filed result opens: who is responsible, progress,
// supervision checks, closing (办结). Reports to residents, feedback, the warning ledger and
// the dossier are nouns of their own.

struct CaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Implementation cases (落实事项): list, show, assign, report progress, check, close.",
        subcommands: [List.self, Show.self, Assign.self, Report.self, Check.self, Close.self])

    struct StateChoice: Choice {
        var wire: SupervisionV1.CaseState
        static let options: [ChoiceOption<SupervisionV1.CaseState>] = [
            .init("open", .open, "待落实"), .init("in-progress", .inProgress, "落实中"), .init("completed", .completed, "已完成"),
            .init("closed", .closed, "已办结"),
        ]
    }

    struct CheckOutcomeChoice: Choice {
        var wire: SupervisionV1.CheckOutcome
        static let options: [ChoiceOption<SupervisionV1.CheckOutcome>] = [
            .init("on-track", .onTrack, "按期推进"), .init("delayed", .delayed, "进度滞后"), .init("problem", .problem, "存在问题"),
        ]
    }

    struct ApplicationChoice: Choice {
        var wire: SupervisionV1.Application
        static let options: [ChoiceOption<SupervisionV1.Application>] = [
            .init("full", .full, "全部转化"), .init("partial", .partial, "部分转化"), .init("none", .none, "未转化"),
        ]
    }

    /// `TITLE@2025-05-01` — a milestone and its due day.
    struct MilestoneArgument: ExpressibleByArgument, Sendable {
        let spec: SupervisionV1.MilestoneSpec
        init?(argument: String) {
            guard let at = argument.lastIndex(of: "@"), at > argument.startIndex,
                  let due = DateArgument(argument: String(argument[argument.index(after: at)...])) else { return nil }
            spec = SupervisionV1.MilestoneSpec(title: String(argument[..<at]), dueOn: due.date)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List implementation cases with their warning level, newest first.",
            discussion: """
                States: \(StateChoice.helpList).

                \(examples(
                    "tongxinctl case list",
                    "tongxinctl case list --unit 331082104000 --state open in-progress",
                    "tongxinctl case list --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --json"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The subtree (default: your scope).") var unit: UnitArgument?
        @Option(parsing: .upToNextOption, help: "States.") var state: [StateChoice] = []
        @Option(help: "Only the cases of this topic.") var topic: String?
        @Option(help: "At most this many cases.") var limit = 500

        func run() async throws {
            let context = try global.context()
            let cases = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await allPages(limit: limit) { page in
                    let response = try await SupervisionV1.Supervision.Client(gateway.rpc).listCases(
                        .init(unitPath: path, states: state.map(\.wire), topicId: topic ?? "", page: page), options: gateway.options())
                    return (response.cases, response.page)
                }
            }
            try context.out.list(cases) {
                var table = Table([.init(""), .init("ID"), .init("TITLE", maxWidth: 28), .init("STATE"), .init("PROGRESS", alignment: .right),
                                   .init("RESPONSIBLE"), .init("DEADLINE"), .init("UNIT")])
                for item in cases {
                    table.append([WarningCommand.marker(item.level), .init(item.id), .init(item.title), CaseCommand.state(item.state),
                                  .init("\(item.percent)%"), .init(Format.text(item.responsiblePerson)), .init(Format.date(item.deadline)),
                                  .init(lastCode(item.unitPath))])
                }
                return context.out.table(table) + "\(cases.count) case(s)\n"
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a case with its milestones, progress reports, checks, reports to residents and feedback.",
            discussion: examples("tongxinctl case show 0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d", "tongxinctl case show 0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d --json"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case's id.") var id: String

        func run() async throws {
            let context = try global.context()
            let file = try await context.withGateway { gateway in
                try await SupervisionV1.Supervision.Client(gateway.rpc).getCaseFile(.init(caseId: id), options: gateway.options())
            }
            try context.out.show(file) { CaseCommand.render(file, context.out) }
        }
    }

    struct Assign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Organise implementation (组织实施): name the responsible person and unit, the deadline, milestones and budget, as the two committees decided.",
            discussion: """
                Milestones are TITLE@DAY and replace those not yet done.

                \(examples(
                    "tongxinctl case assign 0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d --responsible wang.clerk --deadline 2025-06-30 --milestone 施工招标@2025-04-30 --milestone 完工验收@2025-06-30 --budget-note 村集体出资4万元，镇补助8万元 --decided-on 2025-04-02 --decision-summary 两委会议确定由王文书负责"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case's id.") var id: String
        @Option(help: "The responsible person (责任人: the account that will report progress).") var responsible: String
        @Option(help: "The responsible unit (default: the case's).") var responsibleUnit: UnitArgument?
        @Option(help: "The deadline.") var deadline: DateArgument
        @Option(help: "A milestone, TITLE@DAY, once per milestone.") var milestone: [MilestoneArgument] = []
        @Option(help: "How it is paid for.") var budgetNote = ""
        @Option(help: "The day the two committees decided.") var decidedOn: DateArgument?
        @Option(help: "What they decided.") var decisionSummary = ""
        @Option(help: "Where their minutes are.") var minutesRef = ""

        func run() async throws {
            let context = try global.context()
            let decision = decidedOn == nil && decisionSummary.isEmpty && minutesRef.isEmpty
                ? nil : SupervisionV1.CommitteeDecision(decidedOn: decidedOn?.date, summary: decisionSummary, minutesRef: minutesRef)
            let assigned = try await context.withGateway { gateway in
                let unitPath = try await gateway.unitPath(responsibleUnit)
                return try await SupervisionV1.Supervision.Client(gateway.rpc).assignCase(
                    .init(caseId: id, responsiblePerson: responsible, responsibleUnitPath: unitPath, deadline: deadline.date,
                          milestones: milestone.map(\.spec), budgetNote: budgetNote, decision: decision),
                    options: gateway.options())
            }
            try context.out.show(assigned) { CaseCommand.render(.init(case: assigned), context.out) }
        }
    }

    struct Report: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report progress (进展) on a case — the responsible person only; 100% completes it.",
            discussion: examples(
                "tongxinctl case report 0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d --percent 40 --text 已完成招标，施工队进场",
                "tongxinctl case report 0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d --percent 100 --text 完工验收 --milestone-done 1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e --attachment 验收单.pdf"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case's id.") var id: String
        @Option(help: "How far, 0–100.") var percent: Int32
        @Option(help: "What was done.") var text: String
        @Option(help: "A document reference, once per document.") var attachment: [String] = []
        @Option(help: "The day (default: today).") var on: DateArgument?
        @Option(parsing: .upToNextOption, help: "Milestones this report completes (ids, see case show).") var milestoneDone: [String] = []

        func validate() throws {
            if !(0...100).contains(percent) { throw ValidationError("--percent must be 0–100") }
        }

        func run() async throws {
            let context = try global.context()
            let report = try await context.withGateway { gateway in
                try await SupervisionV1.Supervision.Client(gateway.rpc).reportProgress(
                    .init(caseId: id, text: text, percent: percent, attachments: attachment, reportedOn: on?.date, completedMilestoneIds: milestoneDone),
                    options: gateway.options())
            }
            try context.out.show(report) {
                context.out.record([("report", .init(report.id)), ("case", .init(report.caseId)), ("progress", .init("\(report.percent)%")),
                                    ("text", .init(report.text)), ("on", .init(Format.date(report.reportedOn))), ("by", .init(report.reportedBy))])
            }
        }
    }

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record a supervision check (监督检查) of a case by the supervision committee.",
            discussion: """
                Outcomes: \(CheckOutcomeChoice.helpList).

                \(examples("tongxinctl case check 0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d --outcome delayed --findings 材料未到，工期滞后一周 --on 2025-05-10"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case's id.") var id: String
        @Option(help: "The finding.") var outcome: CheckOutcomeChoice
        @Option(help: "What was found.") var findings: String
        @Option(help: "The day of the check (default: today).") var on: DateArgument?

        func run() async throws {
            let context = try global.context()
            let check = try await context.withGateway { gateway in
                try await SupervisionV1.Supervision.Client(gateway.rpc).recordCheck(
                    .init(caseId: id, outcome: outcome.wire, findings: findings, checkedOn: on?.date), options: gateway.options())
            }
            try context.out.show(check) {
                context.out.record([("check", .init(check.id)), ("case", .init(check.caseId)), ("outcome", CaseCommand.outcome(check.outcome)),
                                    ("findings", .init(check.findings)), ("on", .init(Format.date(check.checkedOn))), ("by", .init(check.checkedBy))])
            }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close a completed case (办结) with how far the result was applied; the dossier is frozen with its content hash.",
            discussion: """
                Application: \(ApplicationChoice.helpList).

                \(examples("tongxinctl case close 0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d --application full --note 道路修缮完成，群众满意"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case's id.") var id: String
        @Option(help: "full, partial or none.") var application: ApplicationChoice
        @Option(help: "The closing note.") var note = ""

        func run() async throws {
            let context = try global.context()
            let closed = try await context.withGateway { gateway in
                try await SupervisionV1.Supervision.Client(gateway.rpc).closeCase(
                    .init(caseId: id, application: application.wire, note: note), options: gateway.options())
            }
            try context.out.show(closed) { CaseCommand.render(.init(case: closed), context.out) }
        }
    }

    static func state(_ state: SupervisionV1.CaseState) -> Table.Cell {
        .init(StateChoice.label(state), state == .closed || state == .completed ? .good : .neutral)
    }

    static func outcome(_ outcome: SupervisionV1.CheckOutcome) -> Table.Cell {
        .init(CheckOutcomeChoice.label(outcome), outcome == .onTrack ? .good : outcome == .delayed ? .warning : .bad)
    }

    static func render(_ file: SupervisionV1.CaseFile, _ out: Output) -> String {
        guard let item = file.case else { return "" }
        var fields: [(String, Table.Cell)] = [
            ("case", .init(item.id)),
            ("title", .init(item.title)),
            ("level", WarningCommand.marker(item.level)),
            ("state", state(item.state)),
            ("unit", .init(item.unitPath)),
            ("topic / result", .init("\(item.topicId) / \(item.resultId)")),
            ("result text", .init(item.resultText)),
            ("filed", .init(Format.instant(item.filedAt))),
            ("responsible", .init(item.responsiblePerson.isEmpty ? "— (case assign)" : "\(item.responsiblePerson) at \(item.responsibleUnitPath)")),
            ("deadline", .init(Format.date(item.deadline))),
            ("progress", .init("\(item.percent)%" + (item.lastProgressOn.map { " (\(Format.date($0)))" } ?? ""))),
        ]
        if !item.budgetNote.isEmpty { fields.append(("budget", .init(item.budgetNote))) }
        if let decision = item.decision { fields.append(("decision", .init("\(Format.date(decision.decidedOn)) \(decision.summary) \(decision.minutesRef)"))) }
        for reason in item.reasons { fields.append(("why \(WarningCommand.LevelChoice.name(reason.level))", .init("\(reason.rule): \(Format.bilingual(reason.text))"))) }
        if item.closedAt != nil {
            fields.append(("closed", .init("\(Format.instant(item.closedAt)), \(ApplicationChoice.label(item.application)) \(item.closingNote)")))
        }
        var text = out.record(fields)
        if !item.milestones.isEmpty {
            var table = Table([.init("MILESTONE"), .init("TITLE"), .init("DUE"), .init("DONE")])
            for milestone in item.milestones {
                table.append([.init(milestone.id), .init(milestone.title), .init(Format.date(milestone.dueOn)),
                              milestone.doneOn == nil ? .init("—") : .init(Format.date(milestone.doneOn), .good)])
            }
            text += "\n" + out.table(table)
        }
        if !file.progress.isEmpty {
            var table = Table([.init("REPORTED"), .init("PROGRESS", alignment: .right), .init("BY"), .init("TEXT", maxWidth: 50)])
            for report in file.progress { table.append([.init(Format.date(report.reportedOn)), .init("\(report.percent)%"), .init(report.reportedBy), .init(report.text)]) }
            text += "\n" + out.table(table)
        }
        if !file.checks.isEmpty {
            var table = Table([.init("CHECKED"), .init("OUTCOME"), .init("BY"), .init("FINDINGS", maxWidth: 50)])
            for check in file.checks { table.append([.init(Format.date(check.checkedOn)), outcome(check.outcome), .init(check.checkedBy), .init(check.findings)]) }
            text += "\n" + out.table(table)
        }
        if !file.reports.isEmpty {
            var table = Table([.init("REPORTED TO RESIDENTS"), .init("BY"), .init("TEXT", maxWidth: 50)])
            for report in file.reports { table.append([.init(Format.instant(report.publishedAt)), .init(report.publishedBy), .init(report.text)]) }
            text += "\n" + out.table(table)
        }
        if !file.feedbackRecipients.isEmpty || !file.feedback.isEmpty {
            var table = Table([.init("RESIDENT"), .init("RATING"), .init("COMMENT", maxWidth: 40), .init("SUBMITTED")])
            for feedback in file.feedback {
                table.append([.init(feedback.resident), FeedbackCommand.rating(feedback.rating), .init(feedback.comment), .init(Format.instant(feedback.submittedAt))])
            }
            for resident in file.feedbackRecipients where !file.feedback.contains(where: { $0.resident == resident }) {
                table.append([.init(resident), .init("invited, not yet rated 待评价", .warning), .init(""), .init("—")])
            }
            text += "\n" + out.table(table)
        }
        return text
    }
}

// 邀群众评事 — residents' ratings of a finished case.

struct FeedbackCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback",
        abstract: "Residents' feedback (评事) on a case: invite residents, submit a rating.",
        subcommands: [Invite.self, Submit.self])

    struct RatingChoice: Choice {
        var wire: SupervisionV1.Rating
        static let options: [ChoiceOption<SupervisionV1.Rating>] = [
            .init("satisfied", .satisfied, "满意"), .init("basically-satisfied", .basicallySatisfied, "基本满意"),
            .init("dissatisfied", .dissatisfied, "不满意"),
        ]
    }

    struct Invite: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Ask residents to rate a case: they are the feedback recipients the three zeros count (反馈对象零遗漏).",
            discussion: examples("tongxinctl feedback invite 0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d --resident 王大妈 陈大爷 李四"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case's id.") var id: String
        @Option(parsing: .upToNextOption, help: "The residents (person ids or accounts).") var resident: [String] = []

        func validate() throws {
            if resident.isEmpty { throw ValidationError("name the residents with --resident") }
        }

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await SupervisionV1.Supervision.Client(gateway.rpc).inviteFeedback(.init(caseId: id, residents: resident), options: gateway.options())
            }
            try context.out.show(response) { "\(response.recipients.count) resident(s) invited to rate the case: \(response.recipients.joined(separator: " "))\n" }
        }
    }

    struct Submit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Rate a case as the resident you are logged in as (once per case).",
            discussion: """
                Ratings: \(RatingChoice.helpList).

                \(examples("tongxinctl feedback submit 0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d --rating satisfied --comment 路修好了，出行方便多了"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case's id.") var id: String
        @Option(help: "The rating.") var rating: RatingChoice
        @Option(help: "A comment.") var comment = ""

        func run() async throws {
            let context = try global.context()
            let feedback = try await context.withGateway { gateway in
                try await SupervisionV1.Supervision.Client(gateway.rpc).submitFeedback(
                    .init(caseId: id, rating: rating.wire, comment: comment), options: gateway.options())
            }
            try context.out.show(feedback) {
                context.out.record([("feedback", .init(feedback.id)), ("case", .init(feedback.caseId)), ("resident", .init(feedback.resident)),
                                    ("rating", FeedbackCommand.rating(feedback.rating)), ("comment", .init(Format.text(feedback.comment)))])
            }
        }
    }

    static func rating(_ rating: SupervisionV1.Rating) -> Table.Cell {
        .init(RatingChoice.label(rating), rating == .satisfied ? .good : rating == .dissatisfied ? .bad : .neutral)
    }
}

// 向群众晒事 — reports to the residents.

struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Reports to residents (晒事) on a case: publish, list.",
        subcommands: [Publish.self, List.self])

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Publish a report on a case to the residents of its unit.",
            discussion: examples("tongxinctl report publish 0a1b2c3d-4e5f-4a6b-9c7d-8e9f0a1b2c3d --text 村东道路修缮已完成招标，预计6月底完工 --attachment 公示照片.jpg"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The case's id.") var id: String
        @Option(help: "The report.") var text: String
        @Option(help: "A document reference, once per document.") var attachment: [String] = []

        func run() async throws {
            let context = try global.context()
            let report = try await context.withGateway { gateway in
                try await SupervisionV1.Supervision.Client(gateway.rpc).publishReport(
                    .init(caseId: id, text: text, attachments: attachment), options: gateway.options())
            }
            try context.out.show(report) {
                context.out.record([("report", .init(report.id)), ("case", .init("\(report.caseTitle) (\(report.caseId))")), ("unit", .init(report.unitPath)),
                                    ("text", .init(report.text)), ("published", .init("\(Format.instant(report.publishedAt)) by \(report.publishedBy)"))])
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the reports published to the residents of a unit and the units under it.",
            discussion: examples("tongxinctl report list", "tongxinctl report list --unit 331082104201 --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The subtree (default: your scope).") var unit: UnitArgument?
        @Option(help: "At most this many reports.") var limit = 500

        func run() async throws {
            let context = try global.context()
            let reports = try await context.withGateway { gateway in
                let path = try await gateway.unitPath(unit)
                return try await allPages(limit: limit) { page in
                    let response = try await SupervisionV1.Supervision.Client(gateway.rpc).listReports(.init(unitPath: path, page: page), options: gateway.options())
                    return (response.reports, response.page)
                }
            }
            try context.out.list(reports) {
                var table = Table([.init("PUBLISHED"), .init("CASE", maxWidth: 24), .init("UNIT"), .init("BY"), .init("TEXT", maxWidth: 40)])
                for report in reports {
                    table.append([.init(Format.instant(report.publishedAt)), .init(report.caseTitle), .init(lastCode(report.unitPath)),
                                  .init(report.publishedBy), .init(report.text)])
                }
                return context.out.table(table) + "\(reports.count) report(s)\n"
            }
        }
    }
}
