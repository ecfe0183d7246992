import TongxinTesting
import AgendaAPI
import Foundation
import Testing
import TongxinRPC
import TongxinSchemas

/// 议题 (issue 9 §3, §4, §8): topics from the ledger or from above, the two-committee vote
/// with 半数以上 read inclusively, numbering per unit and year, the lifecycle edge by edge.
@Suite(.agendaService("topics", region: 34))
struct TopicTests {
    @Test("a topic from ledger items: the items become BECAME_TOPIC; scale decides the default form")
    func fromLedger() async throws {
        let county = try AgendaHarness.current.county()
        let village = county.village(1)
        let a = try await county.item(at: village)
        let b = try await county.item(at: village)
        let topic = try await county.topic(at: village, scale: .big, source: .ledger, items: [a.id, b.id])
        #expect(topic.state == .draft && topic.form == .deliberation && Set(topic.itemIds) == [a.id, b.id] && topic.number == "")
        let item = try await county.api.getItem(.init(itemId: a.id), options: county.admin)
        #expect(item.status == .becameTopic && item.topicId == topic.id)
        await expectStatus(.failedPrecondition, rule: "item.transition") {
            try await county.topic(at: village, source: .ledger, items: [a.id])
        }
        await expectStatus(.invalidArgument, field: "item_ids") { try await county.topic(at: village, source: .ledger) }
        let small = try await county.topic(at: village, scale: .small)
        #expect(small.form == .democraticTalk)
    }

    @Test("CountTopics: a subtree's topics by state, every state listed in order, inside the caller's scope only")
    func countByState() async throws {
        let county = try AgendaHarness.current.county()
        let reader = county.caller(at: county.path, [Permissions.read])
        func counts(_ unit: String, _ options: CallOptions) async throws -> AgendaV1.CountTopicsResponse {
            try await county.api.countTopics(.init(unitPath: unit), options: options)
        }
        let empty = try await counts(county.path, reader)
        #expect(empty.byState.map(\.state.rawValue) == Array(1...12) && empty.byState.allSatisfy { $0.count == 0 } && empty.total == 0)
        _ = try await county.topic(at: county.village(1))
        _ = try await county.vote(try await county.topic(at: county.village(1)), inFavour: 5, of: 8)
        _ = try await county.vote(try await county.topic(at: county.village(2)), inFavour: 2, of: 8)
        _ = try await county.topic(at: county.village(1, town: 2))
        func nonZero(_ response: AgendaV1.CountTopicsResponse) -> [AgendaV1.TopicState: Int64] {
            Dictionary(uniqueKeysWithValues: response.byState.filter { $0.count > 0 }.map { ($0.state, $0.count) })
        }
        let all = try await counts(county.path, reader)
        #expect(nonZero(all) == [.draft: 2, .approved: 1, .rejected: 1] && all.total == 4 && all.unitPath == county.path)
        let town = try await counts(county.town(1), reader)
        #expect(nonZero(town) == [.draft: 1, .approved: 1, .rejected: 1] && town.total == 3)
        #expect(nonZero(try await counts(county.village(1), reader)) == [.draft: 1, .approved: 1])
        // "" counts the caller's scope: a clerk of town 2 sees its one draft.
        let clerk = county.caller(at: county.town(2), [Permissions.read])
        #expect(try await county.api.countTopics(.init(), options: clerk).total == 1)
        // Town 1 from town 2's clerk: NOT_FOUND; without agenda.read: PERMISSION_DENIED.
        await expectStatus(.notFound) { try await counts(county.town(1), clerk) }
        await expectStatus(.permissionDenied) { try await counts(county.path, county.caller(at: county.path, [Permissions.write])) }
    }

