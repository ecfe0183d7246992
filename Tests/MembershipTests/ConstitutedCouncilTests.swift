import TongxinTesting
import Foundation
import Testing
import MembershipAPI
import TongxinRPC
import TongxinSchemas

/// 组建与守护 (issue 3 §4): a council is constituted only when every rule holds, and once
/// constituted no change may break it — refused with FAILED_PRECONDITION naming the rule.
@Suite("Constituting a council and keeping it within the rules", .membershipService("constituted"))
struct ConstitutedCouncilTests {
    @Test("a council cannot be constituted while a rule is violated")
    func refusedWhileViolated() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 11, nonParty: 9)
        let notice = try await county.publish(council)
        county.harness.passNoticeWindow()
        let error = await expectStatus(.failedPrecondition, rule: "composition.non_party_share", "党外人士 9 人", "成员 20 人", "至少 10 人", "9 of 20") {
            try await county.confirm(notice)
        }
        // The figures travel in the detail, named after the rule.
        let detail = try #require(error?.detail)
        #expect(detail.figure("composition.non_party_share.count") == "9")
        #expect(detail.figure("composition.non_party_share.base") == "20")
        #expect(detail.figure("composition.non_party_share.minimum") == "10")
        #expect(detail.messageZH.contains("党外人士 9 人"))
        let after = try await county.getCouncil(council)
        #expect(after.status == .inNotice)
        #expect(after.seats.allSatisfy { $0.status == .inNotice })
    }

    @Test("a council whose rules hold is constituted on confirmation, its members seated")
    func constitutes() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        let constituted = try await county.constitute(council)
        #expect(constituted.status == .constituted)
        #expect(constituted.constitutedAt != nil)
        #expect(constituted.seats.count == 20)
        #expect(constituted.seats.allSatisfy { $0.status == .seated && $0.seatedAt != nil })
        #expect(try await county.check(council, includeNominees: false).satisfied)
    }

    @Test("changing a member so that a constituted council breaks a rule is refused, naming the rule")
    func personChangeRefused() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, members) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        try await county.constitute(council)
        let nonParty = members[15]
        await expectStatus(.failedPrecondition, rule: "composition.non_party_share", "党外人士 9 人，少于成员 20 人的百分之五十") {
            try await county.api.updatePerson(.init(personId: nonParty.id, partyMember: .init(value: true)), options: county.admin)
        }
        let unchanged = try await county.api.getPerson(.init(personId: nonParty.id), options: county.admin)
        #expect(!unchanged.partyMember)
        // A change no rule counts goes through.
        let renamed = try await county.api.updatePerson(.init(personId: nonParty.id, name: .init(value: "改名")), options: county.admin)
        #expect(renamed.name == "改名")
        // So does a change that keeps the balance: one party member leaves the party.
        _ = try await county.api.updatePerson(.init(personId: members[1].id, partyMember: .init(value: false)), options: county.admin)
        #expect(try await county.check(council, includeNominees: false).satisfied)
    }

    @Test("removing a member so that a constituted council breaks a rule is refused, naming every rule")
    func removalRefused() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, members) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        let constituted = try await county.constitute(council)
        let seat = try #require(constituted.seats.first { $0.personId == members[19].id })
        let error = await expectStatus(.failedPrecondition, rule: "composition.member_count,composition.non_party_share", "成员 19 人") {
            try await county.api.removeMember(.init(seatId: seat.id, reason: "迁出"), options: county.admin)
        }
        #expect(error?.detail?.rules == ["composition.member_count", "composition.non_party_share"])
        #expect(error?.detail?.figure("composition.member_count.count") == "19")
        #expect(error?.detail?.figure("composition.non_party_share.base") == "19")
        #expect(try await county.getCouncil(council).seats.count == 20)
    }

    @Test("ad-hoc members and observers take their seat at once and count toward no rule")
    func adHocAndObservers() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, _) = try await county.villageCouncil(village: 1, party: 10, nonParty: 10)
        try await county.constitute(council)
        let village = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        let expert = try await county.person("特邀专家", in: village, party: true, sector: "expert")
        let seat = try await county.nominate(expert, to: council, as: .adHocMember, topic: "topic-road")
        #expect(seat.status == .seated)
        #expect(seat.topicId == "topic-road")
        let observer = try await county.nominate(try await county.person("旁听者", in: village, party: true), to: council, as: .observer)
        #expect(observer.status == .seated)
        let result = try await county.check(council, includeNominees: false)
        #expect(result.satisfied)
        #expect(result.countedMembers == 20)
        await expectStatus(.invalidArgument, field: "topic_id") {
            try await county.nominate(expert, to: council, as: .adHocMember)
        }
        await expectStatus(.alreadyExists, field: "person_id") {
            try await county.nominate(expert, to: council, as: .adHocMember, topic: "topic-road")
        }
    }

    /// A constituted 村务监督委员会 of three in a new village, and a villagers' committee
    /// member who does not sit on it.
    func supervisionCommittee(_ county: County) async throws -> (MembershipV1.Council, [MembershipV1.Person], MembershipV1.Person) {
        let village = try await county.village(1)
        let committeeMember = try await county.person("村委委员", in: village, posts: ["villagersCommitteeMember"])
        let council = try await county.council(.supervisionCommittee, at: village, name: "村务监督委员会")
        var members: [MembershipV1.Person] = []
        for (index, role) in [MembershipV1.CouncilRole.chair, .fixedMember, .fixedMember].enumerated() {
            let member = try await county.person("监委\(index)", in: village)
            try await county.nominate(member, to: council, as: role)
            members.append(member)
        }
        #expect(try await county.constitute(council).status == .constituted)
        return (council, members, committeeMember)
    }

    @Test("recording that a supervisor is a villagers' committee member's close relative is refused (art. 32)")
    func kinshipBreaksSupervision() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, members, committeeMember) = try await supervisionCommittee(county)
        await expectStatus(.failedPrecondition, rule: "composition.committee_kin_excluded", "近亲属") {
            try await county.api.addKinship(
                .init(personId: members[1].id, relativeId: committeeMember.id, relation: "spouse"), options: county.admin)
        }
        #expect(try await county.check(council, includeNominees: false).satisfied)
    }

    @Test("making a supervisor's close relative a villagers' committee member is refused (art. 32)")
    func postBreaksSupervision() async throws {
        let county = try await MembershipHarness.current.county()
        let (council, members, _) = try await supervisionCommittee(county)
        let village = try await county.api.getUnit(.init(unit: .init(divisionCode: county.villageCode(1, 1))), options: county.admin)
        let brother = try await county.person("监委之兄", in: village)
        _ = try await county.api.addKinship(.init(personId: members[2].id, relativeId: brother.id, relation: "sibling"), options: county.admin)
        await expectStatus(.failedPrecondition, rule: "composition.committee_kin_excluded", "兄弟姐妹") {
            try await county.api.updatePerson(
                .init(personId: brother.id, replacePosts: true, posts: ["villagersCommitteeMember"]), options: county.admin)
        }
        #expect(try await county.check(council, includeNominees: false).satisfied)
    }
}
