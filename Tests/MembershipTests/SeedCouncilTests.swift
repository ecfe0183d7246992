import TongxinTesting
import Foundation
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas

/// Issue 8 §12: one realistic council per seed, each constituted through notice (or election)
/// on a unit tree with villager groups and households, and beside it the same council changed
/// by the least that breaks a rule. Each test prints the CheckComposition answers (between
/// `SEED-COUNCIL-BEGIN`/`-END`) that `docs/seed-councils.md` quotes.
@Suite("The six seed councils, valid and minimally invalid", .membershipService("seeds"), .serialized)
struct SeedCouncilTests {
    /// One seat to fill: who, where, in which role, proposed by whom.
    struct Spec {
        var name: String
        var unit: MembershipV1.Unit
        var role: MembershipV1.CouncilRole = .fixedMember
        var party = false
        var cadre = false
        var sector = "villagerRepresentative"
        var posts: [String] = []
        var gender: MembershipV1.Gender = .male
        var household = ""
        var source: MembershipV1.NominationSource = .partyOrganisation
        var topic = ""
    }

    /// Creates the people and nominates them; returns id → name for the printout.
    func fill(_ council: MembershipV1.Council, _ specs: [Spec], in county: County) async throws -> [String: String] {
        var names: [String: String] = [:]
        for spec in specs {
            let person = try await county.person(
                spec.name, in: spec.unit, party: spec.party, cadre: spec.cadre, sector: spec.sector, posts: spec.posts,
                gender: spec.gender, household: spec.household)
            let standing = spec.role != .adHocMember && spec.role != .observer
            try await county.nominate(person, to: council, as: spec.role, topic: spec.topic, source: standing ? spec.source : .unspecified)
            names[person.id] = spec.name
        }
        return names
    }

    /// The answer as the closing note quotes it, ids replaced by names.
    func render(_ title: String, _ answer: MembershipV1.CheckCompositionResponse, names: [String: String]) -> String {
        func named(_ text: String) -> String {
            names.reduce(text) { $0.replacingOccurrences(of: $1.key, with: $1.value) }
        }
        var lines = [
            "#### \(title)", "",
            "`satisfied: \(answer.satisfied)` · `binding_satisfied: \(answer.bindingSatisfied)` · `counted_members: \(answer.countedMembers)`",
        ]
        if answer.violations.isEmpty { lines += ["", "violations: none"] }
        for violation in answer.violations {
            var figures = ["count \(violation.count)"]
            if violation.of != 0 { figures.append("of \(violation.of)") }
            if let minimum = violation.minimum { figures.append("minimum \(minimum.value)") }
            if let maximum = violation.maximum { figures.append("maximum \(maximum.value)") }
            if !violation.subject.isEmpty { figures.append("subject \(named(violation.subject))") }
            if !violation.field.isEmpty, violation.field != "members" { figures.append("field \(violation.field)") }
            let severity = violation.severity == .advisory ? "advisory" : "binding"
            lines += ["", "- `\(violation.ruleId)` (\(severity); \(figures.joined(separator: ", ")))"]
            lines.append("  - \(named(violation.message?.zh ?? ""))")
            lines.append("  - \(named(violation.message?.en ?? ""))")
        }
        return lines.joined(separator: "\n")
    }

    func report(_ seed: String, _ blocks: [String]) {
        print("SEED-COUNCIL-BEGIN \(seed)\n### \(seed)\n\n\(blocks.joined(separator: "\n\n"))\nSEED-COUNCIL-END")
    }

    func county() async throws -> County {
        let harness = try MembershipHarness.current
        harness.clock.set(MembershipHarness.startOfTime)
        return try await harness.county()
    }

    func groups(of village: MembershipV1.Unit, _ households: [Int64], in county: County) async throws -> [MembershipV1.Unit] {
        var units: [MembershipV1.Unit] = []
        for (index, count) in households.enumerated() { units.append(try await county.group(index + 1, of: village, households: count)) }
        return units
    }

