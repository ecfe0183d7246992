import AgendaAPI
import AgendaCore
import Foundation
import Synchronization
import SessionAPI
import SessionCore
import SupervisionAPI
import SupervisionCore
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// The supervision service of one suite on the kit's ``ServiceHarness``: a fresh database
/// migrated as `supervision_owner`, the service as `supervision_svc` behind the real RPC
/// server, a ``ManualClock``. With `agenda`, an agenda service runs beside it (its own
/// database, as in production: the two talk only over RPC) and is the dossier's agenda source.
/// With `session`, a session service runs too (its own database, reading agenda's topics
/// and plans) and is the dossier's session source; its outbox (``sessionDeliverer``) reaches
/// agenda and this supervision service, so a filed result opens its case for real.
final class SupervisionHarness: SuiteHarness {
    let base: ServiceHarness
    let agenda: ServiceHarness?
    let session: ServiceHarness?
    let api: SupervisionV1.Supervision.Client
    private let counties = Atomic<Int>(0)
    private let prefix: Int

    var superuser: PostgresPool { base.superuser }
    var clock: ManualClock { base.clock }
    var server: TestServer { base.server }

    /// 2025-03-03 10:00 Beijing time, a Monday.
    static let startOfTime = instant("2025-03-03T10:00:00+08:00")
    static let authority = TokenAuthority(secret: TestServer.defaultSecret)

    private init(base: ServiceHarness, agenda: ServiceHarness?, session: ServiceHarness?, prefix: Int) {
        self.base = base
        self.agenda = agenda
        self.session = session
        self.prefix = prefix
        self.api = SupervisionV1.Supervision.Client(base.server.client)
    }

    /// Moves the clocks of every service of the harness together (a filing must not come
    /// from supervision's future).
    func advance(by seconds: TimeInterval) {
        for harness in [base, agenda, session].compactMap({ $0 }) { harness.clock.advance(by: seconds) }
    }

    /// The session service's outbox deliverer as its executable runs it, towards agenda and
    /// this supervision service.
    func sessionDeliverer() throws -> OutboxDeliverer {
        guard let session, let agenda else { throw MissingHarness() }
        return SessionOutbox.deliverer(
            pool: session.servicePool, tokens: Self.authority, agenda: agenda.server.client, supervision: base.server.client,
            backoff: OutboxBackoff(base: .milliseconds(20), maximum: .milliseconds(200)), pollInterval: .milliseconds(20),
            logger: TestDatabase.logger)
    }

    /// `unreachableAgenda`: the dossier's agenda source points at a port nobody listens on.
    static func start(
        prefix: String, region: Int, withAgenda: Bool, withSession: Bool = false, unreachableAgenda: Bool = false
    ) async throws -> SupervisionHarness {
        let withAgenda = withAgenda || withSession
        var agenda: ServiceHarness?
        var session: ServiceHarness?
        var sources: [any DossierSource] = [UnavailableSource.agendaNotConfigured, UnavailableSource.sessionNotConfigured]
        if unreachableAgenda {
            let client = RPCClient(
                configuration: RPCClient.Configuration(host: "127.0.0.1", port: 9, connectTimeout: .seconds(1), defaultRetryPolicy: .none),
                logger: TestServer.quietLogger)
            sources = [AgendaDossierSource(client: client, tokens: TokenAuthority(secret: TestServer.defaultSecret)),
                       UnavailableSource.sessionNotConfigured]
        }
        if withAgenda {
            let vault = PIIVault(encryptionKey: Array(repeating: 0x5A, count: 32), hashKey: Array(repeating: 0xA5, count: 32))
            let started = try await ServiceHarness.start(
                service: "agenda", prefix: prefix + "ag", migrations: try AgendaMigrations.all(), startOfTime: startOfTime
            ) { context in
                [AgendaService(environment: AgendaEnvironment(pool: context.pool, vault: vault, clock: context.clock, logger: context.logger))]
            }
            agenda = started
            let client = RPCClient(
                configuration: RPCClient.Configuration(host: "127.0.0.1", port: started.server.port, connectTimeout: .seconds(2)),
                logger: TestServer.quietLogger)
            sources = [AgendaDossierSource(client: client, tokens: TokenAuthority(secret: TestServer.defaultSecret)),
                       UnavailableSource.sessionNotConfigured]
            if withSession {
                let directory = AgendaTopicDirectory(client: started.server.client, tokens: authority)
                let sessionService = try await ServiceHarness.start(
                    service: "session", prefix: prefix + "se", migrations: try SessionMigrations.all(), startOfTime: startOfTime
                ) { context in
                    [SessionService(environment: SessionEnvironment(pool: context.pool, clock: context.clock, topics: directory, logger: context.logger))]
                }
                session = sessionService
                let sessionClient = RPCClient(
                    configuration: RPCClient.Configuration(host: "127.0.0.1", port: sessionService.server.port, connectTimeout: .seconds(2)),
                    logger: TestServer.quietLogger)
                sources[1] = SessionDossierSource(client: sessionClient, tokens: authority)
            }
        }
        let base = try await ServiceHarness.start(
            service: "supervision", prefix: prefix, migrations: try SupervisionMigrations.all(), startOfTime: startOfTime
        ) { [sources] context in
            [SupervisionService(environment: SupervisionEnvironment(
                pool: context.pool, clock: context.clock, dossierSources: sources, logger: context.logger))]
        }
        return SupervisionHarness(base: base, agenda: agenda, session: session, prefix: region)
    }

