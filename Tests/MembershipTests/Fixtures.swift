import Foundation
import MembershipCore
import Synchronization
import Testing
import MembershipAPI
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// The membership service of one suite, run for real on the kit's ``ServiceHarness``: a
/// fresh database migrated as `membership_owner`, the service connected as `membership_svc`
/// (row-level security applies) behind a real `RPCServer` with the production
/// interceptors, and a ``ManualClock`` the suite moves across notice windows and terms.
///
/// Tests of a suite share it but never each other's data: each test takes a county of its
/// own (``county()``), so codes, paths and audit chains never collide.
final class MembershipHarness: SuiteHarness {
    let base: ServiceHarness
    let api: MembershipV1.Membership.Client
    private let counties = Atomic<Int>(0)

    var database: TestDatabase { base.database }
    /// Connected as `membership_svc`, like the service.
    var servicePool: PostgresPool { base.servicePool }
    /// For assertions about stored bytes, catalogs and the audit log.
    var superuser: PostgresPool { base.superuser }
    var clock: ManualClock { base.clock }
    var server: TestServer { base.server }

    /// 2025-03-01 10:00 Beijing time, a Saturday.
    static let startOfTime = instant("2025-03-01T10:00:00+08:00")

    private init(base: ServiceHarness) {
        self.base = base
        self.api = MembershipV1.Membership.Client(base.server.client)
    }

    /// `configure` sets what a deployment configures (composition rules, notice settings and
    /// time zone, term lengths) before the service starts.
    static func start(
        prefix: String, vault: PIIVault = MembershipHarness.vault,
        configure: @escaping @Sendable (inout MembershipEnvironment) -> Void = { _ in }
    ) async throws -> MembershipHarness {
        let base = try await ServiceHarness.start(
            service: "membership", prefix: prefix, migrations: try MembershipMigrations.all(), startOfTime: startOfTime
        ) { context in
            var environment = MembershipEnvironment(
                pool: context.pool, tokens: context.authority, vault: vault, clock: context.clock, logger: context.logger)
            configure(&environment)
            return [MembershipService(environment: environment)]
        }
        return MembershipHarness(base: base)
    }

    static let vault = PIIVault(encryptionKey: Array(repeating: 0x5A, count: 32), hashKey: Array(repeating: 0xA5, count: 32))

    func close() async {
        await base.close()
    }

    /// A county (市县区) of this test's own, created through RPC by its administrator.
    func county() async throws -> County {
        let number = counties.add(1, ordering: .relaxed).newValue
        precondition(number < 100, "a suite has at most 99 tests")
        let county = County(harness: self, number: number)
        _ = try await api.createUnit(
            MembershipV1.CreateUnitRequest(divisionCode: county.code, name: "测试县\(number)", level: .county),
            options: county.admin)
        return county
    }

    /// Moves the clock past the end of every notice window published so far (5 days, Civil
    /// Code art. 201: counted from the next day, closed at 24:00 of the last day).
    func passNoticeWindow() {
        clock.advance(by: 7 * 86_400)
    }

    // MARK: Suite scope

    @TaskLocal static var bound: MembershipHarness?

    /// The harness of the running suite (see `.membershipService(_:)`).
    static var current: MembershipHarness {
        get throws {
            guard let bound else { throw MissingHarness() }
            return bound
        }
    }
}

/// Thrown by ``MembershipHarness/current`` in a suite without `.membershipService(_:)`.
struct MissingHarness: Error, CustomStringConvertible {
    var description: String { "the suite lacks the .membershipService trait" }
}


extension Trait where Self == HarnessTrait<MembershipHarness> {
    static func membershipService(
        _ prefix: String, vault: PIIVault = MembershipHarness.vault,
        configure: @escaping @Sendable (inout MembershipEnvironment) -> Void = { _ in }
    ) -> Self {
        HarnessTrait(
            start: { try await MembershipHarness.start(prefix: prefix, vault: vault, configure: configure) },
            bind: { harness, body in try await MembershipHarness.$bound.withValue(harness, operation: body) })
    }
}

