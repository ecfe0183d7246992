import TongxinTesting
import Foundation
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas

/// 组成规则 (issue 3 §4): each rule at its boundary, read as the law reads it — 不少于 and
/// 不超过 include the number (DOMAIN.md §"Reading thresholds") — and every violation
/// reported with its figures.
@Suite("Composition rules at their boundaries", .membershipService("composition"))
struct CompositionTests {
    @Test("exactly half non-party members passes; one fewer fails")
    func nonPartyShare() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, members) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        let half = try await county.check(council)
        #expect(half.satisfied, "\(half.violations.map(\.message))")
        #expect(half.countedMembers == 20)

        // One non-party member joins the party: 9 of 20.
        _ = try await county.api.updatePerson(.init(personId: members[10].id, partyMember: .init(value: true)), options: county.admin)
        let short = try await county.check(council)
        #expect(!short.satisfied)
        let violation = try #require(short.violations.first)
        #expect(short.violations.map(\.ruleId) == ["composition.non_party_share"])
        #expect(violation.count == 9)
        #expect(violation.of == 20)
        #expect(violation.minimum?.value == 10)
        #expect(violation.message?.zh == "党外人士 9 人，少于成员 20 人的百分之五十（至少 10 人）")
        #expect(violation.message?.en.contains("9 of 20") == true)
    }

    @Test("a third of the fixed members as grassroots cadres passes; one more fails")
    func cadreShare() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, fixed) = try await county.affairsCouncil(village: 1, fixed: 21, cadres: 7)
        let third = try await county.check(council)
        #expect(third.satisfied, "\(third.violations.map(\.message))")

        _ = try await county.api.updatePerson(.init(personId: fixed[7].id, grassrootsCadre: .init(value: true)), options: county.admin)
        let over = try await county.check(council)
        #expect(over.violations.map(\.ruleId) == ["composition.cadre_share"])
        let violation = try #require(over.violations.first)
        #expect(violation.count == 8)
        #expect(violation.of == 21)
        #expect(violation.maximum?.value == 7)
        #expect(violation.message?.zh == "基层干部 8 人，超过固定成员 21 人的三分之一（至多 7 人）")
    }

    @Test("a size range includes both ends: 20 members pass, 19 fail")
    func memberCount() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, members) = try await county.villageCouncil(village: 1, party: 9, nonParty: 11)
        #expect(try await county.check(council).satisfied)
        let seat = try #require(try await county.getCouncil(council).seats.first { $0.personId == members.last?.id })
        _ = try await county.api.removeMember(.init(seatId: seat.id, reason: "本人辞任"), options: county.admin)
        let result = try await county.check(council)
        #expect(result.violations.map(\.ruleId) == ["composition.member_count"])
        #expect(result.violations.first?.message?.zh == "成员 19 人，不在 20–50 人范围内")
        #expect(result.violations.first?.minimum?.value == 20)
    }

    @Test("every violated rule is reported at once, each with its figures")
    func everyViolation() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let council = try await county.council(.villageCouncil, at: village)
        let chair = try await county.person("非书记", in: village, party: true)
        try await county.nominate(chair, to: council, as: .chair)
        try await county.nominate(try await county.person("党员甲", in: village, party: true), to: council)
        let result = try await county.check(council)
        #expect(Set(result.violations.map(\.ruleId)) == [
            "composition.seat_holder.chair", "composition.member_count", "composition.non_party_share",
        ])
        let share = try #require(result.violations.first { $0.ruleId == "composition.non_party_share" })
        #expect(share.count == 0 && share.of == 2 && share.minimum?.value == 1)
        let holder = try #require(result.violations.first { $0.ruleId == "composition.seat_holder.chair" })
        #expect(holder.subject == chair.id)
        #expect(holder.message?.zh.contains("村党组织书记") == true)
        // Seated members only: nobody is seated yet.
        let seated = try await county.check(council, includeNominees: false)
        #expect(seated.countedMembers == 0)
    }

    @Test("a villagers' committee member's close relative may not sit on the supervision committee (art. 32)")
    func committeeKin() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        let committeeMember = try await county.person("村委委员", in: village, posts: ["villagersCommitteeMember"])
        let council = try await county.council(.supervisionCommittee, at: village, name: "村务监督委员会")
        var members: [MembershipV1.Person] = []
        for (index, role) in [MembershipV1.CouncilRole.chair, .fixedMember, .fixedMember].enumerated() {
            let member = try await county.person("监委\(index)", in: village)
            try await county.nominate(member, to: council, as: role)
            members.append(member)
        }
        #expect(try await county.check(council).satisfied)

        _ = try await county.api.addKinship(
            .init(personId: members[2].id, relativeId: committeeMember.id, relation: "spouse"), options: county.admin)
        let result = try await county.check(council)
        #expect(result.violations.map(\.ruleId) == ["composition.committee_kin_excluded"])
        #expect(result.violations.first?.subject == members[2].id)
        #expect(result.violations.first?.message?.zh.contains("配偶（近亲属）") == true)
    }

    @Test("a villagers' representatives' meeting needs four fifths representatives and a third women")
    func representativesMeeting() async throws {
        let county = try await MembershipHarness.current.county()
        let village = try await county.village(1)
        try await county.group(1, of: village, households: 40)
        let council = try await county.council(.villagersRepresentativesMeeting, at: village, name: "村民代表会议")
        var members: [MembershipV1.Person] = []
        for (index, gender) in [MembershipV1.Gender.female, .female, .male, .male].enumerated() {
            members.append(try await county.person("代表\(index)", in: village, gender: gender))
        }
        members.append(try await county.person("村委主任", in: village, sector: "villagersCommittee"))
        for member in members { try await county.nominate(member, to: council) }
        let result = try await county.check(council)
        #expect(result.satisfied, "\(result.violations.map(\.message))")

        _ = try await county.api.updatePerson(.init(personId: members[3].id, sector: .init(value: "resident")), options: county.admin)
        let short = try await county.check(council)
        #expect(short.violations.map(\.ruleId) == ["composition.representative_share"])
        #expect(short.violations.first?.count == 3 && short.violations.first?.minimum?.value == 4)
        #expect(short.violations.first?.message?.zh.contains("五分之四") == true)
    }

    @Test("an unknown council is NOT_FOUND")
    func unknownCouncil() async throws {
        let county = try await MembershipHarness.current.county()
        await expectStatus(.notFound, "council not found", "未找到议事会") {
            try await county.api.checkComposition(.init(councilId: UUID().uuidString), options: county.admin)
        }
        let village = try await county.village(1)
        await expectStatus(.invalidArgument, field: "unit", "镇民主协商议事会应设在镇乡街道一级") {
            try await county.council(.townCouncil, at: village)
        }
    }
}

