import TongxinTesting
import Foundation
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas

/// Issue 8: the cases the law and the seeds still hold against membership, each through RPC
/// on real PostgreSQL. The suite moves one clock, so its tests run one at a time.
@Suite("The law's cases against membership", .membershipService("lawcases"), .serialized)
struct LawCasesTests {
    func county() async throws -> County {
        let harness = try MembershipHarness.current
        harness.clock.set(MembershipHarness.startOfTime)
        return try await harness.county()
    }

    // MARK: §1 soft rules advise, hard rules block

    @Test("an advisory violation (004: 原则上 20–30) is reported, does not block, and is recorded with who accepted it and why")
    func advisoryRecorded() async throws {
        let county = try await county()
        let (council, _) = try await county.affairsCouncil(village: 1, fixed: 31, cadres: 7)
        let check = try await county.check(council)
        #expect(!check.satisfied && check.bindingSatisfied)
        let advice = try #require(check.violations.first)
        #expect(check.violations.map(\.ruleId) == ["composition.member_count"])
        #expect(advice.severity == .advisory && advice.count == 31 && advice.maximum?.value == 30)

        let notice = try await county.publish(council)
        county.harness.passNoticeWindow()
        let refused = await expectStatus(.failedPrecondition, rule: "confirmation.advisory_not_accepted") {
            try await county.confirm(notice)
        }
        #expect(refused?.detail?.figure("composition.member_count.count") == "31")
        let confirmed = try await county.confirm(notice, acceptance: "外出务工人员较多，经研究保留31人")
        #expect(confirmed.status == .constituted)
        let record = try #require(try await county.api.getNotice(.init(noticeId: notice.id), options: county.admin).confirmation)
        #expect(record.acceptedAdvisories.map(\.ruleId) == ["composition.member_count"])
        #expect(record.acceptedAdvisories.first?.count == 31)
        #expect(record.advisoryAcceptance == "外出务工人员较多，经研究保留31人")
        #expect(record.confirmedBy == "clerk")
    }

    @Test("a binding violation blocks confirmation even with a reason given")
    func bindingBlocks() async throws {
        let county = try await county()
        let (council, members) = try await county.affairsCouncil(village: 1, fixed: 21, cadres: 7)
        let director = try #require(try await county.getCouncil(council).seats.first { $0.personId == members[0].id })
        _ = try await county.api.removeMember(.init(seatId: director.id, reason: "调整"), options: county.admin)
        let notice = try await county.publish(council)
        county.harness.passNoticeWindow()
        await expectStatus(.failedPrecondition, rule: "composition.required_post.villagers_committee_director") {
            try await county.confirm(notice, acceptance: "理由")
        }
    }

    // MARK: §2 a household is kin

    @Test("a candidate of the same household as a villagers' committee member is a close relative (art. 32)")
    func householdIsKin() async throws {
        let county = try await county()
        let village = try await county.village(1)
        _ = try await county.person("村委委员", in: village, cadre: true, sector: "villagersCommittee", posts: ["villagersCommitteeMember"], household: "17")
        let council = try await county.council(.supervisionCommittee, at: village, name: "村务监督委员会")
        let spouse = try await county.person("同户人", in: village, household: "17")
        try await county.nominate(spouse, to: council, as: .chair)
        for index in 0..<2 { try await county.nominate(try await county.person("监委\(index)", in: village, household: "h\(index)"), to: council) }
        let check = try await county.check(council)
        #expect(check.violations.map(\.ruleId) == ["composition.committee_kin_excluded"])
        #expect(check.violations.first?.subject == spouse.id)
        #expect(check.violations.first?.message?.zh.contains("同户") == true)
    }

    @Test("one household recorded at the village and at one of its villager groups is one household; two groups' equal numbers are not")
    func householdAcrossGroups() async throws {
        let county = try await county()
        let village = try await county.village(1)
        let first = try await county.group(1, of: village, households: 30)
        let second = try await county.group(2, of: village, households: 30)
        // The director is registered at the village, household 17; a relative at group 1, household 17.
        _ = try await county.person("村主任", in: village, cadre: true, sector: "villagersCommittee", posts: ["villagersCommitteeDirector"], household: "17")
        // A committee member registered at group 1, household 22; someone at group 2 with the same number.
        _ = try await county.person("组里委员", in: first, cadre: true, sector: "villagersCommittee", posts: ["villagersCommitteeMember"], household: "22")
        let council = try await county.council(.supervisionCommittee, at: village, name: "村务监督委员会")
        let relative = try await county.person("组里同户人", in: first, household: "17")
        let neighbour = try await county.person("二组22户", in: second, household: "22")
        try await county.nominate(relative, to: council, as: .chair)
        try await county.nominate(neighbour, to: council)
        try await county.nominate(try await county.person("监委", in: second, household: "h9"), to: council)
        let check = try await county.check(council)
        let kin = check.violations.filter { $0.ruleId == "composition.committee_kin_excluded" }
        #expect(kin.map(\.subject) == [relative.id], "\(check.violations.map { $0.message?.zh ?? "" })")
        #expect(kin.first?.message?.zh.contains("同户") == true)
        #expect(check.violations.count == kin.count)
    }

