import Foundation
import SupervisionAPI
import SupervisionRules
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 议后监督服务 — `tongxin.supervision.v1.Supervision` (issue 11): implementation cases
/// opened from filed results, assignment, progress, supervision checks, reports to residents,
/// feedback, three zeros, the red/yellow/green warning ledger and its quarterly report, the
/// consultation index and one matter one archive.
///
/// Every handler is one `kit.handle`: the caller verified once with the method's permission
/// from the schema, one transaction scoped to the caller's subtree, the audit record with
/// COMMIT (every mutation calls `scope.audit`), idempotency keys, errors mapped once
/// (``SupervisionError``).
public struct SupervisionService: SupervisionV1.Supervision.ServiceProtocol {
    let environment: SupervisionEnvironment
    let kit: ServiceKit

    public init(environment: SupervisionEnvironment) {
        self.environment = environment
        self.kit = ServiceKit(service: "supervision", pool: environment.pool, clock: environment.clock, logger: environment.logger)
    }

    private func store(_ scope: CallScope) -> CaseStore {
        CaseStore(scope: scope, warnings: environment.warnings, timeZone: environment.timeZone)
    }
    private func cases(_ scope: CallScope) -> CaseOperations { CaseOperations(scope: scope, store: store(scope)) }
    private func activity(_ scope: CallScope) -> ActivityOperations { ActivityOperations(scope: scope, store: store(scope)) }
    private func warnings(_ scope: CallScope) -> WarningOperations {
        WarningOperations(scope: scope, warnings: environment.warnings, timeZone: environment.timeZone)
    }
    private func index(_ scope: CallScope) -> IndexOperations {
        IndexOperations(scope: scope, definition: environment.index, timeZone: environment.timeZone)
    }
    private func dossiers(_ scope: CallScope) -> DossierOperations {
        DossierOperations(scope: scope, store: store(scope), sources: environment.dossierSources)
    }

    // MARK: Cases

    public func openCase(_ request: SupervisionV1.OpenCaseRequest, context: ServerCallContext) async throws -> SupervisionV1.ImplementationCase {
        try await kit.handle(request, context) { try await cases($0).open(request) }
    }

    public func assignCase(_ request: SupervisionV1.AssignCaseRequest, context: ServerCallContext) async throws -> SupervisionV1.ImplementationCase {
        try await kit.handle(request, context) { try await cases($0).assign(request) }
    }

    public func getCase(_ request: SupervisionV1.GetCaseRequest, context: ServerCallContext) async throws -> SupervisionV1.ImplementationCase {
        try await kit.handle(request, context) { try await cases($0).get(request) }
    }

    public func listCases(_ request: SupervisionV1.ListCasesRequest, context: ServerCallContext) async throws -> SupervisionV1.ListCasesResponse {
        try await kit.handle(request, context) { try await cases($0).list(request) }
    }

    public func getCaseFile(_ request: SupervisionV1.GetCaseRequest, context: ServerCallContext) async throws -> SupervisionV1.CaseFile {
        try await kit.handle(request, context) { try await cases($0).file(request) }
    }

    // MARK: Progress, checks, reports, feedback, closing

    public func reportProgress(_ request: SupervisionV1.ReportProgressRequest, context: ServerCallContext) async throws -> SupervisionV1.ProgressReport {
        try await kit.handle(request, context) { try await activity($0).reportProgress(request) }
    }

    public func recordCheck(_ request: SupervisionV1.RecordCheckRequest, context: ServerCallContext) async throws -> SupervisionV1.SupervisionCheck {
        try await kit.handle(request, context) { try await activity($0).check(request) }
    }

    public func publishReport(_ request: SupervisionV1.PublishReportRequest, context: ServerCallContext) async throws -> SupervisionV1.ResidentReport {
        try await kit.handle(request, context) { try await activity($0).publish(request) }
    }

    public func listReports(_ request: SupervisionV1.ListReportsRequest, context: ServerCallContext) async throws -> SupervisionV1.ListReportsResponse {
        try await kit.handle(request, context) { try await activity($0).listReports(request) }
    }

    public func inviteFeedback(_ request: SupervisionV1.InviteFeedbackRequest, context: ServerCallContext) async throws -> SupervisionV1.InviteFeedbackResponse {
        try await kit.handle(request, context) { try await activity($0).invite(request) }
    }

    public func submitFeedback(_ request: SupervisionV1.SubmitFeedbackRequest, context: ServerCallContext) async throws -> SupervisionV1.Feedback {
        try await kit.handle(request, context) { try await activity($0).submitFeedback(request) }
    }

    public func closeCase(_ request: SupervisionV1.CloseCaseRequest, context: ServerCallContext) async throws -> SupervisionV1.ImplementationCase {
        try await kit.handle(request, context) { scope in
            try await ClosingOperations(scope: scope, store: store(scope), dossiers: dossiers(scope)).close(request)
        }
    }

    // MARK: Three zeros, warning ledger, quarterly report

    public func getThreeZeros(_ request: SupervisionV1.GetThreeZerosRequest, context: ServerCallContext) async throws -> SupervisionV1.ThreeZeros {
        try await kit.handle(request, context) { try await warnings($0).threeZeros(request) }
    }

    public func getWarningLedger(_ request: SupervisionV1.GetWarningLedgerRequest, context: ServerCallContext) async throws -> SupervisionV1.WarningLedger {
        try await kit.handle(request, context) { try await warnings($0).ledger(request) }
    }

    public func getQuarterlyReport(_ request: SupervisionV1.GetQuarterlyReportRequest, context: ServerCallContext) async throws -> SupervisionV1.QuarterlyReport {
        try await kit.handle(request, context) { try await warnings($0).quarterly(request) }
    }

    // MARK: Consultation index

    public func getIndex(_ request: SupervisionV1.GetIndexRequest, context: ServerCallContext) async throws -> SupervisionV1.IndexScore {
        try await kit.handle(request, context) { try await index($0).get(request) }
    }

    public func compareIndex(_ request: SupervisionV1.CompareIndexRequest, context: ServerCallContext) async throws -> SupervisionV1.CompareIndexResponse {
        try await kit.handle(request, context) { try await index($0).compare(request) }
    }

    public func recordAssessment(_ request: SupervisionV1.RecordAssessmentRequest, context: ServerCallContext) async throws -> SupervisionV1.Assessment {
        try await kit.handle(request, context) { try await index($0).record(request) }
    }

    // MARK: One matter, one archive

    public func getDossier(_ request: SupervisionV1.GetDossierRequest, context: ServerCallContext) async throws -> SupervisionV1.Dossier {
        try await kit.handle(request, context) { try await dossiers($0).get(request) }
    }

    public func exportDossier(_ request: SupervisionV1.ExportDossierRequest, context: ServerCallContext) async throws -> SupervisionV1.DossierDocument {
        try await kit.handle(request, context) { try await dossiers($0).export(request) }
    }
}
