import AgendaAPI
import AgendaCore
import Foundation
import Logging
import SessionAPI
import SessionCore
import SessionRules
import Synchronization
import SupervisionAPI
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// The session service of one suite, run for real beside a real agenda service (topics,
/// plans, AdvanceTopic) and a supervision endpoint of the test's own (``SupervisionRecorder``,
/// the generated server protocol on real TCP), each on its own fresh database and loopback
/// port. Session reads agenda over RPC (``AgendaTopicDirectory``); invitees come from the
/// plans' participants (no membership roster).
final class SessionHarness: SuiteHarness {
    let agenda: ServiceHarness
    let session: ServiceHarness
    let supervision: SupervisionRecorder
    let agendaAPI: AgendaV1.Agenda.Client
    let api: SessionV1.Session.Client
    private let counties = Atomic<Int>(0)
    private let region: Int

    /// 2025-03-03 10:00 Beijing time, a Monday.
    static let startOfTime = ISO8601DateFormatter().date(from: "2025-03-03T10:00:00+08:00")!
    static let vault = PIIVault(encryptionKey: Array(repeating: 0x5A, count: 32), hashKey: Array(repeating: 0xA5, count: 32))
    static let authority = TokenAuthority(secret: TestServer.defaultSecret)

    private init(agenda: ServiceHarness, session: ServiceHarness, supervision: SupervisionRecorder, region: Int) {
        self.agenda = agenda
        self.session = session
        self.supervision = supervision
        self.region = region
        self.agendaAPI = AgendaV1.Agenda.Client(agenda.server.client)
        self.api = SessionV1.Session.Client(session.server.client)
    }

    static func start(
        prefix: String, region: Int, rounds: RoundPolicy = RoundPolicy(maxRounds: 2), rosters: (any RosterDirectory)? = nil
    ) async throws -> SessionHarness {
        let agenda = try await ServiceHarness.start(
            service: "agenda", prefix: prefix + "_a", migrations: try AgendaMigrations.all(), startOfTime: startOfTime
        ) { context in
            [AgendaService(environment: AgendaEnvironment(pool: context.pool, vault: vault, clock: context.clock, logger: context.logger))]
        }
        let directory = AgendaTopicDirectory(client: agenda.server.client, tokens: authority)
        let session = try await ServiceHarness.start(
            service: "session", prefix: prefix + "_s", migrations: try SessionMigrations.all(), startOfTime: startOfTime
        ) { context in
            [SessionService(environment: SessionEnvironment(
                pool: context.pool, clock: context.clock, rounds: rounds, topics: directory, rosters: rosters, logger: context.logger))]
        }
        let supervision = try await SupervisionRecorder.start()
        return SessionHarness(agenda: agenda, session: session, supervision: supervision, region: region)
    }

    func close() async {
        await supervision.stop()
        await session.close()
        await agenda.close()
    }

    /// A deliverer of session's outbox as the executable runs it (a fresh one is a restart).
    func deliverer(pool: PostgresPool? = nil) -> OutboxDeliverer {
        SessionOutbox.deliverer(
            pool: pool ?? session.servicePool, tokens: Self.authority, agenda: agenda.server.client, supervision: supervision.client,
            backoff: OutboxBackoff(base: .milliseconds(20), maximum: .milliseconds(200)), pollInterval: .milliseconds(20),
            logger: TestDatabase.logger)
    }

    func county() -> County {
        let number = counties.add(1, ordering: .relaxed).newValue
        return County(harness: self, region: "\(region)" + String(format: "%02d", number))
    }

    @TaskLocal static var bound: SessionHarness?

    static var current: SessionHarness {
        get throws { try #require(bound, "the suite lacks the .sessionService trait") }
    }
}

extension Trait where Self == HarnessTrait<SessionHarness> {
    static func sessionService(_ prefix: String, region: Int) -> Self {
        HarnessTrait(
            start: { try await SessionHarness.start(prefix: prefix, region: region) },
            bind: { harness, body in try await SessionHarness.$bound.withValue(harness, operation: body) })
    }
}

/// The implementation-case intake as the supervision service will serve it (the generated
/// protocol, real TCP, real tokens with `supervision.intake`), recording each call; it can be
/// stopped and started again on the same port (a receiver that was down).
final class SupervisionRecorder: SupervisionV1.Supervision.ServiceProtocol, Sendable {
    let calls = Mutex<[SupervisionV1.OpenCaseRequest]>([])
    let port: Int
    let client: RPCClient
    private let running = Mutex<(server: RPCServer, task: Task<Void, any Error>)?>(nil)

