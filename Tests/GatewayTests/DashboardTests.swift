import AgendaAPI
import Foundation
import GatewayAPI
import GatewayCore
import GatewayRules
import SessionAPI
import SupervisionAPI
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// The county dashboard (issue 12 item 5) against real services: membership's towns,
/// agenda's ledger and topics, session's meetings and filings, supervision's warning ledger
/// and index — every section filled through the services' own APIs, then read in one call
/// through the gateway. The suite's services share one database; session and supervision run
/// on clocks of their own, which one test moves (hence serialized).
@Suite("County dashboard", .gateway("dash", withSessionAndSupervision: true), .serialized)
struct DashboardTests {
    /// Agenda, session and supervision tokens of the county office (HS256, straight to each service).
    struct Direct {
        let harness: GatewayHarness
        let county: TestCounty
        var extra: GatewayHarness.ExtraServices { harness.extra! }

        var agenda: AgendaV1.Agenda.Client { AgendaV1.Agenda.Client(harness.agenda.client) }
        var agendaOptions: CallOptions {
            harness.agenda.options(principal: "县办", unitPath: county.path,
                                   permissions: ["agenda.read", "agenda.write", "agenda.rules", "agenda.advance"])
        }
        var session: SessionV1.Session.Client { SessionV1.Session.Client(extra.session.client) }
        var sessionOptions: CallOptions {
            extra.session.options(principal: "县办", unitPath: county.path, permissions: ["session.read", "session.write", "session.vote"])
        }
        var supervision: SupervisionV1.Supervision.Client { SupervisionV1.Supervision.Client(extra.supervision.client) }
        var supervisionOptions: CallOptions {
            extra.supervision.options(principal: "县办", unitPath: county.path, permissions: ["supervision.read", "supervision.write"])
        }
        var intake: CallOptions {
            extra.supervision.options(principal: "svc:session", unitPath: county.path, permissions: ["supervision.intake"])
        }

        /// An urgent topic at `unit`, adopted, with a meeting plan for `meetingAt` (five fixed members).
        func plannedTopic(at unit: String, meetingAt: Date) async throws -> AgendaV1.Topic {
            let topic = try await agenda.createTopic(
                .init(unitPath: unit, title: "村道修缮", category: .infrastructure, scale: .urgent, source: .partyCommittee), options: agendaOptions)
            let names = (1...5).map { "两委\($0)" }
            _ = try await agenda.approveTopic(
                .init(topicId: topic.id, meetingOn: .init(year: 2026, month: 1, day: 1), present: names,
                      ballots: names.map { AgendaV1.Ballot(voter: $0, vote: .for) }),
                options: agendaOptions)
            _ = try await agenda.publishMeetingPlan(
                .init(topicId: topic.id, meetingAt: CommonV1.Timestamp(meetingAt), place: "村委会议室", form: .deliberation,
                      participants: (1...5).map { AgendaV1.Participant(person: "委员\($0)", role: .fixedMember) }, agenda: ["讨论"]),
                options: agendaOptions)
            return topic
        }

        /// A case of a filed result at `unit`, as the session service delivers it.
        func openCase(at unit: String) async throws -> SupervisionV1.ImplementationCase {
            try await supervision.openCase(
                .init(filingId: UUID().uuidString.lowercased(), unitPath: unit, topicId: UUID().uuidString.lowercased(),
                      meetingId: UUID().uuidString.lowercased(), resultId: UUID().uuidString.lowercased(), title: "路灯安装",
                      resultText: "安装路灯十盏", filedAt: CommonV1.Timestamp(extra.supervisionClock.now())),
                options: intake)
        }
    }