    // MARK: 1. Linhai town council (000/001)

    /// 30 members: the chair (the town's deputy party secretary), `party - 1` more party
    /// members, the rest outside the party.
    func townCouncil(_ county: County, town number: Int, party: Int) async throws -> (MembershipV1.Council, [String: String]) {
        let town = try await county.town(number)
        let council = try await county.council(.townCouncil, at: town, name: "镇民主协商议事会")
        var specs = [Spec(name: "镇党委副书记", unit: town, role: .chair, party: true, cadre: true, sector: "villageOrganization", posts: ["townDeputyPartySecretary"], source: .higherLevel)]
        for index in 1..<30 {
            specs.append(Spec(name: "委员\(index)", unit: town, party: index < party, sector: ["intellectualsAssociation", "chamberOfCommerce", "veteranCadre", "resident"][index % 4]))
        }
        return (council, try await fill(council, specs, in: county))
    }

    @Test("Linhai town council: 30 members, 15 outside the party, chaired by the deputy party secretary; 16 party members fail")
    func linhaiTown() async throws {
        let county = try await county()
        let (valid, names) = try await townCouncil(county, town: 1, party: 15)
        let constituted = try await county.constitute(valid)
        #expect(constituted.status == .constituted)
        let ok = try await county.check(valid, includeNominees: false)
        #expect(ok.satisfied)
        let (invalid, invalidNames) = try await townCouncil(county, town: 2, party: 16)
        let bad = try await county.check(invalid)
        #expect(bad.violations.map(\.ruleId) == ["composition.non_party_share"])
        report("1. Linhai town council 镇民主协商议事会 (000/001)", [
            render("valid: 30 members, 15 non-party, constituted", ok, names: names),
            render("minimally invalid: 16 party members, 14 non-party", bad, names: invalidNames),
        ])
    }

    // MARK: 2. Linhai village council (001)

    func villageCouncil(_ county: County, village number: Int, party: Int) async throws -> (MembershipV1.Council, [String: String]) {
        let village = try await county.village(number, households: 320)
        let council = try await county.council(.villageCouncil, at: village, name: "村民主协商议事会")
        let sectors = ["villagersCommittee", "supervisoryCommittee", "comprehensiveGovernance", "womensFederation", "youthLeague",
                       "elderlyAssociation", "outOfTownNative", "veteranCadre", "villagerRepresentative"]
        var specs = [Spec(name: "村党组织书记", unit: village, role: .chair, party: true, cadre: true, sector: "villagePartyBranch", posts: ["villagePartySecretary"])]
        for index in 1..<20 {
            specs.append(Spec(name: "委员\(index)", unit: village, party: index < party, sector: sectors[index % sectors.count],
                              gender: index % 3 == 0 ? .female : .male))
        }
        return (council, try await fill(council, specs, in: county))
    }

    @Test("Linhai village council: 20 members, 10 outside the party, chaired by the party secretary; 11 party members fail")
    func linhaiVillage() async throws {
        let county = try await county()
        let (valid, names) = try await villageCouncil(county, village: 1, party: 10)
        #expect(try await county.constitute(valid).status == .constituted)
        let ok = try await county.check(valid, includeNominees: false)
        #expect(ok.satisfied)
        let (invalid, invalidNames) = try await villageCouncil(county, village: 2, party: 11)
        let bad = try await county.check(invalid)
        #expect(bad.violations.map(\.ruleId) == ["composition.non_party_share"])
        report("2. Linhai village council 村民主协商议事会 (001)", [
            render("valid: 20 members, 10 non-party, constituted", ok, names: names),
            render("minimally invalid: 11 party members, 9 non-party", bad, names: invalidNames),
        ])
    }

    // MARK: 3. 004's 1+1+10+X