    @Test("half or more of those present adopts: 4 of 8 adopts with a number, 3 of 8 rejects")
    func halfOrMore() async throws {
        let county = try AgendaHarness.current.county()
        let village = county.village(1)
        let adopted = try await county.vote(try await county.topic(at: village), inFavour: 4, of: 8)
        #expect(adopted.outcome?.adopted == true && adopted.topic?.state == .approved)
        #expect(adopted.outcome?.inclusive == true && adopted.outcome?.threshold == .init(numerator: 1, denominator: 2))
        #expect(adopted.outcome?.explanation?.zh == "4/8，不少于二分之一（至少 4）：通过")
        #expect(adopted.topic?.number == "2025-001")
        #expect(adopted.topic?.meetingDueOn == .init(year: 2025, month: 3, day: 18), "small: within 15 days")
        let rejected = try await county.vote(try await county.topic(at: village), inFavour: 3, of: 8)
        #expect(rejected.outcome?.adopted == false && rejected.topic?.state == .rejected && rejected.topic?.number == "")
        let second = try await county.vote(try await county.topic(at: village), inFavour: 8, of: 8)
        #expect(second.topic?.number == "2025-002", "numbers count per unit and year")
        let otherVillage = try await county.vote(try await county.topic(at: county.village(2)), inFavour: 5, of: 8)
        #expect(otherVillage.topic?.number == "2025-001")
        let nextYear = try await county.vote(try await county.topic(at: village), inFavour: 5, of: 8, on: .init(year: 2026, month: 1, day: 5))
        #expect(nextYear.topic?.number == "2026-001")
        let votes = try await AgendaHarness.current.superuser.count(
            "SELECT count(*) FROM agenda.approvals WHERE topic_id = $1::uuid AND cardinality(present) = 8 AND in_favour = 4 AND adopted",
            [.text(adopted.topic?.id ?? "")])
        #expect(votes == 1, "presence and votes are recorded")
    }

    @Test("a town that reads its rule as 过半数: 4 of 8 fails in its villages, 5 of 8 adopts; the threshold is inherited")
    func strictMajority() async throws {
        let county = try AgendaHarness.current.county()
        let rule = try await county.api.setApprovalRule(
            .init(unitPath: county.town(1), threshold: .init(numerator: 1, denominator: 2), inclusive: false), options: county.admin)
        #expect(rule.setAt == county.town(1) && !rule.inclusive)
        let inherited = try await county.api.getApprovalRule(
            .init(unitPath: county.village(1)), options: county.caller(at: county.village(1), Permissions.clerk))
        #expect(inherited.setAt == county.town(1) && !inherited.inclusive)
        let four = try await county.vote(try await county.topic(at: county.village(1)), inFavour: 4, of: 8)
        #expect(four.outcome?.adopted == false && four.topic?.state == .rejected)
        #expect(four.outcome?.explanation?.zh == "4/8，超过二分之一（至少 5）：未通过")
        let five = try await county.vote(try await county.topic(at: county.village(1)), inFavour: 5, of: 8)
        #expect(five.outcome?.adopted == true)
        let elsewhere = try await county.vote(try await county.topic(at: county.village(1, town: 2)), inFavour: 4, of: 8)
        #expect(elsewhere.outcome?.adopted == true, "another town keeps 半数以上")
        let defaultRule = try await county.api.getApprovalRule(.init(unitPath: county.town(2)), options: county.admin)
        #expect(defaultRule.setAt == "default" && defaultRule.inclusive)
    }