    private init(port: Int) {
        self.port = port
        self.client = RPCClient(
            configuration: RPCClient.Configuration(
                host: "127.0.0.1", port: port, connectTimeout: .seconds(1), keepAliveInterval: nil, defaultRetryPolicy: .none,
                defaultTimeout: .seconds(5)),
            logger: TestServer.quietLogger)
    }

    /// A recorder on a free port, not yet listening.
    static func start() async throws -> SupervisionRecorder {
        // Find a free port: listen once on port 0, note it, stop.
        let probe = RPCServer(configuration: .init(host: "127.0.0.1", port: 0), services: [], logger: TestServer.quietLogger)
        let task = Task { try await probe.run() }
        let port = try await probe.port
        probe.shutdownGracefully()
        _ = try? await task.value
        return SupervisionRecorder(port: port)
    }

    func openCase(_ request: SupervisionV1.OpenCaseRequest, context: ServerCallContext) async throws -> SupervisionV1.ImplementationCase {
        guard Caller.bound?.has("supervision.intake") == true else { throw RPCError(code: .permissionDenied, message: "no intake") }
        calls.withLock { $0.append(request) }
        return SupervisionV1.ImplementationCase(
            id: UUID().uuidString.lowercased(), filingId: request.filingId, unitPath: request.unitPath, topicId: request.topicId,
            meetingId: request.meetingId, resultId: request.resultId, title: request.title, resultText: request.resultText,
            filedAt: request.filedAt)
    }

    var received: [SupervisionV1.OpenCaseRequest] { calls.withLock { $0 } }

    func listen() async throws {
        let server = RPCServer(
            configuration: .init(host: "127.0.0.1", port: port, idleTimeout: nil, keepAliveInterval: nil, drainTimeout: .seconds(2)),
            services: [self],
            interceptors: [AuthInterceptor(authority: SessionHarness.authority, audience: "supervision")],
            logger: TestServer.quietLogger)
        let task = Task { try await server.run() }
        _ = try await server.port
        running.withLock { $0 = (server, task) }
    }

    func stop() async {
        guard let (server, task) = running.withLock({ value in defer { value = nil }; return value }) else { return }
        server.shutdownGracefully()
        _ = try? await task.value
    }
}

/// One test's county `RRNN00000000` with a village `RRNN00001001`.
struct County: Sendable {
    let harness: SessionHarness
    let region: String

    var api: SessionV1.Session.Client { harness.api }
    var code: String { region + "00000000" }
    var path: String { "u" + code }
    var town: String { path + ".u" + region + "00001000" }
    var village: String { town + ".u" + region + "00001001" }

    var admin: CallOptions {
        harness.session.server.options(principal: "镇干部", unitPath: path, permissions: ["session.read", "session.write", "session.vote", "session.rules"])
    }

    func caller(_ principal: String, _ permissions: Set<String> = ["session.read", "session.write", "session.vote"]) -> CallOptions {
        harness.session.server.options(principal: principal, unitPath: path, permissions: permissions)
    }

    var agendaAdmin: CallOptions {
        harness.agenda.server.options(principal: "镇干部", unitPath: path, permissions: ["agenda.read", "agenda.write", "agenda.rules", "agenda.advance"])
    }

    /// An urgent topic at the village, adopted, with a meeting plan whose participants are
    /// `members` fixed members 委员1…N, an expert and an observer, meeting a day later.
    func plannedTopic(_ title: String = "村道修缮", members: Int = 9, expert: Bool = true, council: String = "", form: AgendaV1.MeetingForm = .deliberation) async throws -> AgendaV1.Topic {
        let agenda = harness.agendaAPI
        let topic = try await agenda.createTopic(
            .init(unitPath: village, title: title, category: .infrastructure, scale: .urgent, source: .partyCommittee), options: agendaAdmin)
        let names = (1...5).map { "两委\($0)" }
        _ = try await agenda.approveTopic(
            .init(topicId: topic.id, meetingOn: .init(year: 2025, month: 3, day: 3), present: names,
                  ballots: names.map { AgendaV1.Ballot(voter: $0, vote: .for) }),
            options: agendaAdmin)
        let participants = (1...members).map { AgendaV1.Participant(person: "委员\($0)", role: .fixedMember) }
            + (expert ? [AgendaV1.Participant(person: "王工", role: .expert)] : [])
            + [AgendaV1.Participant(person: "镇干部列席", role: .observer)]
        _ = try await agenda.publishMeetingPlan(
            .init(topicId: topic.id, meetingAt: stamp(harness.session.clock.now().addingTimeInterval(86400)), place: "村委会议室",
                  form: form, participants: participants, agenda: ["讨论"], councilId: council),
            options: agendaAdmin)
        return try await agenda.getTopic(.init(topicId: topic.id), options: agendaAdmin)
    }