    /// 1 honorary chair (the town leader, from the town) + 1 chair (the party secretary) + 30
    /// fixed members from the ten categories — 10 cadres, both directors, villager
    /// representatives 2/1/1 from three groups (or 2/1/0) — + X: an outside expert and an
    /// affected villager for the topic, and an observer.
    func affairsCouncil(_ county: County, village number: Int, thirdGroupRep: Bool = true, cadres: Int = 10) async throws -> (MembershipV1.Council, [String: String]) {
        let village = try await county.village(number)
        let groups = try await groups(of: village, [40, 55, 60], in: county)
        let town = try await county.api.getUnit(.init(unit: .init(id: village.parentId)), options: county.admin)
        let countyUnit = try await county.api.getUnit(.init(unit: county.ref), options: county.admin)
        let council = try await county.council(.villageAffairsCouncil, at: village, name: "村务民主协商会")
        var specs = [
            Spec(name: "包村领导", unit: town, role: .honoraryChair, party: true, cadre: true, sector: "governmentDepartment", posts: ["townLeaderForVillage"], source: .higherLevel),
            Spec(name: "村党支部书记", unit: village, role: .chair, party: true, cadre: true, sector: "villagePartyBranch", posts: ["villagePartySecretary"]),
            Spec(name: "村委会主任", unit: village, party: true, cadre: true, sector: "villagersCommittee", posts: ["villagersCommitteeDirector"]),
            Spec(name: "村监委会主任", unit: village, cadre: true, sector: "supervisoryCommittee", posts: ["supervisoryCommitteeDirector"]),
        ]
        for index in 0..<(cadres - 2) {
            specs.append(Spec(name: "两委委员\(index)", unit: village, party: true, cadre: true,
                              sector: index % 2 == 0 ? "villagePartyBranch" : "villagersCommittee",
                              posts: index % 2 == 0 ? ["villagePartyBranchMember"] : ["villagersCommitteeMember"]))
        }
        let reps = [(groups[0], 2), (groups[1], 1), (groups[2], thirdGroupRep ? 1 : 0)]
        for (group, count) in reps {
            for slot in 0..<count {
                specs.append(Spec(name: "\(group.name)村民代表\(slot + 1)", unit: group, sector: "villagerRepresentative",
                                  gender: slot == 0 ? .female : .male, source: .villagerGroup))
            }
        }
        let categories = ["veteranPartyMember", "cooperative", "legalWorker", "unitBasedInVillage", "peoplesCongressDeputy", "cppccMember"]
        var filler = 0
        while specs.count < 2 + 30 {
            let sector = categories[filler % categories.count]
            specs.append(Spec(name: "固定成员\(filler + 1)", unit: village, party: sector == "veteranPartyMember", sector: sector))
            filler += 1
        }
        specs.append(Spec(name: "水利专家", unit: countyUnit, role: .adHocMember, sector: "expert", topic: "灌溉渠改造"))
        specs.append(Spec(name: "受影响农户", unit: groups[1], role: .adHocMember, sector: "stakeholder", topic: "灌溉渠改造"))
        specs.append(Spec(name: "旁听村民", unit: groups[2], role: .observer, sector: "resident"))
        var names = try await fill(council, specs, in: county)
        for group in groups { names[group.id] = group.name }
        return (council, names)
    }

    @Test("004's 1+1+10+X with 30 fixed members, 10 of them cadres; a villager group without its representative fails, an eleventh cadre is advised against")
    func villageAffairs() async throws {
        let county = try await county()
        let (valid, names) = try await affairsCouncil(county, village: 1)
        #expect(try await county.constitute(valid).status == .constituted)
        let ok = try await county.check(valid, includeNominees: false)
        #expect(ok.satisfied, "\(ok.violations.map(\.message))")
        #expect(ok.countedMembers == 32)
        let (invalid, invalidNames) = try await affairsCouncil(county, village: 2, thirdGroupRep: false)
        let bad = try await county.check(invalid)
        #expect(bad.violations.map(\.ruleId) == ["composition.representatives_per_group"])
        #expect(!bad.bindingSatisfied)
        let (advised, advisedNames) = try await affairsCouncil(county, village: 3, cadres: 11)
        let advice = try await county.check(advised)
        #expect(advice.violations.map(\.ruleId) == ["composition.cadre_share"] && advice.bindingSatisfied)
        report("3. Village affairs council 村务民主协商会 \"1+1+10+X\" (004)", [
            render("valid: honorary chair + chair + 30 fixed members (10 cadres; representatives 2/1/1 from three groups) + 2 ad-hoc + 1 observer, constituted", ok, names: names),
            render("minimally invalid (binding): the third villager group has no representative (a 30th category member instead)", bad, names: invalidNames),
            render("advisory only: 11 cadres among the 30 fixed members", advice, names: advisedNames),
        ])
    }

