import Foundation
import SessionAPI
import SessionRules
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 会议服务 — `tongxin.session.v1.Session`: democracy days, meetings from published plans,
/// attendance and quorum, opinions, rounds and escalation, votes, results with publication,
/// objections and filing, minutes (issue 10).
///
/// Every handler is one `kit.handle`: the caller verified with the method's permission
/// from the schema, one transaction scoped to the caller's subtree, the audit record with
/// COMMIT, idempotency keys, errors mapped once (``SessionError``). What other services must
/// learn (agenda's topic moves, supervision's cases) is written to `session.outbox` in the
/// same transaction and delivered by ``SessionOutbox/deliverer(pool:tokens:clock:agenda:supervision:backoff:pollInterval:logger:)``.
public struct SessionService: SessionV1.Session.ServiceProtocol {
    let environment: SessionEnvironment
    let kit: ServiceKit

    public init(environment: SessionEnvironment) {
        self.environment = environment
        self.kit = ServiceKit(service: "session", pool: environment.pool, clock: environment.clock, logger: environment.logger)
    }

    private func days(_ scope: CallScope) -> DemocracyDayOperations { DemocracyDayOperations(scope: scope, environment: environment) }
    private func meetings(_ scope: CallScope) -> MeetingOperations { MeetingOperations(scope: scope, environment: environment) }
    private func deliberation(_ scope: CallScope) -> DeliberationOperations { DeliberationOperations(scope: scope, environment: environment) }
    private func votes(_ scope: CallScope) -> VoteOperations { VoteOperations(scope: scope, environment: environment) }
    private func results(_ scope: CallScope) -> ResultOperations { ResultOperations(scope: scope, environment: environment) }
    private func minutes(_ scope: CallScope) -> MinutesOperations { MinutesOperations(scope: scope, environment: environment) }

    // MARK: Democracy days

    public func setDemocracyDay(_ request: SessionV1.SetDemocracyDayRequest, context: ServerCallContext) async throws -> SessionV1.DemocracyDay {
        try await kit.handle(request, context) { try await days($0).set(request) }
    }

    public func listDemocracyDays(_ request: SessionV1.ListDemocracyDaysRequest, context: ServerCallContext) async throws -> SessionV1.ListDemocracyDaysResponse {
        try await kit.handle(request, context) { try await days($0).list(request) }
    }

    public func getDemocracyCalendar(_ request: SessionV1.GetDemocracyCalendarRequest, context: ServerCallContext) async throws -> SessionV1.DemocracyCalendar {
        try await kit.handle(request, context) { try await days($0).calendar(request) }
    }

    // MARK: Meetings

    public func scheduleMeeting(_ request: SessionV1.ScheduleMeetingRequest, context: ServerCallContext) async throws -> SessionV1.Meeting {
        try await kit.handle(request, context) { try await meetings($0).schedule(request) }
    }

    public func getMeeting(_ request: SessionV1.GetMeetingRequest, context: ServerCallContext) async throws -> SessionV1.Meeting {
        try await kit.handle(request, context) { try await meetings($0).get(request) }
    }

    public func listMeetings(_ request: SessionV1.ListMeetingsRequest, context: ServerCallContext) async throws -> SessionV1.ListMeetingsResponse {
        try await kit.handle(request, context) { try await meetings($0).list(request) }
    }

    public func countActivity(_ request: SessionV1.CountActivityRequest, context: ServerCallContext) async throws -> SessionV1.ActivityCounts {
        try await kit.handle(request, context) { try await ActivityCountOperations(scope: $0).count(request) }
    }

    public func checkIn(_ request: SessionV1.CheckInRequest, context: ServerCallContext) async throws -> SessionV1.Attendance {
        try await kit.handle(request, context) { try await meetings($0).checkIn(request) }
    }

    public func openMeeting(_ request: SessionV1.OpenMeetingRequest, context: ServerCallContext) async throws -> SessionV1.Meeting {
        try await kit.handle(request, context) { try await meetings($0).open(request) }
    }

    public func closeMeeting(_ request: SessionV1.CloseMeetingRequest, context: ServerCallContext) async throws -> SessionV1.Meeting {
        try await kit.handle(request, context) { try await meetings($0).close(request) }
    }

    // MARK: Opinions and rounds

    public func recordOpinion(_ request: SessionV1.RecordOpinionRequest, context: ServerCallContext) async throws -> SessionV1.Opinion {
        try await kit.handle(request, context) { try await deliberation($0).record(request) }
    }