/// 规则配置 (issue 3 §4): rules are data, overridable for a unit's subtree.
@Suite("Composition rules overridden per unit", .membershipService("rules"))
struct RuleOverrideTests {
    static let twoThirds = """
        {"kind":"share","id":"composition.non_party_share","filter":{"partyMember":false},\
        "threshold":{"comparison":"atLeast","numerator":2,"denominator":3},"base":"standingMembers","source":"县委统战部"}
        """

    @Test("a unit's override replaces a default rule for its subtree until it is reset")
    func overrideAndReset() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        let town = try await county.api.getUnit(.init(unit: .init(divisionCode: county.townCode(1))), options: county.admin)
        #expect(try await county.check(council).satisfied)

        let set = try await county.api.setCompositionRule(
            .init(unit: town.ref, kind: .villageCouncil, ruleId: "composition.non_party_share", definitionJson: Self.twoThirds),
            options: county.admin)
        #expect(set.origin == "unit:\(town.id)")
        let village = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        let rules = try await county.api.getCompositionRules(.init(unit: village.ref, kind: .villageCouncil), options: county.admin)
        #expect(rules.rules.first { $0.id == "composition.non_party_share" }?.origin == "unit:\(town.id)")
        #expect(rules.rules.first { $0.id == "composition.member_count" }?.origin == "default")

        let stricter = try await county.check(council)
        #expect(stricter.violations.map(\.ruleId) == ["composition.non_party_share"])
        #expect(stricter.violations.first?.minimum?.value == 14)
        #expect(stricter.violations.first?.message?.zh.contains("三分之二") == true)

        _ = try await county.api.resetCompositionRule(
            .init(unit: town.ref, kind: .villageCouncil, ruleId: "composition.non_party_share"), options: county.admin)
        #expect(try await county.check(council).satisfied)
    }

    @Test("a rule switched off for a unit no longer binds its councils; a bad definition is INVALID_ARGUMENT")
    func disableAndValidate() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 20, nonParty: 0)
        let village = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        #expect(try await county.check(council).violations.map(\.ruleId) == ["composition.non_party_share"])
        let off = try await county.api.setCompositionRule(
            .init(unit: village.ref, kind: .villageCouncil, ruleId: "composition.non_party_share", disabled: true), options: county.admin)
        #expect(off.disabled)
        #expect(try await county.check(council).satisfied)
        await expectStatus(.invalidArgument, field: "definition_json") {
            try await county.api.setCompositionRule(
                .init(unit: village.ref, kind: .villageCouncil, ruleId: "composition.member_count", definitionJson: "{\"kind\":\"nope\"}"),
                options: county.admin)
        }
    }
}