    // MARK: 4. Chengdu villagers' council (003)

    func villagersCouncil(_ county: County, village number: Int, lastGroup: Int) async throws -> (MembershipV1.Council, [String: String]) {
        let village = try await county.village(number)
        let groups = try await groups(of: village, Array(repeating: 50, count: 8), in: county)
        let council = try await county.council(.villagersCouncil, at: village, name: "村民议事会")
        var specs: [Spec] = []
        for (index, group) in groups.enumerated() {
            for slot in 0..<(index == 7 ? lastGroup : 3) {
                specs.append(Spec(name: "\(index + 1)组议事员\(slot + 1)", unit: group, role: specs.isEmpty ? .chair : .fixedMember,
                                  party: slot == 0, cadre: slot == 0 && index < 4, sector: "villagerRepresentative",
                                  gender: slot == 1 ? .female : .male, source: .villagerGroup))
            }
        }
        var names = try await fill(council, specs, in: county)
        for group in groups { names[group.id] = group.name }
        return (council, names)
    }

    @Test("Chengdu villagers' council: 3 from each of 8 groups, 24 in all; a group with one member fails")
    func chengdu() async throws {
        let county = try await county()
        let (valid, names) = try await villagersCouncil(county, village: 1, lastGroup: 3)
        #expect(try await county.constitute(valid).status == .constituted)
        let ok = try await county.check(valid, includeNominees: false)
        #expect(ok.satisfied, "\(ok.violations.map(\.message))")
        let (invalid, invalidNames) = try await villagersCouncil(county, village: 2, lastGroup: 1)
        let bad = try await county.check(invalid)
        #expect(bad.violations.map(\.ruleId) == ["composition.members_per_group"])
        report("4. Chengdu villagers' council 村民议事会 (003)", [
            render("valid: 8 villager groups × 3 = 24 members (4 cadres), constituted", ok, names: names),
            render("minimally invalid: the eighth group sends 1 member (22 in all)", bad, names: invalidNames),
        ])
    }

    // MARK: 5. Villagers' representatives' meeting of 45 (Organic Law art. 25)

    func representatives(_ county: County, village number: Int, women: Int) async throws -> (MembershipV1.Council, [String: String]) {
        let village = try await county.village(number)
        let groups = try await groups(of: village, [150, 150, 150], in: county)
        let council = try await county.council(.villagersRepresentativesMeeting, at: village, name: "村民代表会议")
        var specs = [Spec(name: "村委会主任", unit: village, party: true, cadre: true, sector: "villagersCommittee", posts: ["villagersCommitteeDirector"], gender: .female)]
        for index in 1..<5 {
            specs.append(Spec(name: "村委委员\(index)", unit: village, cadre: true, sector: "villagersCommittee", posts: ["villagersCommitteeMember"],
                              gender: index == 1 ? .female : .male))
        }
        for index in 0..<40 {
            specs.append(Spec(name: "村民代表\(index + 1)", unit: groups[index % 3], sector: "villagerRepresentative",
                              gender: index < women ? .female : .male, source: .villagerGroup))
        }
        return (council, try await fill(council, specs, in: county))
    }