    @Test("a town whose rule is 过半数 of all members: of 7 members with 5 present, 3 for fails and 4 for adopts; the base is inherited")
    func allMembersBase() async throws {
        let county = try AgendaHarness.current.county()
        let rule = try await county.api.setApprovalRule(
            .init(unitPath: county.town(1), threshold: .init(numerator: 1, denominator: 2), inclusive: false, countedAgainst: .allMembers),
            options: county.admin)
        #expect(rule.countedAgainst == .allMembers && rule.setAt == county.town(1))
        let inherited = try await county.api.getApprovalRule(
            .init(unitPath: county.village(1)), options: county.caller(at: county.village(1), Permissions.clerk))
        #expect(inherited.countedAgainst == .allMembers && inherited.setAt == county.town(1) && !inherited.inclusive)
        let members = (1...7).map { "委员\($0)" }
        let present = Array(members.prefix(5))
        func vote(_ topic: AgendaV1.Topic, inFavour: Int, members: [String]) async throws -> AgendaV1.ApproveTopicResponse {
            let ballots = present.enumerated().map { AgendaV1.Ballot(voter: $1, vote: $0 < inFavour ? .`for` : .against) }
            return try await county.api.approveTopic(
                .init(topicId: topic.id, meetingOn: .init(year: 2025, month: 3, day: 3), present: present, ballots: ballots,
                      members: members),
                options: county.admin)
        }
        // 3 of the 5 present would pass against those present; against 7 members it fails.
        let three = try await vote(try await county.topic(at: county.village(1)), inFavour: 3, members: members)
        #expect(three.outcome?.adopted == false && three.topic?.state == .rejected)
        #expect(three.outcome?.countedAgainst == .allMembers && three.outcome?.baseCount == 7)
        #expect(three.outcome?.present == 5 && three.outcome?.members == 7)
        #expect(three.outcome?.explanation?.zh == "以两委全体成员为基数：3/7，超过二分之一（至少 4）：未通过")
        let four = try await vote(try await county.topic(at: county.village(1)), inFavour: 4, members: members)
        #expect(four.outcome?.adopted == true && four.topic?.state == .approved && four.topic?.number == "2025-001")
        let recorded = try await AgendaHarness.current.superuser.count(
            "SELECT count(*) FROM agenda.approvals WHERE topic_id = $1::uuid AND base = 2 AND cardinality(members) = 7 AND cardinality(present) = 5 AND adopted",
            [.text(four.topic?.id ?? "")])
        #expect(recorded == 1, "the base and the members are recorded with the vote")
        // Under an all-members rule the members must be recorded, and those present must be among them.
        let topic = try await county.topic(at: county.village(1))
        await expectStatus(.invalidArgument, field: "members", "全体成员") { try await vote(topic, inFavour: 4, members: []) }
        await expectStatus(.invalidArgument, field: "present", "委员5") { try await vote(topic, inFavour: 4, members: Array(members.prefix(4))) }
        #expect(try await county.getTopic(topic).state == .draft)
        // Another town keeps the seed's base: 3 of 5 present adopts there.
        let elsewhere = try await county.api.approveTopic(
            .init(topicId: try await county.topic(at: county.village(1, town: 2)).id, meetingOn: .init(year: 2025, month: 3, day: 3),
                  present: present, ballots: present.enumerated().map { AgendaV1.Ballot(voter: $1, vote: $0 < 3 ? .`for` : .against) },
                  members: members),
            options: county.admin)
        #expect(elsewhere.outcome?.adopted == true && elsewhere.outcome?.countedAgainst == .present && elsewhere.outcome?.baseCount == 5)
        // A village may go back to those present below its town.
        let village = try await county.api.setApprovalRule(
            .init(unitPath: county.village(2), threshold: .init(numerator: 1, denominator: 2), inclusive: true), options: county.admin)
        #expect(village.countedAgainst == .present)
    }

    @Test("a ballot by someone not present, or a second ballot, is INVALID_ARGUMENT and records nothing")
    func ballots() async throws {
        let county = try AgendaHarness.current.county()
        let topic = try await county.topic(at: county.village(1))
        await expectStatus(.invalidArgument, field: "ballots", "外人") {
            try await county.api.approveTopic(
                .init(topicId: topic.id, meetingOn: .init(year: 2025, month: 3, day: 3), present: ["甲", "乙"],
                      ballots: [.init(voter: "甲", vote: .`for`), .init(voter: "外人", vote: .`for`)]),
                options: county.admin)
        }
        await expectStatus(.invalidArgument, field: "ballots", "甲") {
            try await county.api.approveTopic(
                .init(topicId: topic.id, meetingOn: .init(year: 2025, month: 3, day: 3), present: ["甲", "乙"],
                      ballots: [.init(voter: "甲", vote: .`for`), .init(voter: "甲", vote: .against)]),
                options: county.admin)
        }
        #expect(try await county.getTopic(topic).state == .draft)
        let recorded = try await AgendaHarness.current.superuser.count(
            "SELECT count(*) FROM agenda.approvals WHERE topic_id = $1::uuid", [.text(topic.id)])
        #expect(recorded == 0)
        let approved = try await county.vote(topic, inFavour: 2, of: 2)
        await expectStatus(.failedPrecondition, rule: "topic.transition", "approved") {
            try await county.vote(approved.topic!, inFavour: 2, of: 2)
        }
    }

    @Test("the whole lifecycle through RPC: approve, research, plan, then the session and supervision moves")
    func lifecycle() async throws {
        let county = try AgendaHarness.current.county()
        var topic = try await county.topic(at: county.village(1), scale: .small)
        topic = try #require(try await county.vote(topic, inFavour: 5, of: 8).topic)
        await expectStatus(.failedPrecondition, rule: "topic.research_required") {
            try await county.plan(topic, meetingAt: instant("2025-03-10T09:00:00+08:00"))
        }
        _ = try await county.research(topic)
        #expect(try await county.getTopic(topic).state == .researching)
        #expect(try await county.getTopic(topic).researchCount == 1)
        let plan = try await county.plan(topic, meetingAt: instant("2025-03-10T09:00:00+08:00"))
        #expect(plan.leadDays == 3 && plan.participants.count == 2 && plan.form == .democraticTalk)
        let stored = try await county.api.getMeetingPlan(.init(topicId: topic.id), options: county.admin)
        #expect(stored.participants == plan.participants && stored.agenda == ["通报调研情况", "讨论修缮方案"])
        let mover = county.caller(at: county.path, [Permissions.advance])
        for state in [AgendaV1.TopicState.inMeeting, .resolved, .published, .filed, .implementing, .closed] {
            topic = try await county.api.advanceTopic(.init(topicId: topic.id, to: state), options: mover)
            #expect(topic.state == state)
            let again = try await county.api.advanceTopic(.init(topicId: topic.id, to: state), options: mover)
            #expect(again == topic, "a repeated move is answered unchanged")
        }
        let events = try await AgendaHarness.current.superuser.count(
            "SELECT count(*) FROM agenda.topic_events WHERE topic_id = $1::uuid", [.text(topic.id)])
        #expect(events == 10, "created, approved, researching, planned and six moves")
    }

