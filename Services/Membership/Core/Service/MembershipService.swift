import Foundation
import MembershipRules
import MembershipAPI
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 成员服务 — `tongxin.membership.v1.Membership`: units, people, councils, composition
/// rules, public notice, terms and rosters (issue 3).
///
/// Every handler is one `kit.handle` (TongxinService's ``ServiceKit``): the caller verified
/// once by the interceptor with the method's permission from the schema, one transaction
/// scoped to the caller's unit subtree (row-level security does the filtering, so another
/// town's unit is simply NOT_FOUND), the audit record with COMMIT, idempotency keys, and
/// errors mapped once (``MembershipError`` for the domain, ``ServiceFailure`` for the rest).
public struct MembershipService: MembershipV1.Membership.ServiceProtocol {
    let environment: MembershipEnvironment
    let kit: ServiceKit

    public init(environment: MembershipEnvironment) {
        self.environment = environment
        self.kit = ServiceKit(service: "membership", pool: environment.pool, clock: environment.clock, logger: environment.logger)
    }

    private var rules: CompositionDefaults { environment.rules }

    // MARK: Units

    public func createUnit(_ request: MembershipV1.CreateUnitRequest, context: ServerCallContext) async throws -> MembershipV1.Unit {
        try await kit.handle(request, context) { try await UnitOperations(scope: $0).create(request) }
    }

    public func getUnit(_ request: MembershipV1.GetUnitRequest, context: ServerCallContext) async throws -> MembershipV1.Unit {
        try await kit.handle(request, context) { try await UnitOperations(scope: $0).get(request) }
    }

    public func updateUnit(_ request: MembershipV1.UpdateUnitRequest, context: ServerCallContext) async throws -> MembershipV1.Unit {
        try await kit.handle(request, context) { try await UnitOperations(scope: $0).update(request) }
    }

    public func moveUnit(_ request: MembershipV1.MoveUnitRequest, context: ServerCallContext) async throws -> MembershipV1.Unit {
        try await kit.handle(request, context) { try await UnitOperations(scope: $0).move(request) }
    }

    public func retireUnit(_ request: MembershipV1.RetireUnitRequest, context: ServerCallContext) async throws -> MembershipV1.Unit {
        try await kit.handle(request, context) { try await UnitOperations(scope: $0).retire(request) }
    }

    public func listUnits(_ request: MembershipV1.ListUnitsRequest, context: ServerCallContext) async throws -> MembershipV1.ListUnitsResponse {
        try await kit.handle(request, context) { try await UnitOperations(scope: $0).list(request) }
    }

    public func importUnits(_ request: MembershipV1.ImportUnitsRequest, context: ServerCallContext) async throws -> MembershipV1.ImportUnitsResponse {
        do {
            return try await kit.handle(request, context) { try await UnitImport(scope: $0).run(request) }
        } catch let rejected as ImportRejected {
            return rejected.response
        }
    }

    // MARK: People

    public func createPerson(_ request: MembershipV1.CreatePersonRequest, context: ServerCallContext) async throws -> MembershipV1.Person {
        try await kit.handle(request, context) { try await PersonOperations(scope: $0, vault: environment.vault, searchLimiter: environment.searchLimiter).create(request) }
    }

    public func getPerson(_ request: MembershipV1.GetPersonRequest, context: ServerCallContext) async throws -> MembershipV1.Person {
        try await kit.handle(request, context) { try await PersonOperations(scope: $0, vault: environment.vault, searchLimiter: environment.searchLimiter).get(request) }
    }

    public func updatePerson(_ request: MembershipV1.UpdatePersonRequest, context: ServerCallContext) async throws -> MembershipV1.Person {
        try await kit.handle(request, context) {
            try await PersonOperations(scope: $0, vault: environment.vault, searchLimiter: environment.searchLimiter).update(request, rules: rules)
        }
    }

    public func findPeople(_ request: MembershipV1.FindPeopleRequest, context: ServerCallContext) async throws -> MembershipV1.FindPeopleResponse {
        try await kit.handle(request, context) { try await PersonOperations(scope: $0, vault: environment.vault, searchLimiter: environment.searchLimiter).find(request) }
    }

    public func rotatePIIKey(_ request: MembershipV1.RotatePIIKeyRequest, context: ServerCallContext) async throws -> MembershipV1.RotatePIIKeyResponse {
        try await kit.handle(request, context) { try await PersonOperations(scope: $0, vault: environment.vault).rotate(request) }
    }

    public func addKinship(_ request: MembershipV1.AddKinshipRequest, context: ServerCallContext) async throws -> MembershipV1.AddKinshipResponse {
        try await kit.handle(request, context) {
            try await PersonOperations(scope: $0, vault: environment.vault, searchLimiter: environment.searchLimiter).addKinship(request, rules: rules)
        }
    }

    // MARK: Councils

    public func createCouncil(_ request: MembershipV1.CreateCouncilRequest, context: ServerCallContext) async throws -> MembershipV1.Council {
        try await kit.handle(request, context) { try await councilOps($0).create(request) }
    }

    public func getCouncil(_ request: MembershipV1.GetCouncilRequest, context: ServerCallContext) async throws -> MembershipV1.Council {
        try await kit.handle(request, context) { try await councilOps($0).get(request) }
    }