    // MARK: §4 nominees belong to the council's unit

    @Test("a nominee from outside the council's village is refused, naming the person and the unit; observers and outside experts are not")
    func residence() async throws {
        let county = try await county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        let elsewhere = try await county.village(2)
        let outsider = try await county.person("外村人", in: elsewhere)
        let error = await expectStatus(.failedPrecondition, rule: "composition.residence") {
            try await county.nominate(outsider, to: council)
        }
        #expect(error?.detail?.figure("composition.residence.subject") == outsider.id)
        #expect(error?.detail?.figure("composition.residence.unit") == county.villageCode(1, 1))
        #expect(error?.detail?.messageZH.contains(county.villageCode(1, 1)) == true)
        // The person by name as well as id, and the unit by name as well as code.
        let home = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        #expect(error?.detail?.messageZH.hasPrefix("外村人（\(outsider.id)）") == true, "\(error?.detail?.messageZH ?? "")")
        #expect(error?.detail?.messageEN.hasPrefix("外村人 (\(outsider.id))") == true)
        #expect(error?.detail?.messageZH.contains("\(home.name)（\(county.villageCode(1, 1))）") == true)
        #expect(error?.detail?.figure("composition.residence.name") == "外村人")
        try await county.nominate(outsider, to: council, as: .observer)
        let expert = try await county.person("专家", in: elsewhere, sector: "expert")
        try await county.nominate(expert, to: council, as: .adHocMember, topic: "road")
        await expectStatus(.failedPrecondition, rule: "composition.residence") {
            try await county.nominate(outsider, to: council, as: .adHocMember, topic: "road")
        }
        #expect(try await county.check(council).satisfied)
    }

    @Test("a villager-group quota counts each member in the group they belong to, and nobody for a group they do not")
    func groupQuota() async throws {
        let county = try await county()
        let (council, _) = try await county.affairsCouncil(village: 1, fixed: 21, cadres: 7)
        let village = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        let second = try await county.group(2, of: village, households: 30)
        let missing = try await county.check(council)
        #expect(missing.violations.map(\.ruleId) == ["composition.representatives_per_group"])
        #expect(missing.violations.first?.subject == second.id && missing.violations.first?.count == 0)
        // A representative registered at the village, not in the second group, fills nothing.
        try await county.nominate(try await county.person("村级代表", in: village), to: council, source: .villagerGroup)
        #expect(try await county.check(council).violations.first?.subject == second.id)
        try await county.nominate(try await county.person("二组代表", in: second), to: council, source: .villagerGroup)
        #expect(try await county.check(council).satisfied)
    }

    // MARK: §5 flags derived, not trusted

    @Test("a villagers' committee post makes a grassroots cadre although the flag says otherwise")
    func derivedCadre() async throws {
        let county = try await county()
        let (council, fixed) = try await county.affairsCouncil(village: 1, fixed: 21, cadres: 7)
        #expect(try await county.check(council).satisfied)
        let updated = try await county.api.updatePerson(
            .init(personId: fixed[10].id, replacePosts: true, posts: ["villagersCommitteeMember"]), options: county.admin)
        #expect(!updated.grassrootsCadre)
        let over = try await county.check(council)
        #expect(over.violations.map(\.ruleId) == ["composition.cadre_share"])
        #expect(over.violations.first?.count == 8 && over.violations.first?.of == 21)
    }

    @Test("an unrecorded gender cannot be counted as a man where women are counted; 0 households is unknown")
    func unknownsReported() async throws {
        let county = try await county()
        let village = try await county.village(1)
        let group = try await county.group(1, of: village, households: 0)
        let council = try await county.council(.villagersRepresentativesMeeting, at: village, name: "村民代表会议")
        let unknown = try await county.person("代表甲", in: group, gender: .unspecified)
        try await county.nominate(unknown, to: council)
        for index in 0..<4 { try await county.nominate(try await county.person("女代表\(index)", in: group, gender: .female), to: council) }
        let check = try await county.check(council)
        let gender = try #require(check.violations.first { $0.field == "gender" })
        #expect(gender.ruleId == "composition.women_representative_share" && gender.subject == unknown.id)
        let households = try #require(check.violations.first { $0.field == "household_count" })
        #expect(households.ruleId == "composition.households_per_representative" && households.subject == group.id)
        #expect(!check.violations.contains { $0.ruleId == "composition.women_representative_share" && $0.field != "gender" })
    }

    // MARK: §6 notice floor

