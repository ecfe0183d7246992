import ArgumentParser
import Foundation
import SessionAPI
import TongxinSchemas

// 发言/意见 — what was said at a meeting, per topic and round. Append-only: a correction is
// a new opinion naming the one it corrects.

struct OpinionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "opinion",
        abstract: "Opinions (意见) voiced at a meeting: add, correct, list.",
        subcommands: [Add.self, Correct.self, List.self])

    struct PositionChoice: Choice {
        var wire: SessionV1.Position
        static let options: [ChoiceOption<SessionV1.Position>] = [
            .init("support", .support, "支持"), .init("oppose", .oppose, "反对"), .init("conditional", .conditional, "有条件支持"),
            .init("neutral", .neutral, "中立"),
        ]
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record what someone present said on a topic (in the topic's current round).",
            discussion: """
                Positions: \(PositionChoice.helpList). The speaker must be checked in (rule
                opinion.not_present, exit 5) and the meeting open.

                \(examples(
                    "tongxinctl opinion add --meeting 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --speaker 王建国 --position support --text 同意先修东段，雨季前完工"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The meeting's id.") var meeting: String
        @Option(help: "The topic's id.") var topic: String
        @Option(help: "Who spoke (as checked in).") var speaker: String
        @Option(help: "Their position.") var position: PositionChoice
        @Option(help: "What they said.") var text: String

        func run() async throws {
            let context = try global.context()
            let opinion = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).recordOpinion(
                    .init(meetingId: meeting, topicId: topic, speaker: speaker, position: position.wire, text: text),
                    options: gateway.options())
            }
            try context.out.show(opinion) { OpinionCommand.render(opinion, context.out) }
        }
    }

    struct Correct: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Correct an opinion: a new opinion replaces it; the original stays, marked superseded.",
            discussion: examples("tongxinctl opinion correct 7d8e9f0a-1b2c-4d3e-8f4a-5b6c7d8e9f0a --position conditional --text 同意，但须先公示预算"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The opinion's id.") var opinion: String
        @Option(help: "The position as corrected.") var position: PositionChoice
        @Option(help: "The text as corrected.") var text: String

        func run() async throws {
            let context = try global.context()
            let corrected = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).correctOpinion(
                    .init(opinionId: opinion, position: position.wire, text: text), options: gateway.options())
            }
            try context.out.show(corrected) { OpinionCommand.render(corrected, context.out) }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List a meeting's opinions in order, corrections beside what they correct.",
            discussion: examples(
                "tongxinctl opinion list --meeting 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
                "tongxinctl opinion list --meeting 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The meeting's id.") var meeting: String
        @Option(help: "Only this topic's.") var topic: String?
        @Flag(help: "Leave out opinions a correction replaced.") var current = false

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).listOpinions(.init(meetingId: meeting, topicId: topic ?? ""), options: gateway.options())
            }
            let opinions = current ? response.opinions.filter { !$0.superseded } : response.opinions
            try context.out.list(opinions) {
                var table = Table([.init("ID"), .init("TOPIC"), .init("ROUND", alignment: .right), .init("SPEAKER"), .init("POSITION"),
                                   .init("TEXT", maxWidth: 40), .init("NOTE")])
                for opinion in opinions {
                    let note = opinion.superseded ? "superseded 已更正" : opinion.corrects.isEmpty ? "" : "corrects \(opinion.corrects.prefix(8))…"
                    table.append([.init(opinion.id), .init(String(opinion.topicId.prefix(8))), .init("\(opinion.round)"), .init(opinion.speaker),
                                  .init(PositionChoice.label(opinion.position)), .init(opinion.text),
                                  .init(note, opinion.superseded ? .warning : .neutral)])
                }
                return context.out.table(table) + "\(opinions.count) opinion(s)\n"
            }
        }
    }

    static func render(_ opinion: SessionV1.Opinion, _ out: Output) -> String {
        out.record([
            ("opinion", .init(opinion.id)), ("meeting", .init(opinion.meetingId)), ("topic", .init(opinion.topicId)),
            ("round", .init("\(opinion.round)")), ("speaker", .init(opinion.speaker)), ("position", .init(PositionChoice.label(opinion.position))),
            ("text", .init(opinion.text)), ("corrects", .init(Format.text(opinion.corrects))),
            ("recorded", .init("\(Format.instant(opinion.recordedAt)) by \(opinion.recordedBy)")),
        ])
    }
}

// 轮次 — the rounds of a topic's deliberation: consensus, another round, or escalation.

struct RoundCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "round",
        abstract: "Rounds of deliberation (协商轮次): end the current round; show where a topic stands.",
        subcommands: [End.self, Show.self])

    struct OutcomeChoice: Choice {
        var wire: SessionV1.RoundOutcome
        static let options: [ChoiceOption<SessionV1.RoundOutcome>] = [
            .init("consensus", .consensus, "达成共识"), .init("not-reached", .notReached, "未达成共识"), .init("escalate", .escalate, "提交村民(代表)会议"),
        ]
    }

    struct StageChoice: Choice {
        var wire: SessionV1.TopicStage
        static let options: [ChoiceOption<SessionV1.TopicStage>] = [
            .init("deliberating", .deliberating, "协商中"), .init("resolved", .resolved, "已达成共识"), .init("escalated", .escalated, "已提交表决"),
            .init("decided", .decided, "已表决"),
        ]
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a topic's round at a meeting: consensus forms a result; not reached opens another round (or escalates after the last); escalate hands it to a villagers' (representatives') meeting.",
            discussion: """
                Outcomes: \(OutcomeChoice.helpList). The result a consensus forms is printed
                (`result show`, `result publish`).

                \(examples(
                    "tongxinctl round end --meeting 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --outcome consensus --summary 同意先修东段200米，预算12万元",
                    "tongxinctl round end --meeting 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --outcome escalate --summary 分歧较大 --escalate-to representatives-meeting"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The meeting's id.") var meeting: String
        @Option(help: "The topic's id.") var topic: String
        @Option(help: "How the round ended.") var outcome: OutcomeChoice
        @Option(help: "What was agreed, or where views stand.") var summary: String
        @Option(help: "The body it goes to (escalation; default: villagers-assembly).") var escalateTo: MeetingCommand.BodyChoice?

        func run() async throws {
            let context = try global.context()
            let progress = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).endRound(
                    .init(meetingId: meeting, topicId: topic, outcome: outcome.wire, summary: summary, escalateTo: escalateTo?.wire ?? .unspecified),
                    options: gateway.options())
            }
            try context.out.show(progress) { RoundCommand.render(progress, context.out) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show where a topic stands in deliberation: its rounds, the next one, escalation, the result.",
            discussion: examples("tongxinctl round show 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The topic's id.") var topic: String

        func run() async throws {
            let context = try global.context()
            let progress = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).getTopicProgress(.init(topicId: topic), options: gateway.options())
            }
            try context.out.show(progress) { RoundCommand.render(progress, context.out) }
        }
    }

    static func render(_ progress: SessionV1.TopicProgress, _ out: Output) -> String {
        var fields: [(String, Table.Cell)] = [
            ("topic", .init(progress.topicId)),
            ("stage", .init(StageChoice.label(progress.stage), progress.stage == .deliberating ? .warning : .good)),
            ("rounds", .init("\(progress.rounds.count) of at most \(progress.maxRounds)")),
        ]
        if progress.stage == .deliberating { fields.append(("next round", .init("\(progress.nextRound)"))) }
        if progress.escalatedTo != .unspecified { fields.append(("escalated to", .init(MeetingCommand.BodyChoice.label(progress.escalatedTo)))) }
        fields.append(("result", .init(Format.text(progress.resultId))))
        var text = out.record(fields)
        if !progress.rounds.isEmpty {
            var table = Table([.init("ROUND", alignment: .right), .init("MEETING"), .init("OUTCOME"), .init("ENDED"), .init("SUMMARY", maxWidth: 40)])
            for round in progress.rounds {
                table.append([.init("\(round.number)"), .init(round.meetingId), .init(OutcomeChoice.label(round.outcome)),
                              .init(Format.instant(round.endedAt)), .init(round.summary)])
            }
            text += "\n" + out.table(table)
        }
        return text
    }
}