    public func listCouncils(_ request: MembershipV1.ListCouncilsRequest, context: ServerCallContext) async throws -> MembershipV1.ListCouncilsResponse {
        try await kit.handle(request, context) { try await councilOps($0).list(request) }
    }

    public func nominateMember(_ request: MembershipV1.NominateMemberRequest, context: ServerCallContext) async throws -> MembershipV1.Seat {
        try await kit.handle(request, context) { try await councilOps($0).nominate(request) }
    }

    public func removeMember(_ request: MembershipV1.RemoveMemberRequest, context: ServerCallContext) async throws -> MembershipV1.Seat {
        try await kit.handle(request, context) { try await councilOps($0).remove(request) }
    }

    public func dissolveCouncil(_ request: MembershipV1.DissolveCouncilRequest, context: ServerCallContext) async throws -> MembershipV1.Council {
        try await kit.handle(request, context) { try await councilOps($0).dissolve(request) }
    }

    private func councilOps(_ scope: CallScope) -> CouncilOperations {
        CouncilOperations(scope: scope, rules: rules, timeZone: environment.timeZone, terms: environment.terms)
    }

    public func endTopic(_ request: MembershipV1.EndTopicRequest, context: ServerCallContext) async throws -> MembershipV1.EndTopicResponse {
        try await kit.handle(request, context) { try await councilOps($0).endTopic(request) }
    }

    // MARK: Composition rules

    public func getCompositionRules(_ request: MembershipV1.GetCompositionRulesRequest, context: ServerCallContext) async throws -> MembershipV1.GetCompositionRulesResponse {
        try await kit.handle(request, context) { try await RuleOperations(scope: $0, defaults: rules).get(request) }
    }

    public func setCompositionRule(_ request: MembershipV1.SetCompositionRuleRequest, context: ServerCallContext) async throws -> MembershipV1.CompositionRule {
        try await kit.handle(request, context) { try await RuleOperations(scope: $0, defaults: rules).set(request) }
    }

    public func resetCompositionRule(_ request: MembershipV1.ResetCompositionRuleRequest, context: ServerCallContext) async throws -> MembershipV1.GetCompositionRulesResponse {
        try await kit.handle(request, context) { try await RuleOperations(scope: $0, defaults: rules).reset(request) }
    }

    public func checkComposition(_ request: MembershipV1.CheckCompositionRequest, context: ServerCallContext) async throws -> MembershipV1.CheckCompositionResponse {
        try await kit.handle(request, context) { try await councilOps($0).checkComposition(request) }
    }

    // MARK: Public notice

    public func publishNotice(_ request: MembershipV1.PublishNoticeRequest, context: ServerCallContext) async throws -> MembershipV1.Notice {
        try await kit.handle(request, context) { try await notices($0).publish(request) }
    }

    public func getNotice(_ request: MembershipV1.GetNoticeRequest, context: ServerCallContext) async throws -> MembershipV1.Notice {
        try await kit.handle(request, context) { try await notices($0).get(request) }
    }

    public func listPublicNotices(_ request: MembershipV1.ListPublicNoticesRequest, context: ServerCallContext) async throws -> MembershipV1.ListPublicNoticesResponse {
        try await kit.handle(request, context) { try await PublicNotices(scope: $0).list(request) }
    }

    public func fileObjection(_ request: MembershipV1.FileObjectionRequest, context: ServerCallContext) async throws -> MembershipV1.Objection {
        try await kit.handle(request, context) { try await notices($0).fileObjection(request) }
    }

    public func resolveObjection(_ request: MembershipV1.ResolveObjectionRequest, context: ServerCallContext) async throws -> MembershipV1.Objection {
        try await kit.handle(request, context) { try await notices($0).resolve(request) }
    }

    public func confirmNotice(_ request: MembershipV1.ConfirmNoticeRequest, context: ServerCallContext) async throws -> MembershipV1.Council {
        try await kit.handle(request, context) { try await notices($0).confirm(request) }
    }

    private func notices(_ scope: CallScope) -> NoticeOperations {
        NoticeOperations(scope: scope, settings: environment.notice, rules: rules, terms: environment.terms)
    }

    // MARK: Elections

    public func recordElection(_ request: MembershipV1.RecordElectionRequest, context: ServerCallContext) async throws -> MembershipV1.Election {
        try await kit.handle(request, context) { try await ElectionOperations(scope: $0, timeZone: environment.timeZone).record(request) }
    }

    // MARK: Terms, history, rosters

    public func endTerm(_ request: MembershipV1.EndTermRequest, context: ServerCallContext) async throws -> MembershipV1.Council {
        try await kit.handle(request, context) { try await TermOperations(scope: $0, timeZone: environment.timeZone, terms: environment.terms).endTerm(request) }
    }

    public func getMembershipHistory(_ request: MembershipV1.GetMembershipHistoryRequest, context: ServerCallContext) async throws -> MembershipV1.GetMembershipHistoryResponse {
        try await kit.handle(request, context) { try await RosterOperations(scope: $0, timeZone: environment.timeZone).history(request) }
    }

    public func getRoster(_ request: MembershipV1.GetRosterRequest, context: ServerCallContext) async throws -> MembershipV1.GetRosterResponse {
        try await kit.handle(request, context) { try await RosterOperations(scope: $0, timeZone: environment.timeZone).roster(request) }
    }
}