    @Test("illegal moves are FAILED_PRECONDITION naming from and to; agenda's own states are not advanceable")
    func illegal() async throws {
        let county = try AgendaHarness.current.county()
        let topic = try await county.topic(at: county.village(1))
        await expectStatus(.failedPrecondition, rule: "topic.transition", "from draft to published", "草拟") {
            try await county.advance(topic, to: .published)
        }
        await expectStatus(.invalidArgument, field: "to") { try await county.advance(topic, to: .approved) }
        let adopted = try #require(try await county.vote(topic, inFavour: 1, of: 1).topic)
        await expectStatus(.failedPrecondition, rule: "topic.transition", "from approved to in meeting") {
            try await county.advance(adopted, to: .inMeeting)
        }
        await expectStatus(.permissionDenied) {
            try await county.api.advanceTopic(.init(topicId: topic.id, to: .inMeeting), options: county.caller(at: county.path, Permissions.clerk))
        }
        await expectStatus(.notFound) { try await county.api.getTopic(.init(topicId: UUID().uuidString.lowercased()), options: county.admin) }
    }

    @Test("a rejected topic revised returns to draft and may be voted again")
    func revise() async throws {
        let county = try AgendaHarness.current.county()
        let rejected = try #require(try await county.vote(try await county.topic(at: county.village(1)), inFavour: 0, of: 3).topic)
        let draft = try await county.api.reviseTopic(.init(topicId: rejected.id, title: "村道修缮（修改稿）"), options: county.admin)
        #expect(draft.state == .draft && draft.title == "村道修缮（修改稿）")
        #expect(try await county.vote(draft, inFavour: 2, of: 3).outcome?.adopted == true)
    }

    @Test("an urgent topic goes to its plan without research and without lead time (急事快议)")
    func urgent() async throws {
        let county = try AgendaHarness.current.county()
        let topic = try #require(try await county.vote(try await county.topic(at: county.village(1), scale: .urgent), inFavour: 1, of: 1).topic)
        let plan = try await county.plan(topic, meetingAt: AgendaHarness.startOfTime.addingTimeInterval(3 * 3600))
        #expect(plan.leadDays == 0)
        #expect(try await county.getTopic(topic).state == .planned)
    }

    @Test("a plan published too late for the scale is refused naming the days")
    func leadTime() async throws {
        let county = try AgendaHarness.current.county()
        let topic = try #require(try await county.vote(try await county.topic(at: county.village(1), scale: .big), inFavour: 1, of: 1).topic)
        _ = try await county.research(topic)
        // Published Monday 3 March; a big topic needs 7 days: the 9th is too early, the 10th is fine.
        await expectStatus(.failedPrecondition, rule: "plan.lead_time", "7") {
            try await county.plan(topic, meetingAt: instant("2025-03-09T20:00:00+08:00"))
        }
        #expect(try await county.getTopic(topic).state == .researching)
        let plan = try await county.plan(topic, meetingAt: instant("2025-03-10T08:00:00+08:00"))
        #expect(plan.leadDays == 7)
    }

    @Test("a topic spanning two villages is owned by their town")
    func crossVillage() async throws {
        let county = try AgendaHarness.current.county()
        let spanned = [county.village(1), county.village(2)]
        let topic = try await county.topic(at: county.town(1), spanned: spanned)
        #expect(topic.spannedUnitPaths == spanned.sorted())
        await expectStatus(.failedPrecondition, rule: "topic.span_outside_owner") {
            try await county.topic(at: county.village(1), spanned: spanned)
        }
        await expectStatus(.failedPrecondition, rule: "topic.cross_village_owner") {
            try await county.topic(at: county.path, spanned: spanned)
        }
    }
}
