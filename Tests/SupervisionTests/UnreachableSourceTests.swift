import TongxinTesting
import Foundation
import SupervisionAPI
import Testing
import TongxinRPC
import TongxinSchemas

/// A configured source that does not answer: the dossier says so section by section, and a
/// closing that would freeze the gap is refused (UNAVAILABLE) with nothing changed.
@Suite(.supervisionService("unreach", region: 65, unreachableAgenda: true))
struct UnreachableSourceTests {
    @Test("agenda unreachable: its sections are unavailable with the reason; closing is UNAVAILABLE and the case stays completed")
    func unreachableAgenda() async throws {
        let county = try SupervisionHarness.current.county()
        let village = county.village(1)
        let kase = try await county.completed(at: village)
        let dossier = try await county.api.getDossier(.init(topicId: kase.topicId), options: county.admin)
        let agenda = dossier.sections.filter { $0.source == "agenda" }
        #expect(agenda.count == 5)
        #expect(agenda.allSatisfy { $0.status == .unavailable && $0.unavailableReason.hasPrefix("unavailable: agenda service") })
        #expect(dossier.sections.first { $0.key == "case" }?.status == .available)
        await expectStatus(.unavailable) { try await county.api.closeCase(.init(caseId: kase.id, application: .full), options: county.admin) }
        #expect(try await county.get(kase).state == .completed)
        #expect(try await county.api.getDossier(.init(topicId: kase.topicId), options: county.admin).frozen == false)
    }
}