    /// Fills county `county`: town 1 — three ledger items (one answered), a draft and an adopted
    /// topic, a topic met on in January whose result is filed, two cases (one past its deadline);
    /// town 2 — one item, a topic whose meeting is in April, one case.
    static func fill(_ direct: Direct) async throws {
        let county = direct.county
        let agenda = direct.agenda
        for text in ["路灯不亮", "垃圾清运不及时", "停车难"] {
            _ = try await agenda.recordItem(.init(unitPath: county.villagePath(1), channel: .doorToDoor, category: .infrastructure, text: text),
                                            options: direct.agendaOptions)
        }
        let answered = try await agenda.recordItem(.init(unitPath: county.villagePath(1), channel: .mailbox, category: .infrastructure, text: "井盖缺失"),
                                                   options: direct.agendaOptions)
        _ = try await agenda.answerItem(.init(itemId: answered.id, status: .answered, answer: "已补装"), options: direct.agendaOptions)
        _ = try await agenda.recordItem(.init(unitPath: county.townPath(2), channel: .doorToDoor, category: .infrastructure, text: "镇区积水"),
                                        options: direct.agendaOptions)
        _ = try await agenda.createTopic(
            .init(unitPath: county.villagePath(1), title: "草稿议题", category: .infrastructure, scale: .small, source: .partyCommittee),
            options: direct.agendaOptions)
        let adopted = try await agenda.createTopic(
            .init(unitPath: county.villagePath(1), title: "已通过议题", category: .infrastructure, scale: .small, source: .partyCommittee),
            options: direct.agendaOptions)
        let names = (1...5).map { "两委\($0)" }
        _ = try await agenda.approveTopic(
            .init(topicId: adopted.id, meetingOn: .init(year: 2026, month: 1, day: 1), present: names,
                  ballots: names.map { AgendaV1.Ballot(voter: $0, vote: .for) }),
            options: direct.agendaOptions)

        // Town 1: a meeting in January, its consensus published and, after the notice period, filed.
        let session = direct.session
        let now = direct.extra.sessionClock.now()
        let topic = try await direct.plannedTopic(at: county.villagePath(1), meetingAt: now.addingTimeInterval(86400))
        let meeting = try await session.scheduleMeeting(
            .init(unitPath: county.villagePath(1), body: .consultation, topicIds: [topic.id], host: "主持人", recorder: "记录人"),
            options: direct.sessionOptions)
        for person in (1...5).map({ "委员\($0)" }) {
            _ = try await session.checkIn(.init(meetingId: meeting.id, person: person), options: direct.sessionOptions)
        }
        _ = try await session.openMeeting(.init(meetingId: meeting.id), options: direct.sessionOptions)
        let progress = try await session.endRound(
            .init(meetingId: meeting.id, topicId: topic.id, outcome: .consensus, summary: "同意修缮村道"), options: direct.sessionOptions)
        _ = try await session.closeMeeting(.init(meetingId: meeting.id), options: direct.sessionOptions)
        _ = try await session.publishResult(.init(resultId: progress.resultId), options: direct.sessionOptions)
        direct.extra.sessionClock.advance(by: 6 * 86400)
        let filed = try await session.fileResult(.init(resultId: progress.resultId), options: direct.sessionOptions)
        #expect(filed.state == .filed)

        // Town 2: a meeting planned for April (the second quarter).
        let april = try #require(ISO8601DateFormatter().date(from: "2026-04-10T09:00:00+08:00"))
        let later = try await direct.plannedTopic(at: county.villagePath(2), meetingAt: april)
        _ = try await session.scheduleMeeting(
            .init(unitPath: county.villagePath(2), body: .consultation, topicIds: [later.id], host: "主持人", recorder: "记录人"),
            options: direct.sessionOptions)

        // Supervision: town 1 a case past its deadline (red) and a new one (green); town 2 a new one.
        let late = try await direct.openCase(at: county.villagePath(1))
        _ = try await direct.supervision.assignCase(
            .init(caseId: late.id, responsiblePerson: "负责人甲", deadline: .init(year: 2026, month: 1, day: 1), budgetNote: "村集体经费",
                  decision: .init(decidedOn: .init(year: 2026, month: 1, day: 1), summary: "两委会研究确定", minutesRef: "doc://minutes/1")),
            options: direct.supervisionOptions)
        _ = try await direct.openCase(at: county.villagePath(1))
        _ = try await direct.openCase(at: county.villagePath(2))
        direct.extra.supervisionClock.advance(by: 2 * 86400)
    }

    static func section(_ state: GatewayV1.DashboardSectionState?) -> String {
        guard let state else { return "missing" }
        return state.available ? "available" : "\(state.service) \(state.status)"
    }

    static func topics(_ town: GatewayV1.TownDashboard) -> [AgendaV1.TopicState: Int64] {
        Dictionary(uniqueKeysWithValues: (town.topics?.byState ?? []).filter { $0.count > 0 }.map { ($0.state, $0.count) })
    }

