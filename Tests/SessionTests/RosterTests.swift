import AgendaAPI
import Foundation
import MembershipAPI
import SessionAPI
import SessionCore
import Synchronization
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// Membership's `GetRoster` as the membership service serves it (its generated method
/// descriptor, with permission `membership.read`, on real TCP behind the production
/// AuthInterceptor), answering a council of a chair, four fixed members and an observer, plus
/// one ad-hoc member per topic asked for; it records each request.
final class RosterStandIn: RPCService, Sendable {
    let requests = Mutex<[MembershipV1.GetRosterRequest]>([])
    let council = UUID().uuidString.lowercased()
    /// A council whose term ended on 1 January 2025: its roster answers EXPIRED.
    let expiredCouncil = UUID().uuidString.lowercased()

    func register(into router: inout RPCRouter) {
        router.register(MembershipV1.Membership.Method.getCouncil) { request, _ in
            guard Caller.bound?.has("membership.read") == true else { throw RPCError(code: .permissionDenied, message: "membership.read") }
            guard request.councilId == self.expiredCouncil || request.councilId == self.council else {
                throw RPCError(code: .notFound, message: "council not found")
            }
            return MembershipV1.Council(id: request.councilId, name: request.councilId == self.council ? "村民主协商议事会" : "上届议事会")
        }
        router.register(MembershipV1.Membership.Method.getRoster) { request, _ in
            guard Caller.bound?.has("membership.read") == true else { throw RPCError(code: .permissionDenied, message: "membership.read") }
            self.requests.withLock { $0.append(request) }
            if request.councilId == self.expiredCouncil {
                return MembershipV1.GetRosterResponse(
                    councilId: request.councilId, at: request.at, termNumber: 1,
                    entries: [MembershipV1.RosterEntry(personId: "p-old", name: "老成员", role: .fixedMember, voting: true)],
                    councilStatus: .expired, termEndsOn: CommonV1.Date(year: 2025, month: 1, day: 1))
            }
            guard request.councilId == self.council else { throw RPCError(code: .notFound, message: "council not found") }
            var entries = [MembershipV1.RosterEntry(personId: "p-chair", name: "李主任", role: .chair, voting: true)]
            entries += (1...4).map { MembershipV1.RosterEntry(personId: "p-\($0)", name: "成员\($0)", role: .fixedMember, voting: true) }
            entries.append(MembershipV1.RosterEntry(personId: "p-obs", name: "列席代表", role: .observer, voting: false))
            if !request.topicId.isEmpty {
                entries.append(MembershipV1.RosterEntry(
                    personId: "p-adhoc-\(request.topicId.prefix(8))", name: "利益相关户", role: .adHocMember, topicId: request.topicId, voting: true))
            }
            return MembershipV1.GetRosterResponse(
                councilId: request.councilId, at: request.at, termNumber: 1, entries: entries, councilStatus: .constituted,
                termEndsOn: CommonV1.Date(year: 2030, month: 1, day: 1))
        }
    }
}

final class RosterHarness: SuiteHarness {
    let base: SessionHarness
    let membership: TestServer
    let standIn: RosterStandIn

    init(base: SessionHarness, membership: TestServer, standIn: RosterStandIn) {
        self.base = base
        self.membership = membership
        self.standIn = standIn
    }

    static func start() async throws -> RosterHarness {
        let standIn = RosterStandIn()
        let membership = try await TestServer.start(services: [standIn], serviceName: "membership", authority: SessionHarness.authority)
        let base = try await SessionHarness.start(
            prefix: "session_roster", region: 44,
            rosters: MembershipRosterDirectory(client: membership.client, tokens: SessionHarness.authority))
        return RosterHarness(base: base, membership: membership, standIn: standIn)
    }

    func close() async {
        await base.close()
        await membership.shutdown()
    }

    @TaskLocal static var bound: RosterHarness?
}

extension Trait where Self == HarnessTrait<RosterHarness> {
    static var withRosters: Self {
        HarnessTrait(start: { try await RosterHarness.start() },
                     bind: { harness, body in try await RosterHarness.$bound.withValue(harness, operation: body) })
    }
}

@Suite(.withRosters)
struct RosterTests {
    @Test("invitees are the plan's council roster at the meeting time, with each topic's ad-hoc members and the observers; the plan's own list is not used")
    func snapshot() async throws {
        let harness = try #require(RosterHarness.bound)
        let county = harness.base.county()
        let first = try await county.plannedTopic("水渠清淤", members: 2, council: harness.standIn.council)
        let second = try await county.plannedTopic("垃圾清运", members: 2, council: harness.standIn.council)
        let plan = try await harness.base.agendaAPI.getMeetingPlan(.init(topicId: first.id), options: county.agendaAdmin)
        let meeting = try await county.api.scheduleMeeting(
            .init(unitPath: county.village, topicIds: [first.id, second.id], host: "李主任", recorder: "文书",
                  observers: [.init(person: "镇包村干部", name: "张干部")]),
            options: county.admin)
        #expect(meeting.councilId == harness.standIn.council)
        let byPerson = Dictionary(uniqueKeysWithValues: meeting.invitees.map { ($0.person, $0) })
        #expect(meeting.invitees.count == 9)
        #expect(byPerson["p-chair"]?.role == .fixedMember && byPerson["p-chair"]?.name == "李主任")
        #expect((1...4).allSatisfy { byPerson["p-\($0)"]?.role == .fixedMember })
        #expect(byPerson["p-obs"]?.role == .observer && byPerson["镇包村干部"]?.role == .observer)
        #expect(byPerson["p-adhoc-\(first.id.prefix(8))"]?.topicId == first.id)
        #expect(byPerson["p-adhoc-\(second.id.prefix(8))"]?.role == .adHocMember)
        #expect(byPerson["委员1"] == nil, "the plan's own participant list is not used when it names a council")
        // Asked once per topic, at the plan's meeting time.
        let requests = harness.standIn.requests.withLock { $0 }.filter { $0.councilId == harness.standIn.council }
        #expect(Set(requests.map(\.topicId)) == [first.id, second.id])
        #expect(requests.allSatisfy { $0.at == plan.meetingAt })
        // Quorum: more than half of the 5 fixed members.
        #expect(meeting.quorum?.figures.first?.baseCount == 5 && meeting.quorum?.figures.first?.required == 3)
    }

    @Test("a council whose term has expired invites nobody: ScheduleMeeting is FAILED_PRECONDITION naming the council and its last day, and nothing is stored")
    func expiredCouncil() async throws {
        let harness = try #require(RosterHarness.bound)
        let county = harness.base.county()
        let topic = try await county.plannedTopic("旧届议题", members: 2, council: harness.standIn.expiredCouncil)
        let error = await expectStatus(.failedPrecondition, rule: "meeting.council_expired", "上届议事会", "2025-01-01") {
            try await county.api.scheduleMeeting(
                .init(unitPath: county.village, topicIds: [topic.id], host: "李主任", recorder: "文书"), options: county.admin)
        }
        #expect(error?.detail?.figure("meeting.council_expired.council") == harness.standIn.expiredCouncil)
        #expect(error?.detail?.figure("meeting.council_expired.term_ends_on") == "2025-01-01")
        #expect(error?.detail?.messageEN.contains("2025-01-01") == true)
        let stored = try await harness.base.session.superuser.count(
            "SELECT count(*) FROM session.meetings WHERE unit_path = $1::ltree", [.text(county.village)])
        #expect(stored == 0)
        #expect(try await county.agendaState(topic.id) == .planned, "the topic stays planned")
    }
}
