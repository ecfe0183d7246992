import AgendaAPI
import AgendaRules
import Foundation
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 议题服务 — `tongxin.agenda.v1.Agenda`: the problem ledger, scope lists, topics and their
/// approval, research, meeting plans and the annual plan (issue 9).
///
/// Every handler is one `kit.handle`: the caller verified once with the method's permission
/// from the schema, one transaction scoped to the caller's subtree, the audit record with
/// COMMIT, idempotency keys, errors mapped once (``AgendaError`` for the domain).
///
/// Units: agenda keeps no copy of membership's unit tree. A request names its unit by path
/// (membership's `Unit.path`); ``Validate/unit(_:field:caller:)`` checks the form and that it
/// lies in the caller's scope, and row-level security bounds every row by the same scope.
public struct AgendaService: AgendaV1.Agenda.ServiceProtocol {
    let environment: AgendaEnvironment
    let kit: ServiceKit

    public init(environment: AgendaEnvironment) {
        self.environment = environment
        self.kit = ServiceKit(service: "agenda", pool: environment.pool, clock: environment.clock, logger: environment.logger)
    }

    private var units: UnitCheck { UnitCheck(directory: environment.units) }
    private func items(_ scope: CallScope) -> ItemOperations { ItemOperations(scope: scope, vault: environment.vault, units: units) }
    private func topics(_ scope: CallScope) -> TopicOperations {
        TopicOperations(scope: scope, scales: environment.scales, timeZone: environment.timeZone, units: units)
    }
    private func preparation(_ scope: CallScope) -> PreparationOperations {
        PreparationOperations(scope: scope, scales: environment.scales, timeZone: environment.timeZone, councils: environment.councils)
    }

    // MARK: Ledger

    public func recordItem(_ request: AgendaV1.RecordItemRequest, context: ServerCallContext) async throws -> AgendaV1.Item {
        try await kit.handle(request, context) { try await items($0).record(request) }
    }

    public func getItem(_ request: AgendaV1.GetItemRequest, context: ServerCallContext) async throws -> AgendaV1.Item {
        try await kit.handle(request, context) { try await items($0).get(request) }
    }

    public func listItems(_ request: AgendaV1.ListItemsRequest, context: ServerCallContext) async throws -> AgendaV1.ListItemsResponse {
        try await kit.handle(request, context) { try await items($0).list(request) }
    }

    public func mergeItems(_ request: AgendaV1.MergeItemsRequest, context: ServerCallContext) async throws -> AgendaV1.Item {
        try await kit.handle(request, context) { try await items($0).merge(request) }
    }

    public func splitItem(_ request: AgendaV1.SplitItemRequest, context: ServerCallContext) async throws -> AgendaV1.SplitItemResponse {
        try await kit.handle(request, context) { try await items($0).split(request) }
    }

    public func answerItem(_ request: AgendaV1.AnswerItemRequest, context: ServerCallContext) async throws -> AgendaV1.Item {
        try await kit.handle(request, context) { try await items($0).answer(request) }
    }

    // MARK: Scope lists and thresholds

    public func setScopeEntry(_ request: AgendaV1.SetScopeEntryRequest, context: ServerCallContext) async throws -> AgendaV1.ScopeEntry {
        try await kit.handle(request, context) { try await ScopeOperations(scope: $0, units: units).set(request) }
    }

    public func removeScopeEntry(_ request: AgendaV1.RemoveScopeEntryRequest, context: ServerCallContext) async throws -> AgendaV1.RemoveScopeEntryResponse {
        try await kit.handle(request, context) { try await ScopeOperations(scope: $0, units: units).remove(request) }
    }

    public func getScopeLists(_ request: AgendaV1.GetScopeListsRequest, context: ServerCallContext) async throws -> AgendaV1.GetScopeListsResponse {
        try await kit.handle(request, context) { try await ScopeOperations(scope: $0, units: units).lists(request) }
    }