    @Test("a county with two towns: each town's open items, topics by state, meetings and filings of the quarter, cases by level and index, from every service")
    func countsPerTown() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let direct = Direct(harness: harness, county: county)
        try await Self.fill(direct)
        let admin = try await harness.session("dash-county-\(county.number)", .countyAdmin, at: county.path, county: county)

        let started = ContinuousClock.now
        let dashboard = try await harness.gateway.api.getCountyDashboard(.init(unitPath: county.path), options: admin)
        print("DASHBOARD two towns in \(ContinuousClock.now - started)")
        #expect(dashboard.unitPath == county.path && dashboard.divisionCode == county.code && dashboard.name == "网关县\(county.number)")
        #expect(dashboard.year == 2026 && dashboard.quarter == 1)
        #expect(dashboard.unavailableServices.isEmpty, "\(dashboard.unavailableServices)")
        try #require(dashboard.towns.count == 2)
        let (one, two) = (dashboard.towns[0], dashboard.towns[1])
        #expect(one.unitPath == county.townPath(1) && one.divisionCode == county.townCode(1) && one.name == "镇1")
        #expect(two.unitPath == county.townPath(2) && two.name == "镇2")
        for town in dashboard.towns {
            for state in [town.ledger?.state, town.topics?.state, town.meetings?.state, town.results?.state, town.warnings?.state, town.index?.state] {
                #expect(Self.section(state) == "available")
            }
        }
        // Agenda.
        #expect(one.ledger?.openItems == 3 && two.ledger?.openItems == 1)
        #expect(Self.topics(one) == [.draft: 1, .approved: 1, .planned: 1] && one.topics?.total == 3)
        #expect(Self.topics(two) == [.planned: 1] && two.topics?.total == 1)
        #expect(one.topics?.byState.count == 12, "every state is listed, zeros included")
        // Session: the January meeting and its filing count in the first quarter; April's does not.
        #expect(one.meetings?.meetings == 1 && one.meetings?.closed == 1)
        #expect(one.results?.filed == 1 && one.results?.filedTotal == 1)
        #expect(two.meetings?.meetings == 0 && two.results?.filedTotal == 0)
        // Supervision.
        #expect(one.warnings?.level == .red && one.warnings?.cases == SupervisionV1.LevelCounts(green: 1, yellow: 0, red: 1))
        #expect(two.warnings?.level == .green && two.warnings?.cases == SupervisionV1.LevelCounts(green: 1, yellow: 0, red: 0))
        for town in dashboard.towns {
            let index = try await direct.supervision.getIndex(.init(unitPath: town.unitPath, year: 2026), options: direct.supervisionOptions)
            #expect(town.index?.year == 2026 && town.index?.score == index.score)
        }

        // The second quarter: April's meeting, no filing; the division code names the same county.
        let spring = try await harness.gateway.api.getCountyDashboard(.init(divisionCode: county.code, year: 2026, quarter: 2), options: admin)
        #expect(spring.unitPath == county.path && spring.quarter == 2)
        #expect(spring.towns.map(\.unitPath) == [county.townPath(1), county.townPath(2)])
        #expect(spring.towns.last?.meetings?.meetings == 1 && spring.towns.last?.meetings?.closed == 0)
        #expect(spring.towns.first?.meetings?.meetings == 0 && spring.towns.first?.results?.filed == 0 && spring.towns.first?.results?.filedTotal == 1)

