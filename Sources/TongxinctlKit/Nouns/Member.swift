import ArgumentParser
import Foundation
import MembershipAPI
import TongxinSchemas

// 成员 — nominations and seats on a council.

struct Member: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "member",
        abstract: "Council members: nominate and remove.",
        subcommands: [Nominate.self, Remove.self])

    struct Role: Choice {
        var wire: MembershipV1.CouncilRole
        static let options: [ChoiceOption<MembershipV1.CouncilRole>] = [
            .init("chair", .chair, "会长"), .init("honorary-chair", .honoraryChair, "名誉会长"), .init("office", .office, "办公室"),
            .init("supervision", .supervision, "监督组"), .init("fixed-member", .fixedMember, "固定成员"),
            .init("ad-hoc-member", .adHocMember, "其他成员"), .init("observer", .observer, "列席"),
        ]
    }

    struct Source: Choice {
        var wire: MembershipV1.NominationSource
        static let options: [ChoiceOption<MembershipV1.NominationSource>] = [
            .init("villager-group", .villagerGroup, "村民小组推荐"), .init("party-organisation", .partyOrganisation, "村党组织推荐"),
            .init("self-nomination", .selfNomination, "个人自荐"), .init("higher-level", .higherLevel, "上级推荐"),
        ]
    }

    struct SeatStatus: Choice {
        var wire: MembershipV1.SeatStatus
        static let options: [ChoiceOption<MembershipV1.SeatStatus>] = [
            .init("nominated", .nominated, "提名"), .init("in-notice", .inNotice, "公示中"), .init("seated", .seated, "在任"),
            .init("ended", .ended, "已离任"), .init("withdrawn", .withdrawn, "未通过"),
        ]
    }

    struct Nominate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Nominate a person to a role; chair, office, supervision and fixed members then go through public notice.",
            discussion: """
                Roles: \(Role.helpList).
                Sources (required for the seats published for notice): \(Source.helpList).
                Ad-hoc members (bound to a topic) and observers take their seat at once.

                \(examples(
                    "tongxinctl member nominate --council 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab --person 7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f --role chair --source party-organisation",
                    "tongxinctl member nominate --council 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab --person 7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f --role ad-hoc-member --topic 5b6c7d8e-9f00-4a1b-8c2d-3e4f5a6b7c8d"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The council's id.") var council: String
        @Option(help: "The person's id.") var person: String
        @Option(help: "The role.") var role: Role
        @Option(help: "Who proposed the member.") var source: Source?
        @Option(help: "The topic an ad-hoc member serves.") var topic: String?
        @Option(help: "A note kept with the seat.") var note: String?

        func run() async throws {
            let context = try global.context()
            let seat = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).nominateMember(
                    .init(councilId: council, personId: person, role: role.wire, topicId: topic ?? "", note: note ?? "",
                          source: source?.wire ?? .unspecified),
                    options: gateway.options())
            }
            try context.out.show(seat) { context.out.table(Member.table([seat])) }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End a seat (refused when it would break a constituted council's rules).",
            discussion: examples("tongxinctl member remove 9a8b7c6d-5e4f-4a3b-2c1d-0e9f8a7b6c5d --reason 迁出本村"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The seat's id.") var seat: String
        @Option(help: "Why.") var reason: String

        func run() async throws {
            let context = try global.context()
            let ended = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).removeMember(.init(seatId: seat, reason: reason), options: gateway.options())
            }
            try context.out.show(ended) { context.out.table(Member.table([ended])) }
        }
    }

    static func table(_ seats: [MembershipV1.Seat]) -> Table {
        var table = Table([.init("SEAT"), .init("NAME"), .init("ROLE"), .init("STATUS"), .init("SOURCE"), .init("TERM", alignment: .right),
                           .init("SEATED"), .init("ENDED"), .init("PERSON")])
        for seat in seats {
            let level: Style.Level = switch seat.status {
            case .seated: .good
            case .nominated, .inNotice: .warning
            case .withdrawn: .bad
            default: .neutral
            }
            table.append([.init(seat.id), .init(seat.personName), .init(Role.label(seat.role)), .init(SeatStatus.label(seat.status), level),
                          .init(seat.source == .unspecified ? "—" : Source.label(seat.source)), .init("\(seat.termNumber)"),
                          .init(Format.instant(seat.seatedAt)),
                          .init(seat.endedAt == nil ? "—" : "\(Format.instant(seat.endedAt)) \(seat.endReason)"), .init(seat.personId)])
        }
        return table
    }
}
