import AgendaAPI
import AgendaCore
import Foundation
import Synchronization
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// The agenda service of one suite, run for real on the kit's ``ServiceHarness``: a fresh
/// database migrated as `agenda_owner`, the service connected as `agenda_svc` (row-level
/// security applies) behind a real `RPCServer` with the production interceptors, and a
/// ``ManualClock``.
///
/// Units are paths (agenda keeps no copy of membership's tree), so tests need no membership
/// service beside it: each test takes a county of its own (``county()``) and names its
/// towns and villages by path.
final class AgendaHarness: SuiteHarness {
    let base: ServiceHarness
    let api: AgendaV1.Agenda.Client
    private let counties = Atomic<Int>(0)
    private let prefix: Int

    var superuser: PostgresPool { base.superuser }
    var clock: ManualClock { base.clock }
    var server: TestServer { base.server }

    /// 2025-03-03 10:00 Beijing time, a Monday.
    static let startOfTime = instant("2025-03-03T10:00:00+08:00")

    private init(base: ServiceHarness, prefix: Int) {
        self.base = base
        self.prefix = prefix
        self.api = AgendaV1.Agenda.Client(base.server.client)
    }

    static let vault = PIIVault(encryptionKey: Array(repeating: 0x5A, count: 32), hashKey: Array(repeating: 0xA5, count: 32))

    /// `region` keeps suites' county codes apart in the shared audit chains of one database;
    /// `environment` is the deployment's (``AgendaSettings/fromEnvironment(_:)``, as
    /// `tongxin-agenda` reads it at start).
    static func start(prefix: String, region: Int, environment: [String: String] = [:]) async throws -> AgendaHarness {
        let settings = try AgendaSettings.fromEnvironment(environment)
        let base = try await ServiceHarness.start(
            service: "agenda", prefix: prefix, migrations: try AgendaMigrations.all(), startOfTime: startOfTime
        ) { context in
            [AgendaService(environment: AgendaEnvironment(
                pool: context.pool, vault: vault, clock: context.clock, scales: settings.scales, timeZone: settings.timeZone,
                logger: context.logger))]
        }
        return AgendaHarness(base: base, prefix: region)
    }

    func close() async {
        await base.close()
    }

    /// A county of this test's own.
    func county() -> County {
        let number = counties.add(1, ordering: .relaxed).newValue
        precondition(number < 100, "a suite has at most 99 tests")
        return County(harness: self, region: "\(prefix)" + pad(number, 2))
    }

    @TaskLocal static var bound: AgendaHarness?

    static var current: AgendaHarness {
        get throws {
            guard let bound else { throw MissingHarness() }
            return bound
        }
    }
}

struct MissingHarness: Error, CustomStringConvertible {
    var description: String { "the suite lacks the .agendaService trait" }
}

extension Trait where Self == HarnessTrait<AgendaHarness> {
    /// `region`: two digits (11–99) that start every county code of the suite.
    static func agendaService(_ prefix: String, region: Int, environment: [String: String] = [:]) -> Self {
        HarnessTrait(
            start: { try await AgendaHarness.start(prefix: prefix, region: region, environment: environment) },
            bind: { harness, body in try await AgendaHarness.$bound.withValue(harness, operation: body) })
    }
}

/// One test's county `RRNN00000000`: towns `RRNN00TTT000`, villages `RRNN00TTTVVV`.
struct County: Sendable {
    let harness: AgendaHarness
    let region: String

    var api: AgendaV1.Agenda.Client { harness.api }
    var code: String { region + "00000000" }
    var path: String { "u" + code }

    func town(_ town: Int) -> String { path + ".u" + region + "00" + pad(town, 3) + "000" }
    func village(_ village: Int, town: Int = 1) -> String { self.town(town) + ".u" + region + "00" + pad(town, 3) + pad(village, 3) }

    /// The county's administrator: every agenda permission and personal data.
    var admin: CallOptions { caller(at: path, Permissions.all) }

