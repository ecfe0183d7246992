import Foundation
import Testing
@testable import MembershipRules

@Suite("CompositionRuleSet — rules as data, defaults from the seeds, per-unit overrides")
struct CompositionRuleSetTests {
    @Test("every kind has defaults with unique rule ids and a source for each rule", arguments: CouncilKind.allCases)
    func defaults(_ kind: CouncilKind) {
        let set = CompositionRuleSet.defaults(for: kind)
        #expect(set.kind == kind)
        #expect(Set(set.rules.map(\.id)).count == set.rules.count)
        #expect(set.rules.allSatisfy { !$0.source.isEmpty })
    }

    @Test("the seeds' numbers are the defaults")
    func seedValues() {
        guard case .memberCount(let town)? = CompositionRuleSet.defaults(for: .townCouncil).rule(RuleID.memberCount),
              case .memberCount(let village)? = CompositionRuleSet.defaults(for: .villageCouncil).rule(RuleID.memberCount),
              case .memberCount(let fixed)? = CompositionRuleSet.defaults(for: .villageAffairsCouncil).rule(RuleID.memberCount),
              case .share(let cadres)? = CompositionRuleSet.defaults(for: .villageAffairsCouncil).rule(RuleID.cadreShare),
              case .share(let nonParty)? = CompositionRuleSet.defaults(for: .townCouncil).rule(RuleID.nonPartyShare)
        else {
            Issue.record("missing default rule")
            return
        }
        #expect(town.range == CountRange(30, 60) && town.base == .standingMembers)
        #expect(village.range == CountRange(20, 50))
        #expect(fixed.range == CountRange(20, 30) && fixed.base == .fixedMembers)
        #expect(cadres.threshold == .atMost(1, 3) && cadres.base == .fixedMembers)
        #expect(nonParty.threshold == .atLeast(50, 100))
    }

    @Test("a rule set round-trips through JSON with a kind discriminator", arguments: CouncilKind.allCases)
    func roundTrip(_ kind: CouncilKind) throws {
        let set = CompositionRuleSet.defaults(for: kind)
        let data = try JSONEncoder().encode(set)
        #expect(try JSONDecoder().decode(CompositionRuleSet.self, from: data) == set)
    }

    @Test("a rule encodes flat, with its kind, so a unit can write one by hand")
    func flatJSON() throws {
        let json = #"""
        {"kind":"share","id":"composition.cadre_share","filter":{"grassrootsCadre":true},
         "threshold":{"comparison":"atMost","numerator":1,"denominator":4},
         "base":"fixedMembers","source":"county 2024 notice"}
        """#
        let rule = try JSONDecoder().decode(CompositionRule.self, from: Data(json.utf8))
        guard case .share(let share) = rule else {
            Issue.record("expected a share rule")
            return
        }
        #expect(share.threshold == .atMost(1, 4))
        #expect(share.filter == .grassrootsCadres)
        let unknown = Data(#"{"kind":"quota","id":"x"}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(CompositionRule.self, from: unknown) }
    }

    @Test("an override replaces a rule by id in place, adds new ones and removes others")
    func merging() throws {
        let json = #"""
        {"rules":[
           {"kind":"memberCount","id":"composition.member_count","range":{"min":20,"max":40},
            "base":"standingMembers","source":"county override"},
           {"kind":"share","id":"county.women_share","filter":{"gender":"female"},
            "threshold":{"comparison":"atLeast","numerator":1,"denominator":5},
            "base":"standingMembers","source":"county override"}],
         "removing":["composition.seat_holder.chair"]}
        """#
        let override = try JSONDecoder().decode(CompositionRuleOverride.self, from: Data(json.utf8))
        let defaults = CompositionRuleSet.defaults(for: .villageCouncil)
        let merged = defaults.merging(override)
        #expect(merged.rules.map(\.id) == [
            RuleID.chairCount, RuleID.memberCount, RuleID.nonPartyShare, RuleID.residence, "county.women_share",
        ])
        guard case .memberCount(let size)? = merged.rule(RuleID.memberCount) else {
            Issue.record("size rule lost")
            return
        }
        #expect(size.range == CountRange(20, 40))

        // 44 members, half non-party, all men: fine by default, two violations once merged.
        let roster = Fixture.villageCouncil(size: 44)
        #expect(CompositionChecker.check(roster: roster, rules: defaults).isEmpty)
        let ids = CompositionChecker.check(roster: roster, rules: merged).map(\.rule)
        #expect(ids == [RuleID.memberCount, "county.women_share"])
    }

    @Test("an empty override changes nothing")
    func emptyOverride() throws {
        let override = try JSONDecoder().decode(CompositionRuleOverride.self, from: Data("{}".utf8))
        let set = CompositionRuleSet.defaults(for: .villageAffairsCouncil)
        #expect(set.merging(override) == set)
    }
}

@Suite("Structural checks that always run")
struct StructuralCheckTests {
    @Test("rules for another kind of council are reported")
    func kindMismatch() {
        let roster = Fixture.townCouncil(size: 30, nonParty: 15)
        let violations = CompositionChecker.check(roster: roster, rules: .defaults(for: .residentsCouncil))
        #expect(violations.map(\.rule) == [RuleID.kindMismatch])
    }

    @Test("one person in two standing seats is reported once")
    func duplicate() {
        var roster = Fixture.townCouncil(size: 30, nonParty: 15)
        roster.members.append(roster.members[3])
        roster.members.append(roster.members[3])
        let duplicates = Fixture.violations(roster).filter { $0.rule == RuleID.duplicateMember }
        #expect(duplicates.map(\.subject) == ["m3"])
    }

    @Test("an ad-hoc member must name a topic, and only ad-hoc members may")
    func adHocTopic() {
        var roster = Fixture.townCouncil(size: 30, nonParty: 15)
        let expert = roster.members.firstIndex { $0.role == .adHocMember }!
        roster.members[expert].topicID = nil
        roster.members[1].topicID = "t1"
        let violations = Fixture.violations(roster).filter { $0.rule == RuleID.adHocTopic }
        #expect(Set(violations.compactMap(\.subject)) == ["expert", "m1"])
    }

    @Test("member filters match on every attribute they set")
    func filters() {
        let woman = Fixture.person("w", gender: .female, sector: .villagerRepresentative)
        #expect(MemberFilter.womenRepresentatives.matches(woman))
        #expect(!MemberFilter.womenRepresentatives.matches(Fixture.person("m", sector: .villagerRepresentative)))
        #expect(MemberFilter.everyone.matches(woman))
        #expect(MemberFilter(partyMember: true, grassrootsCadre: false).labelZH == "中共党员非基层干部成员")
    }

    @Test("roles: ad-hoc members and observers are never standing; both chairs are standing but not fixed (1+1+10+X)")
    func roles() {
        #expect(CouncilRole.allCases.filter(\.isStanding) == [.chair, .honoraryChair, .office, .supervisionGroup, .fixedMember])
        #expect(CouncilRole.allCases.filter(\.isFixed) == [.office, .supervisionGroup, .fixedMember])
    }
}