    @Test("a representatives' meeting of 45: 40 representatives, 15 of them women, for 450 households; 14 women fail")
    func representativesMeeting() async throws {
        let county = try await county()
        let (valid, names) = try await representatives(county, village: 1, women: 15)
        // The 40 representatives are elected; the committee's 5 sit by office (art. 25).
        let elected = Set(names.filter { $0.value.hasPrefix("村民代表") }.map(\.key))
        #expect(elected.count == 40)
        await expectStatus(.failedPrecondition, rule: "election.required") { try await county.publish(valid) }
        try await county.elect(valid, body: .villagersAssembly, eligible: 900, present: 480, votes: 300, only: elected)
        #expect(try await county.constitute(valid).status == .constituted)
        let ok = try await county.check(valid, includeNominees: false)
        #expect(ok.satisfied, "\(ok.violations.map(\.message))")
        #expect(ok.countedMembers == 45)
        let (invalid, invalidNames) = try await representatives(county, village: 2, women: 14)
        let bad = try await county.check(invalid)
        #expect(bad.violations.map(\.ruleId) == ["composition.women_representative_share"])
        report("5. Villagers' representatives' meeting 村民代表会议 of 45 (Organic Law art. 25)", [
            render("valid: 5 villagers' committee members (by office) + 40 representatives (15 women; 450 households) elected by the villagers' assembly (480 of 900 present), constituted", ok, names: names),
            render("minimally invalid: 14 women representatives", bad, names: invalidNames),
        ])
    }

    // MARK: 6. Supervision committee of 5 (Organic Law art. 32; 003)

    func supervision(_ county: County, village number: Int, kinOfCommittee: Bool) async throws -> (MembershipV1.Council, [String: String]) {
        let village = try await county.village(number)
        let groups = try await groups(of: village, [80, 90], in: county)
        let director = try await county.person("村委会主任", in: village, party: true, cadre: true, sector: "villagersCommittee", posts: ["villagersCommitteeDirector"], household: "1")
        let member = try await county.person("村委委员", in: groups[0], cadre: true, sector: "villagersCommittee", posts: ["villagersCommitteeMember"], household: "12")
        let council = try await county.council(.supervisionCommittee, at: village, name: "村务监督委员会")
        var specs = [Spec(name: "监委会主任", unit: village, role: .chair, party: true, sector: "supervisoryCommittee", household: "5", source: .villagerGroup)]
        for index in 1..<5 {
            let inCommitteeHousehold = kinOfCommittee && index == 4
            specs.append(Spec(name: inCommitteeHousehold ? "村委委员同户人" : "监委委员\(index)", unit: groups[index % 2],
                              sector: "supervisoryCommittee", gender: index % 2 == 0 ? .female : .male,
                              household: inCommitteeHousehold && index % 2 == 0 ? "12" : "\(20 + index)", source: .villagerGroup))
        }
        var names = try await fill(council, specs, in: county)
        names[director.id] = director.name
        names[member.id] = member.name
        return (council, names)
    }

    @Test("a supervision committee of 5 elected by the representatives' meeting; one of the household of a committee member fails")
    func supervisionCommittee() async throws {
        let county = try await county()
        let (valid, names) = try await supervision(county, village: 1, kinOfCommittee: false)
        try await county.elect(valid, body: .representativesMeeting, eligible: 45, present: 32, votes: 25)
        #expect(try await county.constitute(valid).status == .constituted)
        let ok = try await county.check(valid, includeNominees: false)
        #expect(ok.satisfied, "\(ok.violations.map(\.message))")
        let (invalid, invalidNames) = try await supervision(county, village: 2, kinOfCommittee: true)
        let bad = try await county.check(invalid)
        #expect(bad.violations.map(\.ruleId) == ["composition.committee_kin_excluded"])
        report("6. Village affairs supervision committee 村务监督委员会 of 5 (Organic Law art. 32; 003)", [
            render("valid: chair + 4 villagers, none on the villagers' committee or of a member's household, elected by the representatives' meeting (32 of 45 present), constituted", ok, names: names),
            render("minimally invalid: the fourth member is of one household with a villagers' committee member", bad, names: invalidNames),
        ])
    }
}