/// One test's county `3310NN000000` and builders for what lives in it: towns `3310NNTTT000`,
/// villages `3310NNTTTVVV`, villager groups `3310NNTTTVVVGGG`, people and councils.
struct County: Sendable {
    let harness: MembershipHarness
    let number: Int

    var api: MembershipV1.Membership.Client { harness.api }
    /// The first six digits (province, prefecture, county); also the ID-number region.
    var region: String { "3310" + pad(number, 2) }
    var code: String { region + "000000" }
    var path: String { "u" + code }
    var ref: CommonV1.UnitRef { CommonV1.UnitRef(divisionCode: code) }

    /// The county's administrator: may read, write, override rules and read personal data
    /// everywhere in it.
    var admin: CallOptions { caller(at: path, [Permissions.read, Permissions.write, Permissions.rules, Permissions.readPII]) }

    func caller(at path: String, _ permissions: Set<String>, principal: String = "clerk") -> CallOptions {
        harness.server.options(principal: principal, unitPath: path, permissions: permissions)
    }

    func townCode(_ town: Int) -> String { region + pad(town, 3) + "000" }
    func villageCode(_ town: Int, _ village: Int) -> String { region + pad(town, 3) + pad(village, 3) }

    // MARK: Units

    @discardableResult
    func unit(_ code: String, _ name: String, under parent: String? = nil, households: Int64 = 0) async throws -> MembershipV1.Unit {
        try await api.createUnit(
            MembershipV1.CreateUnitRequest(
                divisionCode: code, name: name, parent: CommonV1.UnitRef(divisionCode: parent ?? ""), householdCount: households),
            options: admin)
    }

    @discardableResult
    func town(_ number: Int) async throws -> MembershipV1.Unit {
        try await unit(townCode(number), "第\(number)镇", under: code)
    }

    /// A village of town `town` (created with it when missing).
    @discardableResult
    func village(_ number: Int, town: Int = 1, households: Int64 = 0) async throws -> MembershipV1.Unit {
        if (try? await api.getUnit(MembershipV1.GetUnitRequest(unit: .init(divisionCode: townCode(town))), options: admin)) == nil {
            try await self.town(town)
        }
        return try await unit(villageCode(town, number), "第\(town)镇\(number)村", under: townCode(town), households: households)
    }

    @discardableResult
    func group(_ number: Int, of village: MembershipV1.Unit, households: Int64 = 0) async throws -> MembershipV1.Unit {
        try await unit(village.divisionCode + pad(number, 3), "\(village.name)\(number)组", under: village.divisionCode, households: households)
    }

    // MARK: People

    /// Registers a person; sector and posts as MembershipRules spells them.
    func person(
        _ name: String, in unit: MembershipV1.Unit, party: Bool = false, cadre: Bool = false,
        sector: String = "villagerRepresentative", posts: [String] = [], gender: MembershipV1.Gender = .male,
        phone: String = "", idNumber: String = "", household: String = ""
    ) async throws -> MembershipV1.Person {
        try await api.createPerson(
            MembershipV1.CreatePersonRequest(
                unit: unit.ref, name: name, gender: idNumber.isEmpty ? gender : .unspecified, phone: phone, idNumber: idNumber,
                household: household, partyMember: party, grassrootsCadre: cadre, sector: sector, posts: posts),
            options: admin)
    }

    // MARK: Councils

    /// `termStartsOn` nil: created without term dates (the term starts when it is constituted).
    func council(
        _ kind: MembershipV1.CouncilKind, at unit: MembershipV1.Unit, name: String = "议事会",
        termStartsOn: CommonV1.Date? = CommonV1.Date(year: 2025, month: 1, day: 1)
    ) async throws -> MembershipV1.Council {
        try await api.createCouncil(
            MembershipV1.CreateCouncilRequest(unit: unit.ref, kind: kind, name: name, termStartsOn: termStartsOn),
            options: admin)
    }

    @discardableResult
    func nominate(
        _ person: MembershipV1.Person, to council: MembershipV1.Council, as role: MembershipV1.CouncilRole = .fixedMember, topic: String = "",
        source: MembershipV1.NominationSource? = nil
    ) async throws -> MembershipV1.Seat {
        // Standing seats say who proposed them (issue 8 §9): the party organisation unless told.
        let standing = role != .adHocMember && role != .observer
        return try await api.nominateMember(
            MembershipV1.NominateMemberRequest(
                councilId: council.id, personId: person.id, role: role, topicId: topic,
                source: source ?? (standing ? .partyOrganisation : .unspecified)),
            options: admin)
    }

