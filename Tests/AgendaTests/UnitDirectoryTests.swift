import AgendaAPI
import AgendaCore
import Foundation
import MembershipAPI
import MembershipCore
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// Agenda beside membership: with a ``MembershipUnitDirectory`` every unit a request names
/// must be registered in membership, so an unknown unit inside the caller's scope is
/// NOT_FOUND too (issue 9, "Unknown unit → NOT_FOUND").
final class AgendaWithMembership: SuiteHarness {
    let membership: ServiceHarness
    let agenda: ServiceHarness
    let units: MembershipV1.Membership.Client
    let api: AgendaV1.Agenda.Client

    init(membership: ServiceHarness, agenda: ServiceHarness) {
        self.membership = membership
        self.agenda = agenda
        self.units = MembershipV1.Membership.Client(membership.server.client)
        self.api = AgendaV1.Agenda.Client(agenda.server.client)
    }

    static func start() async throws -> AgendaWithMembership {
        let membership = try await ServiceHarness.start(
            service: "membership", prefix: "agenda_units_m", migrations: try MembershipMigrations.all(),
            startOfTime: AgendaHarness.startOfTime
        ) { context in
            [MembershipService(environment: MembershipEnvironment(
                pool: context.pool, tokens: context.authority, vault: AgendaHarness.vault, clock: context.clock, logger: context.logger))]
        }
        let directory = MembershipUnitDirectory(client: membership.server.client, tokens: TokenAuthority(secret: TestServer.defaultSecret))
        let agenda = try await ServiceHarness.start(
            service: "agenda", prefix: "agenda_units_a", migrations: try AgendaMigrations.all(), startOfTime: AgendaHarness.startOfTime
        ) { context in
            [AgendaService(environment: AgendaEnvironment(
                pool: context.pool, vault: AgendaHarness.vault, clock: context.clock, units: directory, councils: directory,
                logger: context.logger))]
        }
        return AgendaWithMembership(membership: membership, agenda: agenda)
    }

    func close() async {
        await agenda.close()
        await membership.close()
    }

    @TaskLocal static var bound: AgendaWithMembership?
}

extension Trait where Self == HarnessTrait<AgendaWithMembership> {
    static var agendaWithMembership: Self {
        HarnessTrait(start: { try await AgendaWithMembership.start() },
                     bind: { harness, body in try await AgendaWithMembership.$bound.withValue(harness, operation: body) })
    }
}

@Suite(.agendaWithMembership)
struct UnitDirectoryTests {
    @Test("with membership beside it: a registered village is accepted, an unregistered one inside the scope is NOT_FOUND")
    func registeredUnitsOnly() async throws {
        let harness = try #require(AgendaWithMembership.bound)
        let admin = harness.membership.server.options(
            principal: "县管理员", unitPath: "u370102000000", permissions: ["membership.read", "membership.write"])
        _ = try await harness.units.createUnit(.init(divisionCode: "370102000000", name: "测试县", level: .county), options: admin)
        _ = try await harness.units.createUnit(
            .init(divisionCode: "370102001000", name: "一镇", level: .town, parent: .init(divisionCode: "370102000000")), options: admin)
        let village = try await harness.units.createUnit(
            .init(divisionCode: "370102001001", name: "一村", level: .village, parent: .init(divisionCode: "370102001000")), options: admin)
        #expect(village.path == "u370102000000.u370102001000.u370102001001")
        let clerk = harness.agenda.server.options(principal: "镇书记员", unitPath: "u370102000000.u370102001000", permissions: Permissions.clerk)
        let item = try await harness.api.recordItem(
            .init(unitPath: village.path, channel: .doorToDoor, category: .infrastructure, text: "村道破损"), options: clerk)
        #expect(item.unitPath == village.path)
        await expectStatus(.notFound) {
            try await harness.api.recordItem(
                .init(unitPath: "u370102000000.u370102001000.u370102001002", channel: .doorToDoor, category: .infrastructure, text: "x"),
                options: clerk)
        }
        await expectStatus(.notFound) {
            try await harness.api.createTopic(
                .init(unitPath: "u370102000000.u370102001000", title: "跨村议题", category: .infrastructure, scale: .small,
                      source: .partyCommittee, spannedUnitPaths: [village.path, "u370102000000.u370102001000.u370102001009"]),
                options: clerk)
        }
        // A path whose labels are registered but in another arrangement is not the unit.
        await expectStatus(.notFound) {
            try await harness.api.recordItem(
                .init(unitPath: "u370102000000.u370102001001", channel: .doorToDoor, category: .infrastructure, text: "x"),
                options: harness.agenda.server.options(unitPath: "u370102000000", permissions: Permissions.clerk))
        }
    }

