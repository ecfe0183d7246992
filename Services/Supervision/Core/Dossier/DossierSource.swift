import Foundation
import TongxinService

/// 档案来源 — one service's part of the dossier: the sections it knows (in
/// ``DossierLayout`` order) for a topic, as the caller may see them.
///
/// A source never throws: what it cannot read it returns as unavailable sections with the
/// reason (``DossierSection/unavailable(_:reason:transient:)``), `transient` when the
/// service may answer later (then a closing case's dossier is not frozen).
///
/// Sources: ``AgendaDossierSource`` (agenda's RPC), ``SessionDossierSource`` (the session
/// service's RPC) — both through ``SupervisionEnvironment/dossierSources`` — and
/// ``CaseDossierSource`` (this service's own records). A service that is not configured is
/// an ``UnavailableSource``.
public protocol DossierSource: Sendable {
    func sections(topic: UUID, for caller: Caller) async -> [DossierSection]
}

/// A service that is not configured: each of its sections says so, explicitly.
public struct UnavailableSource: DossierSource {
    public let specs: [DossierLayout.Spec]
    public let reason: String

    public init(specs: [DossierLayout.Spec], reason: String) {
        self.specs = specs
        self.reason = reason
    }

    public func sections(topic: UUID, for caller: Caller) async -> [DossierSection] {
        specs.map { DossierSection.unavailable($0, reason: reason) }
    }

    public static let agendaNotConfigured = UnavailableSource(
        specs: DossierLayout.agenda, reason: "unavailable: agenda service not configured")
    public static let sessionNotConfigured = UnavailableSource(
        specs: DossierLayout.session, reason: "unavailable: session service not configured")
}