    func check(_ council: MembershipV1.Council, includeNominees: Bool = true) async throws -> MembershipV1.CheckCompositionResponse {
        try await api.checkComposition(
            MembershipV1.CheckCompositionRequest(councilId: council.id, includeNominees: includeNominees), options: admin)
    }

    func publish(_ council: MembershipV1.Council) async throws -> MembershipV1.Notice {
        try await api.publishNotice(MembershipV1.PublishNoticeRequest(councilId: council.id), options: admin)
    }

    /// 党组织研究确定: confirms with the deciding meeting on the day the clock shows.
    func confirm(_ notice: MembershipV1.Notice, acceptance: String = "") async throws -> MembershipV1.Council {
        try await api.confirmNotice(
            MembershipV1.ConfirmNoticeRequest(
                noticeId: notice.id, decisionMeeting: "村党组织委员会会议", decidedOn: today, advisoryAcceptance: acceptance),
            options: admin)
    }

    /// The clock's day in Beijing time.
    var today: CommonV1.Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let parts = calendar.dateComponents([.year, .month, .day], from: harness.clock.now())
        return CommonV1.Date(year: Int32(parts.year!), month: Int32(parts.month!), day: Int32(parts.day!))
    }

    /// 公示 then 确认: publishes the nominees, lets the window pass and confirms.
    @discardableResult
    func constitute(_ council: MembershipV1.Council, acceptance: String = "") async throws -> MembershipV1.Council {
        // Elected bodies are elected first, unless an election is already recorded.
        let seats = try await getCouncil(council).seats.filter { $0.status == .nominated }
        if council.kind == .supervisionCommittee || council.kind == .villagersRepresentativesMeeting,
           !seats.isEmpty, seats.allSatisfy({ $0.electionId.isEmpty }) {
            try await elect(council)
        }
        let notice = try await publish(council)
        harness.passNoticeWindow()
        return try await confirm(notice, acceptance: acceptance)
    }

    /// 推选 (issue 8 §8): every nominated candidate elected by the villagers' assembly, 60 of
    /// 100 villagers present, 50 votes each.
    @discardableResult
    func elect(_ council: MembershipV1.Council, body: MembershipV1.ElectingBody = .villagersAssembly,
               eligible: Int32 = 100, present: Int32 = 60, votes: Int32 = 50,
               only people: Set<String>? = nil) async throws -> MembershipV1.Election {
        let seats = try await getCouncil(council).seats.filter {
            $0.status == .nominated && $0.electionId.isEmpty && (people?.contains($0.personId) ?? true)
        }
        return try await api.recordElection(
            .init(councilId: council.id, body: body, heldOn: today, eligible: eligible, present: present,
                  votes: seats.map { .init(seatId: $0.id, votes: votes) }),
            options: admin)
    }

    /// 公示 then 确认 without an election, whatever the kind.
    @discardableResult
    func constituteWithoutElection(_ council: MembershipV1.Council) async throws -> MembershipV1.Council {
        let notice = try await publish(council)
        harness.passNoticeWindow()
        return try await confirm(notice)
    }

    func getCouncil(_ council: MembershipV1.Council) async throws -> MembershipV1.Council {
        try await api.getCouncil(MembershipV1.GetCouncilRequest(councilId: council.id), options: admin)
    }
}

