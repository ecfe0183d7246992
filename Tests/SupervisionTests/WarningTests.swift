import TongxinTesting
import Foundation
import SupervisionAPI
import Testing
import TongxinRPC
import TongxinSchemas

/// 红黄绿三级预警 (issue 11 §4) on the real service with a moving clock: each default rule
/// at its boundary, the roll-up of a unit from its subtree, the quarterly report per town.
/// Serialized: the tests move the suite's one clock.
@Suite(.supervisionService("warnings", region: 62), .serialized)
struct WarningTests {
    let day: TimeInterval = 86_400

    func harness() throws -> SupervisionHarness {
        let harness = try SupervisionHarness.current
        harness.clock.set(SupervisionHarness.startOfTime)
        return harness
    }

    @Test("past the deadline: green on the deadline day, red the day after")
    func deadline() async throws {
        let harness = try harness()
        let county = harness.county()
        let kase = try await county.running(at: county.village(1), deadline: .init(year: 2025, month: 3, day: 20))
        harness.clock.set(instant("2025-03-20T23:00:00+08:00"))
        try await county.progress(kase, percent: 50)  // not silent
        #expect(try await county.get(kase).level == .green)
        harness.clock.set(instant("2025-03-21T00:00:01+08:00"))
        let late = try await county.get(kase)
        #expect(late.level == .red && late.reasons.map(\.rule) == ["red.past_deadline"])
    }

    @Test("a milestone late: green on its due day, yellow the day after, green again once done")
    func milestone() async throws {
        let harness = try harness()
        let county = harness.county()
        let kase = try await county.running(at: county.village(1), milestones: [("路基", .init(year: 2025, month: 3, day: 10))])
        harness.clock.set(instant("2025-03-10T20:00:00+08:00"))
        #expect(try await county.get(kase).level == .green)
        harness.clock.set(instant("2025-03-11T08:00:00+08:00"))
        let late = try await county.get(kase)
        #expect(late.level == .yellow && late.reasons.map(\.rule) == ["yellow.milestone_late"])
        try await county.progress(kase, percent: 30, milestones: [kase.milestones[0].id])
        #expect(try await county.get(kase).level == .green)
    }

    @Test("no progress report: 30 days is green, the 31st is yellow")
    func silence() async throws {
        let harness = try harness()
        let county = harness.county()
        let kase = try await county.running(at: county.village(1))
        try await county.progress(kase, percent: 10)  // reported 2025-03-03
        harness.clock.set(instant("2025-04-02T12:00:00+08:00"))  // 30 days
        #expect(try await county.get(kase).level == .green)
        harness.clock.set(instant("2025-04-03T12:00:00+08:00"))  // 31 days
        let silent = try await county.get(kase)
        #expect(silent.level == .yellow && silent.reasons.map(\.rule) == ["yellow.no_progress_30_days"])
    }

    @Test("dissatisfied: exactly half is green, a majority is red")
    func dissatisfied() async throws {
        let harness = try harness()
        let county = harness.county()
        let half = try await county.completed(at: county.village(1), ratings: [.dissatisfied, .satisfied])
        #expect(half.level == .green)
        let majority = try await county.completed(at: county.village(1), ratings: [.dissatisfied, .dissatisfied, .basicallySatisfied])
        #expect(majority.level == .red && majority.reasons.map(\.rule) == ["red.dissatisfied_majority"])
    }

    @Test("a unit rolls up from its subtree: the ledger of the county, its towns and the cases needing attention")
    func rollUp() async throws {
        let harness = try harness()
        let county = harness.county()
        _ = try await county.running(at: county.village(1, town: 1), deadline: .init(year: 2025, month: 3, day: 5))  // red on 3-06
        let yellow = try await county.running(at: county.village(2, town: 1), milestones: [("节点", .init(year: 2025, month: 3, day: 5))])
        _ = try await county.running(at: county.village(1, town: 2))  // green
        harness.clock.set(instant("2025-03-06T09:00:00+08:00"))
        let ledger = try await county.api.getWarningLedger(.init(unitPath: county.path), options: county.admin)
        #expect(ledger.unit?.level == .red && ledger.unit?.counts == .init(green: 1, yellow: 1, red: 1))
        #expect(ledger.children.map(\.unitPath) == [county.town(1), county.town(2)])
        #expect(ledger.children.map(\.level) == [.red, .green])
        #expect(ledger.attention.map(\.level) == [.red, .yellow] && ledger.attentionTotal == 2)
        #expect(ledger.attention[1].caseId == yellow.id)
        let town2 = try await county.api.getWarningLedger(.init(unitPath: county.town(2)), options: county.caller(at: county.town(2), [Permissions.read]))
        #expect(town2.unit?.level == .green && town2.attention.isEmpty)
        // A town's office sees its own subtree only.
        await expectStatus(.notFound) {
            try await county.api.getWarningLedger(.init(unitPath: county.town(1)), options: county.caller(at: county.town(2), [Permissions.read]))
        }
    }