        // A malformed quarter is refused naming it.
        for request in [GatewayV1.GetCountyDashboardRequest(unitPath: county.path, year: 2026, quarter: 5),
                        GatewayV1.GetCountyDashboardRequest(unitPath: county.path, year: 0, quarter: 2),
                        GatewayV1.GetCountyDashboardRequest(unitPath: "county")] {
            #expect(await statusOf { _ = try await harness.gateway.api.getCountyDashboard(request, options: admin) } == .invalidArgument)
        }
    }

    @Test("a town administrator sees only their own town — asking for the county, by its code, or for nothing; their neighbour's town is NOT_FOUND")
    func townAdministrator() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let direct = Direct(harness: harness, county: county)
        _ = try await direct.agenda.recordItem(.init(unitPath: county.villagePath(1), channel: .doorToDoor, category: .infrastructure, text: "一镇"),
                                               options: direct.agendaOptions)
        _ = try await direct.agenda.recordItem(.init(unitPath: county.villagePath(2), channel: .doorToDoor, category: .infrastructure, text: "二镇"),
                                               options: direct.agendaOptions)
        let town = try await harness.session("dash-town-\(county.number)", .townAdmin, at: county.townPath(1), county: county)
        for request in [GatewayV1.GetCountyDashboardRequest(unitPath: county.path), GatewayV1.GetCountyDashboardRequest(divisionCode: county.code),
                        GatewayV1.GetCountyDashboardRequest()] {
            let dashboard = try await harness.gateway.api.getCountyDashboard(request, options: town)
            #expect(dashboard.towns.map(\.unitPath) == [county.townPath(1)], "\(request)")
            #expect(dashboard.towns.first?.ledger?.openItems == 1)
        }
        #expect(await statusOf { _ = try await harness.gateway.api.getCountyDashboard(.init(unitPath: county.townPath(2)), options: town) } == .notFound)
        #expect(await statusOf {
            _ = try await harness.gateway.api.getCountyDashboard(.init(divisionCode: county.townCode(2)), options: town)
        } == .notFound)

        // A supervisor and an assessor of the county see both towns; a village clerk may not ask.
        for (index, role) in [Role.supervisor, .assessor].enumerated() {
            let options = try await harness.session("dash-\(index)-\(county.number)", role, at: county.path, county: county)
            let dashboard = try await harness.gateway.api.getCountyDashboard(.init(), options: options)
            #expect(dashboard.towns.count == 2, "\(role)")
        }
        let clerk = try await harness.session("dash-clerk-\(county.number)", .villageClerk, at: county.villagePath(1), county: county)
        #expect(await statusOf { _ = try await harness.gateway.api.getCountyDashboard(.init(unitPath: county.path), options: clerk) } == .permissionDenied)
    }

    @Test("a caller of another county gets NOT_FOUND, by path and by division code, and nothing of the county is read")
    func otherCounty() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let other = try await harness.county()
        let stranger = try await harness.session("dash-other-\(other.number)", .countyAdmin, at: other.path, county: other)
        for request in [GatewayV1.GetCountyDashboardRequest(unitPath: county.path), GatewayV1.GetCountyDashboardRequest(divisionCode: county.code),
                        GatewayV1.GetCountyDashboardRequest(unitPath: county.townPath(1))] {
            #expect(await statusOf { _ = try await harness.gateway.api.getCountyDashboard(request, options: stranger) } == .notFound, "\(request)")
        }
        // Its own county it sees.
        let own = try await harness.gateway.api.getCountyDashboard(.init(), options: stranger)
        #expect(own.unitPath == other.path && own.towns.count == 2)
        // Without credentials: UNAUTHENTICATED.
        #expect(await statusOf {
            _ = try await harness.gateway.api.getCountyDashboard(.init(unitPath: county.path), options: CallOptions(timeout: .seconds(5)))
        } == .unauthenticated)
    }

    @Test("with the session service stopped its sections are unavailable, naming it and UNAVAILABLE, and the rest is served within the deadline")
    func serviceStopped() async throws {
        let harness = try GatewayHarness.current
        let extra = try #require(harness.extra)
        let county = try await harness.county()
        let direct = Direct(harness: harness, county: county)
        _ = try await direct.agenda.recordItem(.init(unitPath: county.villagePath(1), channel: .doorToDoor, category: .infrastructure, text: "一镇"),
                                               options: direct.agendaOptions)
        _ = try await direct.openCase(at: county.villagePath(2))
        // A session service of this test's own, behind a gateway of its own.
        let session = try await TestServer.start(
            services: [GatewayHarness.ExtraServices.sessionService(pool: extra.sessionPool, clock: extra.sessionClock, agenda: harness.agenda)],
            serviceName: "session", pool: extra.sessionPool, authority: GatewayHarness.membershipAuthority, authClock: SystemClock())
        var routes = harness.routes
        routes["session"] = [("127.0.0.1", session.port)]
        let gateway = try await GatewayServer.start(pool: harness.gatewayPool, clock: harness.clock, routes: routes)
        let admin = try await harness.session("dash-stop-\(county.number)", .countyAdmin, at: county.path, county: county)

        let before = try await gateway.api.getCountyDashboard(.init(unitPath: county.path), options: admin)
        #expect(before.unavailableServices.isEmpty && before.towns.allSatisfy { $0.meetings?.state?.available == true })
        await session.shutdown()

        var options = admin
        options.timeout = .seconds(3)
        for _ in 0..<2 {  // before and after the health check noticed
            let started = ContinuousClock.now
            let dashboard = try await gateway.api.getCountyDashboard(.init(unitPath: county.path), options: options)
            let elapsed = ContinuousClock.now - started
            #expect(elapsed < .seconds(3), "\(elapsed)")
            #expect(dashboard.unavailableServices == ["session"])
            try #require(dashboard.towns.count == 2)
            for town in dashboard.towns {
                #expect(Self.section(town.meetings?.state) == "session UNAVAILABLE")
                #expect(Self.section(town.results?.state) == "session UNAVAILABLE")
                #expect(town.meetings?.state?.reason.contains("session") == true)
                for state in [town.ledger?.state, town.topics?.state, town.warnings?.state, town.index?.state] {
                    #expect(Self.section(state) == "available")
                }
            }
            #expect(dashboard.towns[0].ledger?.openItems == 1)
            #expect(dashboard.towns[1].warnings?.cases?.green == 1)
            try await Task.sleep(for: .milliseconds(400))
        }
        await gateway.shutdown()
    }

    @Test("a service that never answers costs its sections their timeout, not the call: DEADLINE_EXCEEDED sections, the rest served, within the call's deadline")
    func serviceSilent() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let direct = Direct(harness: harness, county: county)
        _ = try await direct.agenda.recordItem(.init(unitPath: county.villagePath(2), channel: .doorToDoor, category: .infrastructure, text: "二镇"),
                                               options: direct.agendaOptions)
        let silent = try await SilentListener.start()
        var routes = harness.routes
        routes["supervision"] = [("127.0.0.1", silent.port)]
        let admin = try await harness.session("dash-silent-\(county.number)", .countyAdmin, at: county.path, county: county)

        // The call's deadline (5 s) is shorter than the sections' timeout (30 s): the sections end within it.
        let patient = try await GatewayServer.start(pool: harness.gatewayPool, clock: harness.clock, routes: routes, dashboardSectionTimeout: .seconds(30))
        var short = admin
        short.timeout = .seconds(5)
        var started = ContinuousClock.now
        var dashboard = try await patient.api.getCountyDashboard(.init(unitPath: county.path), options: short)
        var elapsed = ContinuousClock.now - started
        #expect(elapsed < .seconds(8), "\(elapsed)")
        #expect(dashboard.unavailableServices == ["supervision"])
        for town in dashboard.towns {
            #expect(Self.section(town.warnings?.state) == "supervision DEADLINE_EXCEEDED")
            #expect(Self.section(town.index?.state) == "supervision DEADLINE_EXCEEDED")
            #expect(town.index?.state?.reason.contains("the supervision service did not answer") == true)
            #expect(Self.section(town.ledger?.state) == "available" && Self.section(town.meetings?.state) == "available")
        }
        #expect(dashboard.towns.last?.ledger?.openItems == 1)
        await patient.shutdown()

        // The sections' timeout (4 s) shorter than the call's deadline (60 s): the call ends soon after
        // it. (Seconds, not milliseconds: on a busy machine the answering services must still make it.)
        let hasty = try await GatewayServer.start(pool: harness.gatewayPool, clock: harness.clock, routes: routes,
                                                  dashboardSectionTimeout: .seconds(4))
        var long = admin
        long.timeout = .seconds(60)
        started = ContinuousClock.now
        dashboard = try await hasty.api.getCountyDashboard(.init(unitPath: county.path), options: long)
        elapsed = ContinuousClock.now - started
        #expect(elapsed >= .seconds(4) && elapsed < .seconds(30), "\(elapsed)")
        #expect(dashboard.unavailableServices == ["supervision"])
        #expect(dashboard.towns.allSatisfy { Self.section($0.index?.state) == "supervision DEADLINE_EXCEEDED" && $0.topics?.state?.available == true })
        await hasty.shutdown()
        silent.close()
    }
}