/// Councils built to a composition, for the rules' boundaries.
extension County {
    /// 村民主协商议事会 (000/001) in a new village: a chair who is the village party
    /// secretary (a party member) and fixed members, `party` party members in all (the
    /// chair included) and `nonParty` others, every seat nominated.
    func villageCouncil(
        village number: Int, party: Int, nonParty: Int, termStartsOn: CommonV1.Date? = CommonV1.Date(year: 2025, month: 1, day: 1)
    ) async throws -> (council: MembershipV1.Council, members: [MembershipV1.Person]) {
        precondition(party >= 1, "the chair is a party member")
        let village = try await self.village(number)
        let council = try await self.council(.villageCouncil, at: village, name: "\(village.name)民主协商议事会", termStartsOn: termStartsOn)
        var members: [MembershipV1.Person] = []
        let chair = try await person("书记\(number)", in: village, party: true, cadre: true, sector: "villagePartyBranch", posts: ["villagePartySecretary"])
        try await nominate(chair, to: council, as: .chair)
        members.append(chair)
        for index in 1..<party {
            let member = try await person("党员\(number)-\(index)", in: village, party: true)
            try await nominate(member, to: council)
            members.append(member)
        }
        for index in 0..<nonParty {
            let member = try await person("群众\(number)-\(index)", in: village)
            try await nominate(member, to: council)
            members.append(member)
        }
        return (council, members)
    }

    /// 村务民主协商会 "1+1+10+X" (004) in a new village with one villager group: an
    /// honorary chair (the town leader for the village, from the town), a chair (the village
    /// party secretary) and `fixed` fixed members — the "10" part, neither chair among them —
    /// the villagers' committee director, the supervisory committee director, one villager
    /// representative from the group and further members of the ten categories, the first
    /// `cadres` of the fixed members grassroots cadres (the director always is one: a
    /// committee post makes a cadre).
    func affairsCouncil(village number: Int, fixed: Int, cadres: Int) async throws -> (council: MembershipV1.Council, fixedMembers: [MembershipV1.Person]) {
        precondition(fixed >= 3 && cadres >= 1 && cadres <= fixed)
        let village = try await self.village(number)
        let group = try await self.group(1, of: village, households: 40)
        let council = try await self.council(.villageAffairsCouncil, at: village, name: "\(village.name)村务民主协商会")
        let town = try await api.getUnit(.init(unit: .init(id: village.parentId)), options: admin)
        let honorary = try await person("包村领导\(number)", in: town, party: true, cadre: true, sector: "governmentDepartment", posts: ["townLeaderForVillage"])
        try await nominate(honorary, to: council, as: .honoraryChair, source: .higherLevel)
        let chair = try await person("书记\(number)", in: village, party: true, cadre: true, sector: "villagePartyBranch", posts: ["villagePartySecretary"])
        try await nominate(chair, to: council, as: .chair)
        let specs: [(name: String, sector: String, posts: [String], unit: MembershipV1.Unit)] = [
            ("村主任\(number)", "villagersCommittee", ["villagersCommitteeDirector"], village),
            ("监委会主任\(number)", "supervisoryCommittee", ["supervisoryCommitteeDirector"], village),
            ("村民代表\(number)", "villagerRepresentative", [], group),
        ] + (0..<(fixed - 3)).map { index in
            ("合作社成员\(number)-\(index)", index % 2 == 0 ? "cooperative" : "veteranPartyMember", [String](), village)
        }
        var members: [MembershipV1.Person] = []
        for (index, spec) in specs.enumerated() {
            let member = try await person(spec.name, in: spec.unit, party: index == 0, cadre: index < cadres, sector: spec.sector, posts: spec.posts)
            try await nominate(member, to: council, as: .fixedMember, source: spec.unit.id == group.id ? .villagerGroup : .partyOrganisation)
            members.append(member)
        }
        return (council, members)
    }
}

/// Permission names the membership schema declares (and `AuthInterceptor` checks).
enum Permissions {
    static let read = "membership.read"
    static let write = "membership.write"
    static let rules = "membership.rules"
    static let readPII = Permission.readPII
    static let searchPeople = Permission.searchPeople
    static let rotatePII = Permission.rotatePIIKey
}

extension MembershipV1.Unit {
    var ref: CommonV1.UnitRef { CommonV1.UnitRef(id: id) }
}

func pad(_ value: Int, _ width: Int) -> String {
    let text = String(value)
    return String(repeating: "0", count: max(0, width - text.count)) + text
}

/// An instant from ISO 8601 text with its offset, e.g. `2025-03-06T23:59:59+08:00`.
func instant(_ text: String) -> Date {
    guard let date = ISO8601DateFormatter().date(from: text) else { preconditionFailure("bad instant \(text)") }
    return date
}