    @Test("the quarterly report per town: counts by level now and at the last quarter's end, what moved, advice")
    func quarterly() async throws {
        let harness = try harness()
        let county = harness.county()
        // In Q1: two cases in town 1, one in town 2, all green on 2025-03-31.
        let slipping = try await county.running(at: county.village(1, town: 1), deadline: .init(year: 2025, month: 4, day: 30))
        let steady = try await county.running(at: county.village(2, town: 1), deadline: .init(year: 2025, month: 12, day: 31))
        let other = try await county.running(at: county.village(1, town: 2), deadline: .init(year: 2025, month: 12, day: 31))
        harness.clock.set(instant("2025-03-31T10:00:00+08:00"))
        for kase in [slipping, steady, other] { try await county.progress(kase, percent: 20) }
        // In Q2, by 2025-05-10: `slipping` is past its deadline, `steady` keeps reporting,
        // `other` falls silent, and a new case opens in town 2.
        harness.clock.set(instant("2025-04-25T10:00:00+08:00"))
        try await county.progress(steady, percent: 60)
        _ = try await county.running(at: county.village(3, town: 2), deadline: .init(year: 2025, month: 12, day: 31))
        harness.clock.set(instant("2025-05-10T10:00:00+08:00"))
        let report = try await county.api.getQuarterlyReport(.init(unitPath: county.path, year: 2025, quarter: 2), options: county.admin)
        #expect(report.asOf == timestamp(instant("2025-05-10T10:00:00+08:00")), "the current quarter is reported as of now")
        #expect(report.previousAsOf == timestamp(instant("2025-04-01T00:00:00+08:00")))
        #expect(report.counts == .init(green: 2, yellow: 1, red: 1))
        #expect(report.towns.map(\.unitPath) == [county.town(1), county.town(2)])
        let town1 = report.towns[0], town2 = report.towns[1]
        #expect(town1.counts == .init(green: 1, yellow: 0, red: 1) && town1.previousCounts == .init(green: 2, yellow: 0, red: 0))
        #expect(town1.level == .red && town1.previousLevel == .green && town1.worsened == 1 && town1.improved == 0 && town1.opened == 0)
        #expect(town1.attention.map(\.caseId) == [slipping.id] && town1.attention.first?.previousLevel == .green)
        #expect(town1.advice?.zh.contains("1 件红色") == true)
        #expect(town2.counts == .init(green: 1, yellow: 1, red: 0) && town2.opened == 1 && town2.worsened == 1)
        // A finished quarter is reported as of its end: Q1 had three green cases.
        let q1 = try await county.api.getQuarterlyReport(.init(unitPath: county.path, year: 2025, quarter: 1), options: county.admin)
        #expect(q1.asOf == timestamp(instant("2025-04-01T00:00:00+08:00")) && q1.counts == .init(green: 3, yellow: 0, red: 0))
        await expectStatus(.invalidArgument, rule: "report.future_quarter") {
            try await county.api.getQuarterlyReport(.init(unitPath: county.path, year: 2025, quarter: 4), options: county.admin)
        }
        await expectStatus(.invalidArgument, rule: "report.quarter") {
            try await county.api.getQuarterlyReport(.init(unitPath: county.path, year: 2025, quarter: 5), options: county.admin)
        }
    }

    @Test("three zeros per unit: counts with the cases that break each")
    func threeZeros() async throws {
        let harness = try harness()
        let county = harness.county()
        let village = county.village(1)
        let unanswered = try await county.completed(at: village, ratings: [.satisfied])
        _ = try await county.api.inviteFeedback(.init(caseId: unanswered.id, residents: ["未回应的居民"]), options: county.admin)
        let unsupervised = try await county.running(at: village, deadline: .init(year: 2025, month: 3, day: 4))
        let committee = county.caller(at: county.path, [Permissions.check], principal: "监委会")
        _ = try await county.api.recordCheck(.init(caseId: unanswered.id, outcome: .onTrack), options: committee)
        harness.clock.set(instant("2025-03-05T10:00:00+08:00"))
        let zeros = try await county.api.getThreeZeros(.init(unitPath: county.path), options: county.admin)
        let measures = Dictionary(uniqueKeysWithValues: zeros.measures.map { ($0.name, $0) })
        #expect(measures["feedback_recipients"]?.breakingCaseIds == [unanswered.id] && measures["feedback_recipients"]?.counted == 1)
        #expect(measures["supervision"]?.breakingCaseIds == [unsupervised.id] && measures["supervision"]?.counted == 2)
        #expect(measures["application"]?.breakingCaseIds == [unsupervised.id], "overdue and unfinished")
        #expect(!zeros.allMet)
    }
}
