import ArgumentParser
import Foundation
import MembershipAPI
import TongxinSchemas

// 推选 — the election of an elected body (supervision committee, villagers' representatives).

struct ElectionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "election",
        abstract: "Elections (推选) of elected bodies.",
        subcommands: [Record.self])

    struct Body: Choice {
        var wire: MembershipV1.ElectingBody
        static let options: [ChoiceOption<MembershipV1.ElectingBody>] = [
            .init("villagers-assembly", .villagersAssembly, "村民会议"), .init("representatives-meeting", .representativesMeeting, "村民代表会议"),
        ]
    }

    /// `SEAT=VOTES`.
    struct VoteCount: ExpressibleByArgument, Sendable {
        let seat: String
        let votes: Int32
        init?(argument: String) {
            let parts = argument.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, !parts[0].isEmpty, let votes = Int32(parts[1]), votes >= 0 else { return nil }
            seat = String(parts[0])
            self.votes = votes
        }
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Record an election: a candidate with more than half of those present is elected (Organic Law arts. 21–26).",
            discussion: examples(
                "tongxinctl election record --council 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab --body representatives-meeting --held-on 2025-03-10 --eligible 30 --present 25 --vote 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d=20 --vote 8b7c6d5e-4f3a-4b2c-1d0e-9f8a7b6c5d4e=11"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The council (an elected body).") var council: String
        @Option(help: "villagers-assembly or representatives-meeting.") var body: Body
        @Option(help: "The day it was held.") var heldOn: DateArgument
        @Option(help: "Those entitled to attend.") var eligible: Int32
        @Option(help: "Those present.") var present: Int32
        @Option(help: "SEAT=VOTES for each candidate (a nominated seat).") var vote: [VoteCount] = []
        @Option(help: "Villagers' assembly: the village's households.") var households: Int32 = 0
        @Option(help: "Villagers' assembly: households whose representative attended.") var householdsPresent: Int32 = 0

        func run() async throws {
            let context = try global.context()
            let election = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).recordElection(
                    .init(councilId: council, body: body.wire, heldOn: heldOn.date, eligible: eligible, present: present,
                          votes: vote.map { .init(seatId: $0.seat, votes: $0.votes) }, households: households, householdsPresent: householdsPresent),
                    options: gateway.options())
            }
            try context.out.show(election) {
                var table = Table([.init("SEAT"), .init("PERSON"), .init("VOTES", alignment: .right), .init("RESULT")])
                for result in election.results {
                    table.append([.init(result.seatId), .init(result.personId), .init("\(result.votes)"),
                                  .init(result.elected ? "elected 当选" : "not elected 未当选", result.elected ? .good : .bad)])
                }
                return context.out.record([("election", .init(election.id)), ("body", .init(Body.label(election.body))),
                                           ("held on", .init(Format.date(election.heldOn))), ("present", .init("\(election.present) of \(election.eligible)"))])
                    + "\n" + context.out.table(table)
            }
        }
    }
}