    func meeting(_ topics: [AgendaV1.Topic], host: String = "主持人", recorder: String = "记录人") async throws -> SessionV1.Meeting {
        try await api.scheduleMeeting(
            .init(unitPath: village, body: .consultation, topicIds: topics.map(\.id), host: host, recorder: recorder), options: admin)
    }

    /// Checks in `people` and opens the meeting.
    func sit(_ meeting: SessionV1.Meeting, _ people: [String]) async throws -> SessionV1.Meeting {
        for person in people {
            _ = try await api.checkIn(.init(meetingId: meeting.id, person: person), options: admin)
        }
        return try await api.openMeeting(.init(meetingId: meeting.id), options: admin)
    }

    func agendaState(_ topic: String) async throws -> AgendaV1.TopicState {
        try await harness.agendaAPI.getTopic(.init(topicId: topic), options: agendaAdmin).state
    }
}

func stamp(_ date: Date) -> CommonV1.Timestamp {
    CommonV1.Timestamp(seconds: Int64(date.timeIntervalSince1970.rounded(.down)), nanos: 0)
}

/// Waits (up to `seconds`, polling) until `condition` holds; delivers the outbox on each turn
/// when a deliverer is given.
func eventually(
    _ seconds: Double = 20, deliver: OutboxDeliverer? = nil, sourceLocation: SourceLocation = #_sourceLocation,
    _ condition: () async throws -> Bool
) async throws {
    let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < end {
        if let deliver { _ = try? await deliver.deliverPending() }
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(50))
    }
    Issue.record("condition not met within \(seconds) s", sourceLocation: sourceLocation)
}


/// The recorder serves only the intake; the rest of the service is not its business.
extension SupervisionRecorder {
    func assignCase(_ request: SupervisionV1.AssignCaseRequest, context: ServerCallContext) async throws -> SupervisionV1.ImplementationCase {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func getCase(_ request: SupervisionV1.GetCaseRequest, context: ServerCallContext) async throws -> SupervisionV1.ImplementationCase {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func listCases(_ request: SupervisionV1.ListCasesRequest, context: ServerCallContext) async throws -> SupervisionV1.ListCasesResponse {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func getCaseFile(_ request: SupervisionV1.GetCaseRequest, context: ServerCallContext) async throws -> SupervisionV1.CaseFile {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func reportProgress(_ request: SupervisionV1.ReportProgressRequest, context: ServerCallContext) async throws -> SupervisionV1.ProgressReport {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func recordCheck(_ request: SupervisionV1.RecordCheckRequest, context: ServerCallContext) async throws -> SupervisionV1.SupervisionCheck {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func publishReport(_ request: SupervisionV1.PublishReportRequest, context: ServerCallContext) async throws -> SupervisionV1.ResidentReport {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func listReports(_ request: SupervisionV1.ListReportsRequest, context: ServerCallContext) async throws -> SupervisionV1.ListReportsResponse {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func inviteFeedback(_ request: SupervisionV1.InviteFeedbackRequest, context: ServerCallContext) async throws -> SupervisionV1.InviteFeedbackResponse {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func submitFeedback(_ request: SupervisionV1.SubmitFeedbackRequest, context: ServerCallContext) async throws -> SupervisionV1.Feedback {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func closeCase(_ request: SupervisionV1.CloseCaseRequest, context: ServerCallContext) async throws -> SupervisionV1.ImplementationCase {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func getThreeZeros(_ request: SupervisionV1.GetThreeZerosRequest, context: ServerCallContext) async throws -> SupervisionV1.ThreeZeros {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func getWarningLedger(_ request: SupervisionV1.GetWarningLedgerRequest, context: ServerCallContext) async throws -> SupervisionV1.WarningLedger {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func getQuarterlyReport(_ request: SupervisionV1.GetQuarterlyReportRequest, context: ServerCallContext) async throws -> SupervisionV1.QuarterlyReport {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func getIndex(_ request: SupervisionV1.GetIndexRequest, context: ServerCallContext) async throws -> SupervisionV1.IndexScore {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func compareIndex(_ request: SupervisionV1.CompareIndexRequest, context: ServerCallContext) async throws -> SupervisionV1.CompareIndexResponse {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func recordAssessment(_ request: SupervisionV1.RecordAssessmentRequest, context: ServerCallContext) async throws -> SupervisionV1.Assessment {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func getDossier(_ request: SupervisionV1.GetDossierRequest, context: ServerCallContext) async throws -> SupervisionV1.Dossier {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
    func exportDossier(_ request: SupervisionV1.ExportDossierRequest, context: ServerCallContext) async throws -> SupervisionV1.DossierDocument {
        throw RPCError(code: .unimplemented, message: "the recorder serves OpenCase only")
    }
}
