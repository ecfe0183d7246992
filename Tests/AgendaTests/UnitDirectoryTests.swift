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
                pool: context.pool, vault: AgendaHarness.vault, clock: context.clock, units: directory, logger: context.logger))]
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
}