    public func setApprovalRule(_ request: AgendaV1.SetApprovalRuleRequest, context: ServerCallContext) async throws -> AgendaV1.ApprovalRule {
        try await kit.handle(request, context) { try await ScopeOperations(scope: $0, units: units).setApprovalRule(request) }
    }

    public func getApprovalRule(_ request: AgendaV1.GetApprovalRuleRequest, context: ServerCallContext) async throws -> AgendaV1.ApprovalRule {
        try await kit.handle(request, context) { try await ScopeOperations(scope: $0, units: units).getApprovalRule(request) }
    }

    // MARK: Topics

    public func createTopic(_ request: AgendaV1.CreateTopicRequest, context: ServerCallContext) async throws -> AgendaV1.Topic {
        try await kit.handle(request, context) { try await topics($0).create(request) }
    }

    public func getTopic(_ request: AgendaV1.GetTopicRequest, context: ServerCallContext) async throws -> AgendaV1.Topic {
        try await kit.handle(request, context) { try await topics($0).get(request) }
    }

    public func listTopics(_ request: AgendaV1.ListTopicsRequest, context: ServerCallContext) async throws -> AgendaV1.ListTopicsResponse {
        try await kit.handle(request, context) { try await topics($0).list(request) }
    }

    public func countTopics(_ request: AgendaV1.CountTopicsRequest, context: ServerCallContext) async throws -> AgendaV1.CountTopicsResponse {
        try await kit.handle(request, context) { try await topics($0).count(request) }
    }

    public func approveTopic(_ request: AgendaV1.ApproveTopicRequest, context: ServerCallContext) async throws -> AgendaV1.ApproveTopicResponse {
        try await kit.handle(request, context) { try await topics($0).approve(request) }
    }

    public func reviseTopic(_ request: AgendaV1.ReviseTopicRequest, context: ServerCallContext) async throws -> AgendaV1.Topic {
        try await kit.handle(request, context) { try await topics($0).revise(request) }
    }

    public func advanceTopic(_ request: AgendaV1.AdvanceTopicRequest, context: ServerCallContext) async throws -> AgendaV1.Topic {
        try await kit.handle(request, context) { try await topics($0).advance(request) }
    }

    // MARK: Research, meeting plan, annual plan

    public func addResearchRecord(_ request: AgendaV1.AddResearchRecordRequest, context: ServerCallContext) async throws -> AgendaV1.ResearchRecord {
        try await kit.handle(request, context) { try await preparation($0).addResearch(request) }
    }

    public func listResearchRecords(_ request: AgendaV1.ListResearchRecordsRequest, context: ServerCallContext) async throws -> AgendaV1.ListResearchRecordsResponse {
        try await kit.handle(request, context) { try await preparation($0).listResearch(request) }
    }

    public func publishMeetingPlan(_ request: AgendaV1.PublishMeetingPlanRequest, context: ServerCallContext) async throws -> AgendaV1.MeetingPlan {
        try await kit.handle(request, context) { try await preparation($0).publishPlan(request) }
    }

    public func getMeetingPlan(_ request: AgendaV1.GetMeetingPlanRequest, context: ServerCallContext) async throws -> AgendaV1.MeetingPlan {
        try await kit.handle(request, context) { try await preparation($0).getPlan(request) }
    }

    public func schedulePlanEntry(_ request: AgendaV1.SchedulePlanEntryRequest, context: ServerCallContext) async throws -> AgendaV1.PlanEntry {
        try await kit.handle(request, context) { try await AnnualPlanOperations(scope: $0, timeZone: environment.timeZone, units: units).schedule(request) }
    }

    public func getAnnualPlan(_ request: AgendaV1.GetAnnualPlanRequest, context: ServerCallContext) async throws -> AgendaV1.AnnualPlan {
        try await kit.handle(request, context) { try await AnnualPlanOperations(scope: $0, timeZone: environment.timeZone, units: units).get(request) }
    }
}