    func close() async {
        await base.close()
        await session?.close()
        await agenda?.close()
    }

    func county() -> County {
        let number = counties.add(1, ordering: .relaxed).newValue
        precondition(number < 100, "a suite has at most 99 tests")
        return County(harness: self, region: "\(prefix)" + pad(number, 2))
    }

    @TaskLocal static var bound: SupervisionHarness?

    static var current: SupervisionHarness {
        get throws {
            guard let bound else { throw MissingHarness() }
            return bound
        }
    }
}

struct MissingHarness: Error, CustomStringConvertible {
    var description: String { "the suite lacks the .supervisionService trait" }
}

extension Trait where Self == HarnessTrait<SupervisionHarness> {
    /// `region`: two digits (11–99) that start every county code of the suite.
    static func supervisionService(
        _ prefix: String, region: Int, withAgenda: Bool = false, withSession: Bool = false, unreachableAgenda: Bool = false
    ) -> Self {
        HarnessTrait(
            start: {
                try await SupervisionHarness.start(
                    prefix: prefix, region: region, withAgenda: withAgenda, withSession: withSession, unreachableAgenda: unreachableAgenda)
            },
            bind: { harness, body in try await SupervisionHarness.$bound.withValue(harness, operation: body) })
    }
}

/// Permission names the supervision schema declares.
enum Permissions {
    static let read = "supervision.read"
    static let write = "supervision.write"
    static let intake = "supervision.intake"
    static let progress = "supervision.progress"
    static let check = "supervision.check"
    static let feedback = "supervision.feedback"
    static let assess = "supervision.assess"
    static let all: Set<String> = [read, write, intake, progress, check, feedback, assess]
}

/// One test's county `RRNN00000000`: towns `RRNN00TTT000`, villages `RRNN00TTTVVV`.
struct County: Sendable {
    let harness: SupervisionHarness
    let region: String

    var api: SupervisionV1.Supervision.Client { harness.api }
    var code: String { region + "00000000" }
    var path: String { "u" + code }

    func town(_ town: Int) -> String { path + ".u" + region + "00" + pad(town, 3) + "000" }
    func village(_ village: Int, town: Int = 1) -> String { self.town(town) + ".u" + region + "00" + pad(town, 3) + pad(village, 3) }

    /// The county office: every supervision permission.
    var admin: CallOptions { caller(at: path, Permissions.all, principal: "county-office") }
    /// The session service delivering a filing.
    var session: CallOptions { caller(at: path, [Permissions.intake], principal: "svc:session") }

    func caller(at path: String, _ permissions: Set<String>, principal: String = "clerk") -> CallOptions {
        harness.server.options(principal: principal, unitPath: path, permissions: permissions)
    }

    /// The responsible person's own token.
    func person(_ principal: String, at unit: String? = nil) -> CallOptions {
        caller(at: unit ?? path, [Permissions.read, Permissions.progress], principal: principal)
    }

