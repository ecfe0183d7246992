import TongxinTesting
import AgendaAPI
import Foundation
import Testing
import TongxinRPC
import TongxinSchemas

/// 协商清单 (issue 9 §2): positive and negative lists per unit, inherited down the tree.
@Suite(.agendaService("scope", region: 35))
struct ScopeListTests {
    @Test("a town's negative list refuses its villages' topics, citing the entry; a village may override")
    func inheritance() async throws {
        let county = try AgendaHarness.current.county()
        _ = try await county.api.setScopeEntry(
            .init(unitPath: county.town(1), list: .negative, category: .religion, text: "宗教事务不属于协商范围"), options: county.admin)
        _ = try await county.api.setScopeEntry(
            .init(unitPath: county.town(1), list: .negative, category: .landAcquisition, text: "征地补偿标准由上级确定"), options: county.admin)
        _ = try await county.api.setScopeEntry(
            .init(unitPath: county.town(1), list: .positive, category: .infrastructure, text: "水电路等基础设施"), options: county.admin)
        let clerk = county.caller(at: county.village(1), Permissions.clerk)
        let error = await expectStatus(.failedPrecondition, rule: "scope.negative_list", "宗教事务不属于协商范围", county.town(1)) {
            try await county.api.createTopic(
                .init(unitPath: county.village(1), title: "宗教活动场所", category: .religion, scale: .small, source: .partyCommittee),
                options: clerk)
        }
        #expect(error?.detail?.messageEN.contains("negative list") == true)
        // The village puts land acquisition on its own positive list: its entry wins there.
        _ = try await county.api.setScopeEntry(
            .init(unitPath: county.village(1), list: .positive, category: .landAcquisition, text: "本村征地安置协商"), options: county.admin)
        let allowed = try await county.api.createTopic(
            .init(unitPath: county.village(1), title: "安置点选址", category: .landAcquisition, scale: .big, source: .government), options: clerk)
        #expect(allowed.state == .draft)
        await expectStatus(.failedPrecondition, rule: "scope.negative_list", "征地补偿标准由上级确定") {
            try await county.topic(at: county.village(2), category: .landAcquisition)
        }
        // Another town is untouched.
        _ = try await county.topic(at: county.village(1, town: 2), category: .religion)
        // The lists in force at the village, read by its own clerk.
        let lists = try await county.api.getScopeLists(.init(unitPath: county.village(1)), options: clerk)
        #expect(lists.negative.map(\.category) == [.religion])
        #expect(Set(lists.positive.map(\.category)) == [.infrastructure, .landAcquisition])
        #expect(lists.positive.first { $0.category == .landAcquisition }?.unitPath == county.village(1))
        // Removing the village's entry brings the town's back.
        let removed = try await county.api.removeScopeEntry(.init(unitPath: county.village(1), category: .landAcquisition), options: county.admin)
        #expect(removed.removed)
        await expectStatus(.failedPrecondition, rule: "scope.negative_list") {
            try await county.topic(at: county.village(1), category: .landAcquisition)
        }
    }

    @Test("a village clerk reads the town's lists but cannot change them")
    func readOnlyFromAbove() async throws {
        let county = try AgendaHarness.current.county()
        _ = try await county.api.setScopeEntry(
            .init(unitPath: county.town(1), list: .negative, category: .religion, text: "不协商"), options: county.admin)
        let clerk = county.caller(at: county.village(1), Permissions.clerk.union([Permissions.rules]))
        await expectStatus(.notFound) {
            try await county.api.setScopeEntry(.init(unitPath: county.town(1), list: .positive, category: .religion, text: "x"), options: clerk)
        }
        let removed = try await county.api.removeScopeEntry(.init(unitPath: county.village(1), category: .religion), options: clerk)
        #expect(!removed.removed)
        let rows = try await AgendaHarness.current.superuser.count(
            "SELECT count(*) FROM agenda.scope_entries WHERE county_code = $1", [.text(county.code)])
        #expect(rows == 1)
    }
}

/// 年度协商计划 (issue 9 §5).
@Suite(.agendaService("plan", region: 36))
struct AnnualPlanTests {
    @Test("topics scheduled by quarter or month, with progress: done after a meeting outcome, overdue after the period")
    func progress() async throws {
        let county = try AgendaHarness.current.county()
        let village = county.village(1)
        let first = try await county.topic(at: village, title: "一季度议题")
        let second = try await county.topic(at: village, title: "三月议题")
        let third = try await county.topic(at: village, title: "四季度议题")
        for (topic, quarter, month) in [(first, 1, 0), (second, 0, 3), (third, 4, 0)] {
            _ = try await county.api.schedulePlanEntry(
                .init(unitPath: village, year: 2025, quarter: Int32(quarter), month: Int32(month), topicId: topic.id), options: county.admin)
        }
        await expectStatus(.invalidArgument, field: "quarter") {
            try await county.api.schedulePlanEntry(.init(unitPath: village, year: 2025, quarter: 1, month: 2, topicId: first.id), options: county.admin)
        }
        // The first topic reaches its meeting outcome; the second does not.
        var topic = try #require(try await county.vote(first, inFavour: 1, of: 1, on: .init(year: 2025, month: 3, day: 3)).topic)
        _ = try await county.research(topic)
        _ = try await county.plan(topic, meetingAt: instant("2025-03-20T09:00:00+08:00"))
        for state in [AgendaV1.TopicState.inMeeting, .resolved] { topic = try await county.advance(topic, to: state) }
        let march = try await county.api.getAnnualPlan(.init(unitPath: village, year: 2025), options: county.admin)
        #expect(march.scheduled == 3 && march.done == 1 && march.overdue == 0)
        #expect(march.entries.map(\.topicId) == [first.id, second.id, third.id])
        let harness = try AgendaHarness.current
        let saved = harness.clock.now()
        harness.clock.set(instant("2025-04-01T09:00:00+08:00"))
        defer { harness.clock.set(saved) }
        let april = try await county.api.getAnnualPlan(.init(unitPath: village, year: 2025), options: county.admin)
        #expect(april.done == 1 && april.overdue == 1)
        #expect(april.entries.first { $0.topicId == second.id }?.overdue == true)
    }
}
