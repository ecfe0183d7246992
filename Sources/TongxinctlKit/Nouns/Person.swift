import ArgumentParser
import Foundation
import MembershipAPI
import TongxinSchemas

// 人员 — the people of the units: residents, representatives, cadres, experts.

struct PersonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "person",
        abstract: "People (人员): find, show, create, update, record kinship. Bulk: tongxinctl unit import --people.",
        subcommands: [Find.self, Show.self, Create.self, Update.self, Relate.self])

    struct GenderChoice: Choice {
        var wire: MembershipV1.Gender
        static let options: [ChoiceOption<MembershipV1.Gender>] = [.init("male", .male, "男"), .init("female", .female, "女")]
    }

    /// yes/no for a flag that may be left alone.
    struct YesNo: ExpressibleByArgument, Sendable {
        let value: Bool
        init?(argument: String) {
            switch argument.lowercased() {
            case "yes", "y", "true", "1", "是": value = true
            case "no", "n", "false", "0", "否": value = false
            default: return nil
            }
        }
        static var allValueStrings: [String] { ["yes", "no"] }
    }

    struct Find: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Find people by name prefix, phone or ID number (numbers need people.search; unmasked with pii.read).",
            discussion: examples(
                "tongxinctl person find --name-prefix 王",
                "tongxinctl person find --unit 331082104201 --phone 13800000007",
                "tongxinctl person find --name-prefix 王 --json"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The unit to search under (default: your scope).") var unit: UnitArgument?
        @Option(help: "Name prefix.") var namePrefix: String?
        @Option(help: "Mobile phone number (exact; the search is audited).") var phone: String?
        @Option(help: "Resident ID number (exact; the search is audited).") var idNumber: String?
        @Option(help: "At most this many people.") var limit = 1000

        func run() async throws {
            let context = try global.context()
            let people = try await context.withGateway { gateway in
                try await allPages(limit: limit) { page in
                    let response = try await MembershipV1.Membership.Client(gateway.rpc).findPeople(
                        .init(unit: unit?.ref, phone: phone ?? "", idNumber: idNumber ?? "", namePrefix: namePrefix ?? "", page: page),
                        options: gateway.options())
                    return (response.people, response.page)
                }
            }
            try context.out.list(people) { context.out.table(PersonCommand.table(people)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a person.", discussion: examples("tongxinctl person show 7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The person's id.") var person: String

        func run() async throws {
            let context = try global.context()
            let found = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).getPerson(.init(personId: person), options: gateway.options())
            }
            try context.out.show(found) { PersonCommand.render(found, context.out) }
        }
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Register a person in a unit.",
            discussion: examples(
                "tongxinctl person create --unit 331082104201 --name 王建国 --gender male --birth-year 1968 --phone 13800000001 --party-member --sector villagerRepresentative"))
        @OptionGroup var global: GlobalOptions
        @Option(help: "The person's unit (village, group or higher).") var unit: UnitArgument
        @Option(help: "姓名") var name: String
        @Option(help: "male or female (男/女).") var gender: GenderChoice?
        @Option(help: "Year of birth.") var birthYear: Int32 = 0
        @Option(help: "Mobile phone (stored encrypted).") var phone = ""
        @Option(help: "Resident ID number (stored encrypted).") var idNumber = ""
        @Option(help: "Household (户) identifier inside the unit.") var household = ""
        @Flag(help: "党员") var partyMember = false
        @Flag(help: "基层干部") var grassrootsCadre = false
        @Option(help: "界别, as membership spells it: villagerRepresentative, expert, resident …") var sector = ""
        @Option(parsing: .upToNextOption, help: "职务, e.g. villagePartySecretary villagersCommitteeMember.") var post: [String] = []

        func run() async throws {
            let context = try global.context()
            let created = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).createPerson(
                    .init(unit: unit.ref, name: name, gender: gender?.wire ?? .unspecified, birthYear: birthYear, phone: phone, idNumber: idNumber,
                          household: household, partyMember: partyMember, grassrootsCadre: grassrootsCadre, sector: sector, posts: post),
                    options: gateway.options())
            }
            try context.out.show(created) { PersonCommand.render(created, context.out) }
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Change what rules count about a person (refused when it would break a constituted council).",
            discussion: examples(
                "tongxinctl person update 7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f --party-member yes",
                "tongxinctl person update 7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f --post villagersCommitteeMember --phone 13900000002"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The person's id.") var person: String
        @Option(help: "姓名") var name: String?
        @Option(help: "Mobile phone.") var phone: String?
        @Option(help: "Household identifier.") var household: String?
        @Option(help: "yes or no (党员).") var partyMember: YesNo?
        @Option(help: "yes or no (基层干部).") var grassrootsCadre: YesNo?
        @Option(help: "界别.") var sector: String?
        @Option(parsing: .upToNextOption, help: "Replace the posts with these.") var post: [String] = []
        @Flag(help: "Remove every post.") var clearPosts = false

        func run() async throws {
            let context = try global.context()
            let updated = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).updatePerson(
                    .init(personId: person, name: name.map { .init(value: $0) }, phone: phone.map { .init(value: $0) },
                          household: household.map { .init(value: $0) }, partyMember: partyMember.map { .init(value: $0.value) },
                          grassrootsCadre: grassrootsCadre.map { .init(value: $0.value) }, sector: sector.map { .init(value: $0) },
                          replacePosts: clearPosts || !post.isEmpty, posts: post),
                    options: gateway.options())
            }
            try context.out.show(updated) { PersonCommand.render(updated, context.out) }
        }
    }

    struct Relate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "relate",
            abstract: "Record that two people are relatives (close kin cannot sit together on a supervision committee).",
            discussion: """
                Relations: spouse, parent, child, sibling, grandparent, grandchild (close relatives,
                Civil Code art. 1045), or an in-law or wider relation as membership spells it.

                \(examples("tongxinctl person relate 7d1c2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f 0e9d8c7b-6a5f-4e3d-2c1b-0a9f8e7d6c5b --relation spouse"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The person.") var person: String
        @Argument(help: "The relative.") var relative: String
        @Option(help: "What the relative is to the person.") var relation: String

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await MembershipV1.Membership.Client(gateway.rpc).addKinship(
                    .init(personId: person, relativeId: relative, relation: relation), options: gateway.options())
            }
            try context.out.show(response) { "recorded: \(relative) is \(relation) of \(person)\n" }
        }
    }

    static func table(_ people: [MembershipV1.Person]) -> Table {
        var table = Table([.init("ID"), .init("NAME"), .init("GENDER"), .init("BORN", alignment: .right), .init("PHONE"), .init("ID NUMBER"),
                           .init("HOUSEHOLD"), .init("PARTY"), .init("CADRE"), .init("SECTOR"), .init("POSTS", maxWidth: 40)])
        for person in people {
            table.append([.init(person.id), .init(person.name), .init(GenderChoice.options.first { $0.wire == person.gender }?.zh ?? "—"),
                          .init(person.birthYear == 0 ? "—" : "\(person.birthYear)"), .init(Format.text(person.phone)), .init(Format.text(person.idNumber)),
                          .init(Format.text(person.household)), .init(person.partyMember ? "党员" : "—"), .init(person.grassrootsCadre ? "干部" : "—"),
                          .init(Format.text(person.sector)), .init(person.posts.joined(separator: " "))])
        }
        return table
    }

    static func render(_ person: MembershipV1.Person, _ out: Output) -> String {
        out.record([
            ("id", .init(person.id)),
            ("name", .init(person.name)),
            ("gender", .init(GenderChoice.label(person.gender))),
            ("born", .init(person.birthYear == 0 ? "—" : "\(person.birthYear)")),
            ("phone", .init(Format.text(person.phone))),
            ("id number", .init(Format.text(person.idNumber))),
            ("household", .init(Format.text(person.household))),
            ("party member", .init(Format.yesNo(person.partyMember))),
            ("grassroots cadre", .init(Format.yesNo(person.grassrootsCadre))),
            ("sector", .init(Format.text(person.sector))),
            ("posts", .init(person.posts.isEmpty ? "—" : person.posts.joined(separator: " "))),
            ("unit id", .init(person.unitId)),
        ])
    }
}