    func resident(_ principal: String, at unit: String) -> CallOptions {
        caller(at: unit, [Permissions.read, Permissions.feedback], principal: principal)
    }

    // MARK: Builders

    func open(
        at unit: String, topic: String = UUID().canonicalText, filing: String = UUID().canonicalText, title: String = "村道修缮",
        filedAt: Date? = nil
    ) async throws -> SupervisionV1.ImplementationCase {
        try await api.openCase(
            SupervisionV1.OpenCaseRequest(
                filingId: filing, unitPath: unit, topicId: topic, meetingId: UUID().canonicalText, resultId: UUID().canonicalText,
                title: title, resultText: "硬化村道 1.2 公里", filedAt: timestamp(filedAt ?? harness.clock.now())),
            options: session)
    }

    func assign(
        _ kase: SupervisionV1.ImplementationCase, to person: String = "负责人甲", deadline: CommonV1.Date = .init(year: 2025, month: 6, day: 30),
        milestones: [(String, CommonV1.Date)] = []
    ) async throws -> SupervisionV1.ImplementationCase {
        let today = LocalDay.today(harness.clock)
        return try await api.assignCase(
            SupervisionV1.AssignCaseRequest(
                caseId: kase.id, responsiblePerson: person, deadline: deadline,
                milestones: milestones.map { SupervisionV1.MilestoneSpec(title: $0.0, dueOn: $0.1) }, budgetNote: "村集体经费 8 万元",
                decision: SupervisionV1.CommitteeDecision(decidedOn: today, summary: "两委会研究确定由负责人甲牵头落实", minutesRef: "doc://minutes/1")),
            options: admin)
    }

    /// A case assigned to `person`, with its first progress report today.
    func running(at unit: String, person: String = "负责人甲", deadline: CommonV1.Date = .init(year: 2025, month: 6, day: 30),
                 milestones: [(String, CommonV1.Date)] = []) async throws -> SupervisionV1.ImplementationCase {
        try await assign(try await open(at: unit), to: person, deadline: deadline, milestones: milestones)
    }

    @discardableResult
    func progress(_ kase: SupervisionV1.ImplementationCase, percent: Int32, by person: String = "负责人甲", milestones: [String] = []) async throws -> SupervisionV1.ProgressReport {
        try await api.reportProgress(
            SupervisionV1.ReportProgressRequest(caseId: kase.id, text: "已完成路基 \(percent)%", percent: percent, attachments: ["doc://photo/1"],
                                                completedMilestoneIds: milestones),
            options: self.person(person))
    }

    /// A case run to completion (100%), feedback from `residents` with `ratings`.
    func completed(at unit: String, ratings: [SupervisionV1.Rating] = []) async throws -> SupervisionV1.ImplementationCase {
        let kase = try await running(at: unit)
        try await progress(kase, percent: 100)
        if !ratings.isEmpty {
            let residents = ratings.indices.map { "居民\($0)" }
            _ = try await api.inviteFeedback(.init(caseId: kase.id, residents: residents), options: admin)
            for (index, rating) in ratings.enumerated() {
                _ = try await api.submitFeedback(.init(caseId: kase.id, rating: rating), options: resident(residents[index], at: unit))
            }
        }
        return try await get(kase)
    }

    func get(_ kase: SupervisionV1.ImplementationCase) async throws -> SupervisionV1.ImplementationCase {
        try await api.getCase(.init(caseId: kase.id), options: admin)
    }
}

enum LocalDay {
    static func today(_ clock: ManualClock) -> CommonV1.Date {
        let tz = TimeZone(identifier: "Asia/Shanghai")!
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = tz
        let parts = calendar.dateComponents([.year, .month, .day], from: clock.now())
        return CommonV1.Date(year: Int32(parts.year!), month: Int32(parts.month!), day: Int32(parts.day!))
    }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}

func instant(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { preconditionFailure("bad instant \(text)") }
    return date
}

func timestamp(_ date: Date) -> CommonV1.Timestamp {
    let seconds = date.timeIntervalSince1970.rounded(.down)
    return CommonV1.Timestamp(seconds: Int64(seconds), nanos: Int32(((date.timeIntervalSince1970 - seconds) * 1e9).rounded(.down)))
}