    @Test("a meeting plan seats its experts on the council for the topic through membership; a fixed member must be seated; the council must be named")
    func planSeatsAdHocParticipants() async throws {
        let harness = try #require(AgendaWithMembership.bound)
        let county = "370103000000", town = "370103002000", villageCode = "370103002001"
        let admin = harness.membership.server.options(
            principal: "县管理员", unitPath: "u" + county, permissions: ["membership.read", "membership.write"])
        _ = try await harness.units.createUnit(.init(divisionCode: county, name: "测试二县", level: .county), options: admin)
        _ = try await harness.units.createUnit(
            .init(divisionCode: town, name: "二镇", level: .town, parent: .init(divisionCode: county)), options: admin)
        let village = try await harness.units.createUnit(
            .init(divisionCode: villageCode, name: "二村", level: .village, parent: .init(divisionCode: town), householdCount: 300),
            options: admin)
        let council = try await harness.units.createCouncil(
            .init(unit: .init(id: village.id), kind: .villageCouncil, name: "二村民主协商议事会",
                  termStartsOn: .init(year: 2025, month: 1, day: 1), termEndsOn: .init(year: 2029, month: 12, day: 31)),
            options: admin)
        let expert = try await harness.units.createPerson(
            .init(unit: .init(id: village.id), name: "王工", gender: .male, birthYear: 1975, sector: "expert"), options: admin)
        let outsider = try await harness.units.createPerson(
            .init(unit: .init(id: village.id), name: "李四", gender: .female, birthYear: 1980), options: admin)

        // The clerk of the town holds agenda's and membership's write permissions.
        let townPath = village.path.components(separatedBy: ".").prefix(2).joined(separator: ".")
        let clerk = harness.agenda.server.options(
            principal: "镇书记员", unitPath: townPath, permissions: Permissions.clerk.union(["membership.write"]))
        let topic = try await harness.api.createTopic(
            .init(unitPath: village.path, title: "村道修缮", category: .infrastructure, scale: .urgent, source: .partyCommittee),
            options: clerk)
        let names = ["委员1"]
        _ = try await harness.api.approveTopic(
            .init(topicId: topic.id, meetingOn: .init(year: 2025, month: 3, day: 3), present: names,
                  ballots: [.init(voter: "委员1", vote: .for)]),
            options: clerk)
        func publish(_ participants: [AgendaV1.Participant], council: String, options: CallOptions) async throws -> AgendaV1.MeetingPlan {
            try await harness.api.publishMeetingPlan(
                .init(topicId: topic.id, meetingAt: timestamp(AgendaHarness.startOfTime.addingTimeInterval(3 * 3600)),
                      place: "村委会议室", participants: participants, agenda: ["讨论修缮方案"], councilId: council),
                options: options)
        }
        // A registered participant without a council: INVALID_ARGUMENT naming council_id.
        await expectStatus(.invalidArgument, field: "council_id") {
            try await publish([.init(person: expert.id, role: .expert)], council: "", options: clerk)
        }
        // A fixed member who is not seated on the council: FAILED_PRECONDITION, nothing seated.
        await expectStatus(.failedPrecondition, rule: "plan.not_a_member") {
            try await publish([.init(person: outsider.id, role: .fixedMember), .init(person: expert.id, role: .expert)],
                              council: council.id, options: clerk)
        }
        // Seating people needs membership.write besides agenda.write.
        let agendaOnly = harness.agenda.server.options(
            principal: "镇书记员", unitPath: townPath, permissions: Permissions.clerk)
        await expectStatus(.permissionDenied) {
            try await publish([.init(person: expert.id, role: .expert)], council: council.id, options: agendaOnly)
        }
        var seats = try await harness.units.getCouncil(.init(councilId: council.id), options: admin).seats
        #expect(seats.isEmpty, "a refused plan seats nobody: \(seats)")

        let plan = try await publish(
            [.init(person: "委员1", role: .fixedMember), .init(person: expert.id, role: .expert)], council: council.id, options: clerk)
        #expect(plan.councilId == council.id)
        #expect(plan.participants.map(\.person) == ["委员1", expert.id])
        seats = try await harness.units.getCouncil(.init(councilId: council.id), options: admin).seats
        #expect(seats.count == 1)
        #expect(seats.first?.personId == expert.id)
        #expect(seats.first?.role == .adHocMember)
        #expect(seats.first?.topicId == topic.id)
    }
}