    @Test("a notice may be longer than the deployment's five days, never shorter")
    func noticeFloor() async throws {
        let county = try await county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        let error = await expectStatus(.failedPrecondition, rule: "notice.days_minimum") {
            try await county.api.publishNotice(.init(councilId: council.id, days: 3), options: county.admin)
        }
        #expect(error?.detail?.figure("notice.days_minimum.count") == "3")
        #expect(error?.detail?.figure("notice.days_minimum.minimum") == "5")
        let notice = try await county.api.publishNotice(.init(councilId: council.id, days: 10), options: county.admin)
        #expect(notice.lastDay == CommonV1.Date(year: 2025, month: 3, day: 11))
    }

    // MARK: §9 who proposed whom

    @Test("a standing nomination records its source; a confirmation its deciding meeting and date")
    func sourceAndDecision() async throws {
        let county = try await county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        let village = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        let extra = try await county.person("自荐人", in: village)
        await expectStatus(.invalidArgument, field: "source") {
            try await county.api.nominateMember(.init(councilId: council.id, personId: extra.id, role: .fixedMember), options: county.admin)
        }
        let seat = try await county.nominate(extra, to: council, source: .selfNomination)
        #expect(seat.source == .selfNomination)
        let notice = try await county.publish(council)
        county.harness.passNoticeWindow()
        await expectStatus(.invalidArgument, field: "decision_meeting") {
            try await county.api.confirmNotice(.init(noticeId: notice.id), options: county.admin)
        }
        try await county.confirm(notice)
        let record = try #require(try await county.api.getNotice(.init(noticeId: notice.id), options: county.admin).confirmation)
        #expect(record.decisionMeeting == "村党组织委员会会议")
        #expect(record.decidedOn == CommonV1.Date(year: 2025, month: 3, day: 8))
        let history = try await county.api.getMembershipHistory(.init(councilId: council.id, personId: extra.id), options: county.admin)
        #expect(history.seats.first?.source == .selfNomination)
        let audit = try await county.harness.superuser.query(
            "SELECT detail->>'source' AS source FROM audit.entries WHERE method = 'NominateMember' AND target = $1 AND detail->>'person' = $2",
            [.text("council/\(council.id)"), .text(extra.id)])
        #expect(try audit.first?["source"].decode(String.self) == "selfNomination")
    }

    // MARK: §10 dissolve; summaries

    @Test("dissolving ends every seat, keeps the reason, is audited and is final")
    func dissolve() async throws {
        let county = try await county()
        let (council, members) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        try await county.constitute(council)
        await expectStatus(.invalidArgument, field: "reason") {
            try await county.api.dissolveCouncil(.init(councilId: council.id), options: county.admin)
        }
        let dissolved = try await county.api.dissolveCouncil(.init(councilId: council.id, reason: "撤村并居"), options: county.admin)
        #expect(dissolved.status == .dissolved && dissolved.dissolutionReason == "撤村并居" && dissolved.dissolvedAt != nil)
        #expect(try await county.getCouncil(council).seats.isEmpty)
        let history = try await county.api.getMembershipHistory(.init(councilId: council.id), options: county.admin)
        #expect(history.seats.count == 20 && history.seats.allSatisfy { $0.status == .ended && $0.endReason == "council dissolved" })
        await expectStatus(.failedPrecondition, rule: "council.dissolved") {
            try await county.nominate(members[0], to: council)
        }
        #expect(try await county.api.dissolveCouncil(.init(councilId: council.id, reason: "再次"), options: county.admin).dissolutionReason == "撤村并居")
        let audited = try await county.harness.superuser.count(
            "SELECT count(*) FROM audit.entries WHERE method = 'DissolveCouncil' AND target = $1", [.text("council/\(council.id)")])
        #expect(audited == 1)
    }

    @Test("every default rule of every kind carries a summary in Chinese and English, and its severity")
    func summaries() async throws {
        let county = try await county()
        let village = try await county.village(1)
        let town = try await county.api.getUnit(.init(unit: .init(id: village.parentId)), options: county.admin)
        for kind in [MembershipV1.CouncilKind.townCouncil, .villageCouncil, .villageAffairsCouncil, .residentsCouncil, .compoundCouncil,
                     .cppccLiaisonGroup, .villagersCouncil, .supervisionCommittee, .villagersRepresentativesMeeting] {
            let unit = kind == .townCouncil || kind == .cppccLiaisonGroup ? town : village
            let rules = try await county.api.getCompositionRules(.init(unit: unit.ref, kind: kind), options: county.admin)
            #expect(!rules.rules.isEmpty)
            for rule in rules.rules {
                #expect(rule.summary?.zh.isEmpty == false && rule.summary?.en.isEmpty == false, "\(kind) \(rule.id)")
                #expect(rule.severity == .binding || rule.severity == .advisory)
            }
        }
        let affairs = try await county.api.getCompositionRules(.init(unit: village.ref, kind: .villageAffairsCouncil), options: county.admin)
        #expect(affairs.rules.first { $0.id == "composition.cadre_share" }?.severity == .advisory)
        #expect(affairs.rules.first { $0.id == "composition.cadre_share" }?.summary?.zh == "基层干部不超过三分之一固定成员总数（原则上/一般，指导性）")
    }
}
