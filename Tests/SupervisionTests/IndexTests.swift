import TongxinTesting
import Foundation
import SupervisionAPI
import Testing
import TongxinRPC
import TongxinSchemas

/// 协商指数 (issue 11 §5): computed from seeded facts, assessed where no record computes it,
/// comparable across towns. Serialized: the tests move the suite's clock.
@Suite(.supervisionService("index", region: 63), .serialized)
struct IndexTests {
    @Test("an index computed from the recorded facts of a town, with an assessor's score, and compared with another town")
    func computedFromFacts() async throws {
        let harness = try SupervisionHarness.current
        harness.clock.set(SupervisionHarness.startOfTime)
        let county = harness.county()
        let village = county.village(1, town: 1)
        let committee = county.caller(at: county.path, [Permissions.check], principal: "监委会")
        // Town 1: three cases. A: checked, reported, completed and rated (2 content of 3), closed
        // in full after 30 days. B: checked, completed, invited 2 and answered by 1. C: running.
        let a = try await county.running(at: village, deadline: .init(year: 2025, month: 4, day: 30))
        let b = try await county.running(at: village)
        _ = try await county.running(at: village)
        for kase in [a, b] { _ = try await county.api.recordCheck(.init(caseId: kase.id, outcome: .onTrack), options: committee) }
        _ = try await county.api.publishReport(.init(caseId: a.id, text: "公示"), options: county.admin)
        harness.clock.set(instant("2025-04-02T10:00:00+08:00"))
        for kase in [a, b] { try await county.progress(kase, percent: 100) }
        _ = try await county.api.inviteFeedback(.init(caseId: a.id, residents: ["r1", "r2", "r3"]), options: county.admin)
        _ = try await county.api.inviteFeedback(.init(caseId: b.id, residents: ["r4", "r5"]), options: county.admin)
        for (resident, rating) in [("r1", SupervisionV1.Rating.satisfied), ("r2", .basicallySatisfied), ("r3", .dissatisfied), ("r4", .satisfied)] {
            let kase = resident == "r4" ? b : a
            _ = try await county.api.submitFeedback(.init(caseId: kase.id, rating: rating), options: county.resident(resident, at: village))
        }
        _ = try await county.api.closeCase(.init(caseId: a.id, application: .full), options: county.admin)
        // Town 2: one case, running, never checked.
        _ = try await county.running(at: county.village(1, town: 2))
        let assessor = county.caller(at: county.path, [Permissions.assess, Permissions.read], principal: "评估员")
        let assessment = try await county.api.recordAssessment(
            .init(unitPath: county.town(1), year: 2025, indicatorId: "subjects.non_party_share", score: 8000, note: "党外 12/20 → 满分 5/8"),
            options: assessor)
        #expect(assessment.assessor == "评估员")
        await expectStatus(.invalidArgument, field: "score") {
            try await county.api.recordAssessment(.init(unitPath: county.town(1), year: 2025, indicatorId: "subjects.non_party_share", score: 10001), options: assessor)
        }
        await expectStatus(.notFound) {
            try await county.api.recordAssessment(.init(unitPath: county.town(1), year: 2025, indicatorId: "no.such", score: 1), options: assessor)
        }

        let index = try await county.api.getIndex(.init(unitPath: county.town(1), year: 2025), options: county.admin)
        let indicators = Dictionary(uniqueKeysWithValues: index.categories.flatMap(\.indicators).map { ($0.id, $0) })
        #expect(index.categories.count == 7 && indicators.count == 22)
        #expect(indicators["mechanisms.supervision_coverage"]?.basis == "2/3" && indicators["mechanisms.supervision_coverage"]?.score == 6667)
        #expect(indicators["mechanisms.resident_reports"]?.basis == "1/3")
        #expect(indicators["mechanisms.feedback_recipients"]?.basis == "4/5" && indicators["mechanisms.feedback_recipients"]?.score == 8000)
        #expect(indicators["effects.satisfaction"]?.basis == "3/4" && indicators["effects.satisfaction"]?.score == 7500)
        #expect(indicators["effects.on_time"]?.basis == "1/1" && indicators["effects.applied_in_full"]?.score == 10000)
        #expect(indicators["effects.days_to_close"]?.score == 10000 && indicators["effects.days_to_close"]?.basis.contains("30.0") == true)
        #expect(indicators["guarantees.archives"]?.basis == "1/1", "the closed case's dossier was frozen")
        #expect(indicators["objects.case_count"]?.basis == "3/12" && indicators["objects.case_count"]?.score == 2500)
        #expect(indicators["subjects.non_party_share"]?.source == .assessed && indicators["subjects.non_party_share"]?.score == 8000)
        #expect(indicators["forms.variety"]?.source == .missing && indicators["forms.variety"]?.score == 0)
        #expect(index.score > 0)

        let compared = try await county.api.compareIndex(.init(unitPath: county.path, year: 2025), options: county.admin)
        #expect(compared.units.map(\.unitPath) == [county.town(1), county.town(2)])
        #expect(compared.units[0].score == index.score && compared.units[1].score < index.score)
        let empty = try await county.api.getIndex(.init(unitPath: county.town(1), year: 2024), options: county.admin)
        #expect(empty.categories.flatMap(\.indicators).allSatisfy { $0.source == .missing || $0.id == "objects.case_count" })
    }
}