    func caller(at path: String, _ permissions: Set<String>, principal: String = "clerk") -> CallOptions {
        harness.server.options(principal: principal, unitPath: path, permissions: permissions)
    }

    // MARK: Builders

    @discardableResult
    func item(
        at unit: String, channel: AgendaV1.Channel = .doorToDoor, category: AgendaV1.Category = .infrastructure,
        text: String = "村道破损", reporter: String = "张三", contact: String = "13800005678", externalRef: String = "",
        receivedAt: Date? = nil, options: CallOptions? = nil
    ) async throws -> AgendaV1.Item {
        try await api.recordItem(
            AgendaV1.RecordItemRequest(
                unitPath: unit, channel: channel, category: category, text: text, reporter: reporter, contact: contact,
                externalRef: externalRef, receivedAt: receivedAt.map(timestamp)),
            options: options ?? admin)
    }

    func topic(
        at unit: String, title: String = "村道修缮", category: AgendaV1.Category = .infrastructure, scale: AgendaV1.Scale = .small,
        source: AgendaV1.TopicSource = .partyCommittee, items: [String] = [], spanned: [String] = []
    ) async throws -> AgendaV1.Topic {
        try await api.createTopic(
            AgendaV1.CreateTopicRequest(
                unitPath: unit, title: title, category: category, scale: scale, source: source, itemIds: items,
                spannedUnitPaths: spanned),
            options: admin)
    }

    /// The two-committee vote: `present` members, the first `inFavour` for, the rest against.
    func vote(_ topic: AgendaV1.Topic, inFavour: Int, of present: Int, on day: CommonV1.Date = .init(year: 2025, month: 3, day: 3)) async throws -> AgendaV1.ApproveTopicResponse {
        let names = (1...present).map { "委员\($0)" }
        let ballots = names.enumerated().map { AgendaV1.Ballot(voter: $1, vote: $0 < inFavour ? .`for` : .against) }
        return try await api.approveTopic(
            AgendaV1.ApproveTopicRequest(topicId: topic.id, meetingOn: day, present: names, ballots: ballots), options: admin)
    }

    func research(_ topic: AgendaV1.Topic) async throws -> AgendaV1.ResearchRecord {
        try await api.addResearchRecord(
            AgendaV1.AddResearchRecordRequest(
                topicId: topic.id, kind: .siteVisit, summary: "实地查看村道", attachments: ["doc://photos/1"],
                conductedOn: .init(year: 2025, month: 3, day: 4)),
            options: admin)
    }

    func plan(_ topic: AgendaV1.Topic, meetingAt: Date) async throws -> AgendaV1.MeetingPlan {
        try await api.publishMeetingPlan(
            AgendaV1.PublishMeetingPlanRequest(
                topicId: topic.id, meetingAt: timestamp(meetingAt), place: "村委会议室",
                participants: [.init(person: "委员1", role: .fixedMember), .init(person: "王工", role: .expert)],
                agenda: ["通报调研情况", "讨论修缮方案"]),
            options: admin)
    }

    func advance(_ topic: AgendaV1.Topic, to state: AgendaV1.TopicState) async throws -> AgendaV1.Topic {
        try await api.advanceTopic(AgendaV1.AdvanceTopicRequest(topicId: topic.id, to: state), options: admin)
    }

    func getTopic(_ topic: AgendaV1.Topic) async throws -> AgendaV1.Topic {
        try await api.getTopic(AgendaV1.GetTopicRequest(topicId: topic.id), options: admin)
    }
}

/// Permission names the agenda schema declares (and `AuthInterceptor` checks).
enum Permissions {
    static let read = "agenda.read"
    static let write = "agenda.write"
    static let rules = "agenda.rules"
    static let advance = "agenda.advance"
    static let all: Set<String> = [read, write, rules, advance, Permission.readPII]
    static let clerk: Set<String> = [read, write]
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


