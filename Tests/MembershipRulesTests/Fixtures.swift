import Foundation
@testable import MembershipRules

/// Roster builders: each returns a roster that passes its kind's default rules, so a test
/// changes one thing and watches one rule.
enum Fixture {
    static func person(
        _ id: String,
        party: Bool = false,
        cadre: Bool = false,
        gender: Gender = .male,
        sector: Sector = .resident,
        posts: Set<Post> = [],
        group: VillagerGroupID? = nil
    ) -> Person {
        Person(
            id: id, isPartyMember: party, isGrassrootsCadre: cadre, gender: gender,
            sector: sector, posts: posts, villagerGroupID: group
        )
    }

    static func seat(_ person: Person, _ role: CouncilRole = .fixedMember) -> CouncilMember {
        CouncilMember(person: person, role: role)
    }

    /// A Linhai town council (000/001) of `size` standing members, `nonParty` of them
    /// outside the party; the chair is the town's deputy party secretary. An ad-hoc member
    /// and an observer, both non-party, ride along and must never be counted.
    static func townCouncil(size: Int, nonParty: Int) -> CouncilComposition {
        var members = [seat(person("chair", party: true, posts: [.townDeputyPartySecretary]), .chair)]
        for index in 1..<size {
            members.append(seat(person("m\(index)", party: index > nonParty)))
        }
        members.append(.adHoc(person("expert"), topic: "t1"))
        members.append(seat(person("visitor"), .observer))
        return CouncilComposition(kind: .townCouncil, members: members)
    }

    /// A Linhai village council (001) of `size`, half non-party (rounded up), chaired by the party secretary.
    static func villageCouncil(size: Int) -> CouncilComposition {
        var members = [seat(person("secretary", party: true, posts: [.villagePartySecretary]), .chair)]
        for index in 1..<size {
            members.append(seat(person("m\(index)", party: index > (size + 1) / 2)))
        }
        return CouncilComposition(kind: .villageCouncil, members: members)
    }

    /// A 1+1+10+X council (004): honorary chair, chair (the party secretary) and `fixed`
    /// fixed members — the "10" part, neither chair among them (``MemberBase/fixedMembers``) —
    /// `cadres` of the fixed members grassroots cadres, one villager representative in each
    /// of `groups` groups, plus two ad-hoc cadres from a government department and an observer.
    static func villageAffairsCouncil(fixed: Int = 30, cadres: Int = 10, groups: Int = 5) -> CouncilComposition {
        precondition(cadres >= 2 && fixed >= cadres + groups)
        let chair = seat(person("secretary", party: true, cadre: true, sector: .villagePartyBranch, posts: [.villagePartySecretary]), .chair)
        var fixedMembers = [
            seat(person("director", party: true, cadre: true, sector: .villagersCommittee, posts: [.villagersCommitteeDirector])),
            seat(person("supervisor", cadre: true, sector: .supervisoryCommittee, posts: [.supervisoryCommitteeDirector]), .supervisionGroup),
        ]
        for index in 0..<(cadres - 2) {
            fixedMembers.append(seat(person("cadre\(index)", party: true, cadre: true, sector: .villagersCommittee)))
        }
        for index in 1...groups {
            fixedMembers.append(seat(person("rep\(index)", sector: .villagerRepresentative, group: "g\(index)")))
        }
        var filler = 0
        while fixedMembers.count < fixed {
            let sector: Sector = [.veteranPartyMember, .cooperative, .legalWorker, .unitBasedInVillage][filler % 4]
            fixedMembers.append(seat(person("f\(filler)", party: sector == .veteranPartyMember, sector: sector), .fixedMember))
            filler += 1
        }
        let others = [
            seat(person("town-leader", party: true, cadre: true, posts: [.townLeaderForVillage]), .honoraryChair),
            .adHoc(person("engineer", cadre: true, sector: .governmentDepartment), topic: "road"),
            .adHoc(person("planner", cadre: true, sector: .governmentDepartment), topic: "road"),
            seat(person("neighbour", sector: .resident), .observer),
        ]
        let context = UnitContext(villagerGroups: (1...groups).map { VillagerGroup(id: "g\($0)", households: 40) })
        return CouncilComposition(kind: .villageAffairsCouncil, members: [chair] + fixedMembers + others, context: context)
    }

    /// A Chengdu villagers' council (003): `perGroup` members in each of `groups` groups,
    /// the first `cadres` of them village or group cadres.
    static func villagersCouncil(groups: Int = 8, perGroup: Int = 3, cadres: Int = 12) -> CouncilComposition {
        var members: [CouncilMember] = []
        for group in 1...groups {
            for slot in 1...perGroup {
                let index = members.count
                let p = person("g\(group)-\(slot)", cadre: index < cadres, group: "g\(group)")
                members.append(seat(p, index == 0 ? .chair : .fixedMember))
            }
        }
        let context = UnitContext(villagerGroups: (1...groups).map { VillagerGroup(id: "g\($0)", households: 50) })
        return CouncilComposition(kind: .villagersCouncil, members: members, context: context)
    }

    /// A villagers' representatives' meeting (art. 25): `committee` villagers' committee
    /// members and `representatives` representatives, `women` of them women, in a village
    /// of `households` households (one group).
    static func representativesMeeting(
        committee: Int = 4, representatives: Int = 16, women: Int = 7, households: Int = 160
    ) -> CouncilComposition {
        var members: [CouncilMember] = []
        for index in 0..<committee {
            members.append(seat(person("vc\(index)", cadre: true, sector: .villagersCommittee, posts: [.villagersCommitteeMember])))
        }
        for index in 0..<representatives {
            let gender: Gender = index < women ? .female : .male
            members.append(seat(person("rep\(index)", gender: gender, sector: .villagerRepresentative)))
        }
        let context = UnitContext(villagerGroups: [VillagerGroup(id: "g1", households: households)])
        return CouncilComposition(kind: .villagersRepresentativesMeeting, members: members, context: context)
    }

    /// A supervision committee of `size` ordinary villagers; the villagers' committee
    /// (vc1, vc2, vc3) is in the context with `kinship`.
    static func supervisionCommittee(size: Int = 5, kinship: [KinshipLink] = []) -> CouncilComposition {
        var members = [seat(person("s0"), .chair)]
        for index in 1..<size { members.append(seat(person("s\(index)"))) }
        let context = UnitContext(villagersCommittee: ["vc1", "vc2", "vc3"], kinship: kinship)
        return CouncilComposition(kind: .supervisionCommittee, members: members, context: context)
    }

    static func violations(_ roster: CouncilComposition) -> [RuleViolation] {
        CompositionChecker.check(roster: roster, rules: .defaults(for: roster.kind))
    }

    static func ruleIDs(_ roster: CouncilComposition) -> [String] {
        violations(roster).map(\.rule)
    }

    /// An instant given as ISO 8601 with offset, e.g. `2024-03-06T23:59:59+08:00`.
    static func instant(_ text: String) -> Date {
        let formatter = ISO8601DateFormatter()
        if text.contains(".") { formatter.formatOptions.insert(.withFractionalSeconds) }
        guard let date = formatter.date(from: text) else { fatalError("bad test instant \(text)") }
        return date
    }
}
