import ArgumentParser
import Foundation
import SessionAPI
import TongxinSchemas

// 表决 — votes at a meeting: thresholds as data, electronic and paper ballots, the tally.

struct VoteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vote",
        abstract: "Votes (表决): open, cast, count in paper ballots, close with the tally, show.",
        subcommands: [Open.self, Cast.self, Paper.self, Close.self, Show.self])

    struct MethodChoice: Choice {
        var wire: SessionV1.BallotMethod
        static let options: [ChoiceOption<SessionV1.BallotMethod>] = [.init("open", .open, "举手/记名"), .init("secret", .secret, "无记名投票")]
    }

    struct BaseChoice: Choice {
        var wire: SessionV1.ThresholdBase
        static let options: [ChoiceOption<SessionV1.ThresholdBase>] = [
            .init("present", .present, "与会人员"), .init("eligible", .eligible, "有表决权的全体人员"), .init("households", .households, "户"),
        ]
    }

    struct BallotChoice: Choice {
        var wire: SessionV1.Choice
        static let options: [ChoiceOption<SessionV1.Choice>] = [.init("for", .`for`, "赞成"), .init("against", .against, "反对"), .init("abstain", .abstain, "弃权")]
    }

    struct StateChoice: Choice {
        var wire: SessionV1.VoteState
        static let options: [ChoiceOption<SessionV1.VoteState>] = [.init("open", .open, "表决中"), .init("closed", .closed, "已结束")]
    }

    struct Open: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Open a vote on a topic at an open meeting; the electorate is fixed now (who is checked in, who may vote).",
            discussion: """
                The threshold is data: --threshold FRACTION of --over BASE, --inclusive for
                以上/不少于 (equal passes), strict otherwise (过半数/超过: equal fails).
                Bases: \(BaseChoice.helpList). Without --threshold: the body's statutory
                rule (过半数 of those present) for an assembly or representatives' meeting,
                the deployment's default for a consultation. Methods:
                \(MethodChoice.helpList).

                \(examples(
                    "tongxinctl vote open --meeting 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --question 是否同意村东道路修缮方案",
                    "tongxinctl vote open --meeting 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d --question 是否同意征收方案 --method secret --threshold 2/3 --over eligible --inclusive"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The meeting's id.") var meeting: String
        @Option(help: "The topic's id.") var topic: String
        @Option(help: "The question put to the vote.") var question: String
        @Option(help: "open (default) or secret.") var method: MethodChoice?
        @Option(help: "The share needed, e.g. 1/2 or 2/3.") var threshold: ThresholdCommand.FractionArgument?
        @Option(help: "What the share is of: present (default), eligible or households.") var over: BaseChoice?
        @Flag(help: "At least the share (以上/不少于) rather than more than it (过半数/超过).") var inclusive = false
        @Flag(help: "One vote per person, changeable until the close (open ballots only).") var changeable = false

        func validate() throws {
            if threshold == nil && (over != nil || inclusive) { throw ValidationError("--over and --inclusive go with --threshold") }
            if changeable && method?.wire == .secret { throw ValidationError("a secret ballot is never changeable") }
        }

        func run() async throws {
            let context = try global.context()
            let rule = threshold.map { SessionV1.VoteThreshold(fraction: $0.fraction, over: over?.wire ?? .present, inclusive: inclusive) }
            let vote = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).openVote(
                    .init(meetingId: meeting, topicId: topic, question: question, method: method?.wire ?? .open, threshold: rule, changeable: changeable),
                    options: gateway.options())
            }
            try context.out.show(vote) { VoteCommand.render(vote, context.out) }
        }
    }

    struct Cast: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cast a ballot: your own, or one of the electorate's as the meeting records it (--voter).",
            discussion: """
                Choices: \(BallotChoice.helpList). A second ballot by the same voter is
                refused (exit 5) unless the vote is changeable, when it replaces the first.

                \(examples(
                    "tongxinctl vote cast 8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b --choice for",
                    "tongxinctl vote cast 8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b --choice 反对 --voter 李梅"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The vote's id.") var vote: String
        @Option(help: "for, against or abstain.") var choice: BallotChoice
        @Option(help: "The voter (default: you).") var voter: String?

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).castVote(.init(voteId: vote, voter: voter ?? "", choice: choice.wire), options: gateway.options())
            }
            try context.out.show(response) {
                "\(response.replaced ? "replaced the ballot of" : "ballot cast for") \(response.voter): \(BallotChoice.label(choice.wire)); \(response.ballotsCast) ballot(s) so far\n"
            }
        }
    }

    struct Paper: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Count paper ballots in beside the electronic ones (the meeting's recorder only).",
            discussion: """
                Give the counts of the paper ballots; --voter names who voted on paper (as
                many as the ballots), so that they cannot also vote electronically.

                \(examples(
                    "tongxinctl vote paper 8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b --for 5 --against 1 --abstain 1",
                    "tongxinctl vote paper 8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b --for 2 --voter 王建国 张伟"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The vote's id.") var vote: String
        @Option(name: .customLong("for"), help: "Paper ballots for.") var inFavour: Int32 = 0
        @Option(help: "Paper ballots against.") var against: Int32 = 0
        @Option(help: "Paper ballots abstaining.") var abstain: Int32 = 0
        @Option(parsing: .upToNextOption, help: "Who voted on paper.") var voter: [String] = []

        func validate() throws {
            if inFavour < 0 || against < 0 || abstain < 0 { throw ValidationError("counts are 0 or more") }
            if inFavour + against + abstain == 0 { throw ValidationError("give the counts with --for, --against and --abstain") }
            if !voter.isEmpty && Int32(voter.count) != inFavour + against + abstain {
                throw ValidationError("\(voter.count) voter(s) named for \(inFavour + against + abstain) ballot(s)")
            }
        }

        func run() async throws {
            let context = try global.context()
            let updated = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).recordPaperBallots(
                    .init(voteId: vote, counts: .init(inFavour: inFavour, against: against, abstaining: abstain), voters: voter), options: gateway.options())
            }
            try context.out.show(updated) { VoteCommand.render(updated, context.out) }
        }
    }

    struct Close: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Close the vote and print the tally with the threshold applied and the outcome; exit 1 when the motion fails.",
            discussion: """
                The tally adds electronic and paper ballots, applies the threshold to its
                base (those present, the electorate or households) and says how many votes
                for were needed. The vote forms the topic's result (`result show`).

                \(examples("tongxinctl vote close 8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b", "tongxinctl vote close 8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b --json"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The vote's id.") var vote: String

        func run() async throws {
            let context = try global.context()
            let closed = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).closeVote(.init(voteId: vote), options: gateway.options())
            }
            try context.out.show(closed) { VoteCommand.render(closed, context.out) }
            if closed.tally?.passed == false { throw ExitCode(ExitKind.negative.rawValue) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a vote: its question, threshold and electorate; the tally once closed.",
            discussion: examples("tongxinctl vote show 8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The vote's id.") var vote: String

        func run() async throws {
            let context = try global.context()
            let found = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).getVote(.init(voteId: vote), options: gateway.options())
            }
            try context.out.show(found) { VoteCommand.render(found, context.out) }
        }
    }

    /// "more than 1/2 of those present 与会人员 (过半数)".
    static func threshold(_ threshold: SessionV1.VoteThreshold?) -> String {
        guard let threshold, let fraction = threshold.fraction else { return "— (the body's default)" }
        return "\(threshold.inclusive ? "at least" : "more than") \(fraction.numerator)/\(fraction.denominator) of \(BaseChoice.label(threshold.over))"
            + " (\(threshold.inclusive ? "不少于" : "超过"))"
    }

    static func counts(_ counts: SessionV1.BallotCounts?) -> String {
        guard let counts else { return "0 / 0 / 0" }
        return "\(counts.inFavour) / \(counts.against) / \(counts.abstaining)"
    }

    static func render(_ vote: SessionV1.Vote, _ out: Output) -> String {
        var fields: [(String, Table.Cell)] = [
            ("vote", .init(vote.id)),
            ("question", .init(vote.question)),
            ("meeting / topic", .init("\(vote.meetingId) / \(vote.topicId)")),
            ("method", .init(MethodChoice.label(vote.method) + (vote.changeable ? ", changeable" : ""))),
            ("state", .init(StateChoice.label(vote.state), vote.state == .open ? .warning : .neutral)),
            ("threshold", .init(threshold(vote.threshold))),
            ("electorate", .init("\(vote.eligible) eligible, \(vote.present) present" + (vote.households > 0 ? ", \(vote.households) households" : ""))),
            ("ballots cast", .init("\(vote.ballotsCast)")),
        ]
        if let tally = vote.tally {
            fields += [
                ("for / against / abstain", .init("\(counts(tally.total)) (electronic \(counts(tally.electronic)), paper \(counts(tally.paper)))")),
                ("base", .init("\(tally.baseCount) (\(BaseChoice.label(vote.threshold?.over ?? .present)))")),
                ("needed for", .init("\(tally.required)")),
                ("outcome", tally.passed ? .init("passed 通过", .good) : .init("not passed 未通过", .bad)),
                ("explanation", .init(Format.bilingual(tally.explanation))),
            ]
        }
        if !vote.resultId.isEmpty { fields.append(("result", .init(vote.resultId))) }
        fields.append(("opened", .init(Format.instant(vote.openedAt))))
        if vote.closedAt != nil { fields.append(("closed", .init(Format.instant(vote.closedAt)))) }
        return out.record(fields)
    }
}