    public func correctOpinion(_ request: SessionV1.CorrectOpinionRequest, context: ServerCallContext) async throws -> SessionV1.Opinion {
        try await kit.handle(request, context) { try await deliberation($0).correct(request) }
    }

    public func listOpinions(_ request: SessionV1.ListOpinionsRequest, context: ServerCallContext) async throws -> SessionV1.ListOpinionsResponse {
        try await kit.handle(request, context) { try await deliberation($0).list(request) }
    }

    public func endRound(_ request: SessionV1.EndRoundRequest, context: ServerCallContext) async throws -> SessionV1.TopicProgress {
        try await kit.handle(request, context) { try await deliberation($0).endRound(request) }
    }

    public func getTopicProgress(_ request: SessionV1.GetTopicProgressRequest, context: ServerCallContext) async throws -> SessionV1.TopicProgress {
        try await kit.handle(request, context) { try await deliberation($0).get(request) }
    }

    // MARK: Votes

    public func openVote(_ request: SessionV1.OpenVoteRequest, context: ServerCallContext) async throws -> SessionV1.Vote {
        try await kit.handle(request, context) { try await votes($0).open(request) }
    }

    public func castVote(_ request: SessionV1.CastVoteRequest, context: ServerCallContext) async throws -> SessionV1.CastVoteResponse {
        try await kit.handle(request, context) { try await votes($0).cast(request) }
    }

    public func recordPaperBallots(_ request: SessionV1.RecordPaperBallotsRequest, context: ServerCallContext) async throws -> SessionV1.Vote {
        try await kit.handle(request, context) { try await votes($0).recordPaper(request) }
    }

    public func closeVote(_ request: SessionV1.CloseVoteRequest, context: ServerCallContext) async throws -> SessionV1.Vote {
        try await kit.handle(request, context) { try await votes($0).close(request) }
    }

    public func getVote(_ request: SessionV1.GetVoteRequest, context: ServerCallContext) async throws -> SessionV1.Vote {
        try await kit.handle(request, context) { try await votes($0).get(request) }
    }

    // MARK: Results

    public func getResult(_ request: SessionV1.GetResultRequest, context: ServerCallContext) async throws -> SessionV1.Result {
        try await kit.handle(request, context) { try await results($0).get(request) }
    }

    public func amendResult(_ request: SessionV1.AmendResultRequest, context: ServerCallContext) async throws -> SessionV1.Result {
        try await kit.handle(request, context) { try await results($0).amend(request) }
    }

    public func publishResult(_ request: SessionV1.PublishResultRequest, context: ServerCallContext) async throws -> SessionV1.Result {
        try await kit.handle(request, context) { try await results($0).publish(request) }
    }

    public func raiseObjection(_ request: SessionV1.RaiseObjectionRequest, context: ServerCallContext) async throws -> SessionV1.Objection {
        try await kit.handle(request, context) { try await results($0).raiseObjection(request) }
    }

    public func resolveObjection(_ request: SessionV1.ResolveObjectionRequest, context: ServerCallContext) async throws -> SessionV1.Objection {
        try await kit.handle(request, context) { try await results($0).resolveObjection(request) }
    }

    public func listObjections(_ request: SessionV1.ListObjectionsRequest, context: ServerCallContext) async throws -> SessionV1.ListObjectionsResponse {
        try await kit.handle(request, context) { try await results($0).listObjections(request) }
    }

    public func fileResult(_ request: SessionV1.FileResultRequest, context: ServerCallContext) async throws -> SessionV1.Result {
        try await kit.handle(request, context) { try await results($0).file(request) }
    }

    public func listPublishedResults(
        _ request: SessionV1.ListPublishedResultsRequest, context: ServerCallContext
    ) async throws -> SessionV1.ListPublishedResultsResponse {
        try await kit.handle(request, context) { try await PublishedResults(scope: $0).list(request) }
    }

    // MARK: Minutes

    public func getMinutes(_ request: SessionV1.GetMinutesRequest, context: ServerCallContext) async throws -> SessionV1.Minutes {
        try await kit.handle(request, context) { try await minutes($0).get(request) }
    }

    public func signMinutes(_ request: SessionV1.SignMinutesRequest, context: ServerCallContext) async throws -> SessionV1.Minutes {
        try await kit.handle(request, context) { try await minutes($0).sign(request) }
    }
}
