import AgendaRules
import Foundation
import MembershipAPI
import Synchronization
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 单元目录 — whether a unit path names a unit membership has registered.
///
/// Agenda takes units as paths and checks them against the caller's scope itself; with a
/// directory configured it also asks membership (the owner of the unit tree) that the path
/// names a registered, unretired unit, so an unknown unit inside the caller's subtree is
/// NOT_FOUND as well. Without one (tests of agenda alone, the bench) paths in scope are taken
/// as given.
public protocol UnitDirectory: Sendable {
    /// Whether `path` is a registered unit that is not retired, as `caller` sees it.
    func exists(_ path: UnitPath, for caller: Caller) async throws -> Bool
}

/// The directory over membership's RPC: `GetUnit` by the path's own division code, with a
/// one-minute token for audience `membership` carrying the caller's principal and scope and
/// only `membership.read` — membership's row-level security then answers exactly what the
/// caller may see. Units found are remembered for `ttl` seconds (units are rarely created and
/// never move county), so the ledger's write path does not pay a call per item; a failure to
/// reach membership is the caller's UNAVAILABLE, never a silent pass.
public final class MembershipUnitDirectory: UnitDirectory {
    let api: MembershipV1.Membership.Client
    let tokens: TokenAuthority
    let clock: any ServiceClock
    private let ttl: TimeInterval
    private let known = Mutex<[String: Date]>([:])

    public init(client: RPCClient, tokens: TokenAuthority, clock: any ServiceClock = SystemClock(), ttl: TimeInterval = 300) {
        self.api = MembershipV1.Membership.Client(client)
        self.tokens = tokens
        self.clock = clock
        self.ttl = ttl
    }

    public func exists(_ path: UnitPath, for caller: Caller) async throws -> Bool {
        let now = clock.now()
        let key = path.description
        if let until = known.withLock({ $0[key] }), until > now { return true }
        let token = tokens.issue(Caller(
            principal: caller.principal, unitPath: caller.unitPath, permissions: ["membership.read"], audience: "membership",
            now: Int64(now.timeIntervalSince1970), lifetime: 60, issuer: "agenda"))
        var metadata = Metadata()
        metadata.authorization = "Bearer " + token
        let unit: MembershipV1.Unit
        do {
            unit = try await api.getUnit(
                MembershipV1.GetUnitRequest(unit: CommonV1.UnitRef(divisionCode: path.divisionCode)),
                options: CallOptions(timeout: .seconds(5), metadata: metadata))
        } catch let error as RPCError where error.code == .notFound {
            return false
        }
        guard unit.path == key, !unit.retired else { return false }
        known.withLock { known in
            if known.count >= 50_000 { known.removeAll(keepingCapacity: true) }
            known[key] = now.addingTimeInterval(ttl)
        }
        return true
    }
}

/// 议事会名册 — what a meeting plan needs of membership's councils: who is seated, and
/// seating a topic's ad-hoc participants (列席/特邀) for that topic.
public protocol CouncilDirectory: Sendable {
    /// The person ids seated on `council` now, as `caller` sees it (NOT_FOUND: an unknown council).
    func seatedPeople(council: String, for caller: Caller) async throws -> Set<String>
    /// Seats `person` on `council` as an ad-hoc member for `topic`. Idempotent: a repeat (or a
    /// retry after a lost answer) leaves the one seat.
    func seatAdHoc(council: String, person: String, topic: String, for caller: Caller) async throws
}

extension MembershipUnitDirectory: CouncilDirectory {
    private func options(for caller: Caller, permission: String, idempotencyKey: String? = nil) -> CallOptions {
        let now = clock.now()
        let token = tokens.issue(Caller(
            principal: caller.principal, unitPath: caller.unitPath, permissions: [permission], audience: "membership",
            now: Int64(now.timeIntervalSince1970), lifetime: 60, issuer: "agenda"))
        var metadata = Metadata()
        metadata.authorization = "Bearer " + token
        if let idempotencyKey { metadata.idempotencyKey = idempotencyKey }
        return CallOptions(timeout: .seconds(5), metadata: metadata)
    }

    public func seatedPeople(council: String, for caller: Caller) async throws -> Set<String> {
        let answer = try await api.getCouncil(
            MembershipV1.GetCouncilRequest(councilId: council), options: options(for: caller, permission: "membership.read"))
        return Set(answer.seats.filter { $0.status == .seated }.map(\.personId))
    }

    public func seatAdHoc(council: String, person: String, topic: String, for caller: Caller) async throws {
        // The caller's own right to change the council, not agenda's: a plan that seats people
        // needs membership.write besides agenda.write.
        guard caller.permissions.contains("membership.write") else {
            throw ServiceFailure.permissionDenied(permission: "membership.write")
        }
        do {
            _ = try await api.nominateMember(
                MembershipV1.NominateMemberRequest(councilId: council, personId: person, role: .adHocMember, topicId: topic),
                options: options(for: caller, permission: "membership.write", idempotencyKey: "agenda-plan-\(topic)-\(person)"))
        } catch let error as RPCError where error.code == .alreadyExists {
            return  // seated for this topic already (an earlier plan of the topic)
        }
    }
}

/// The check the handlers make of every unit a request names (after ``Validate/unit``).
struct UnitCheck: Sendable {
    let directory: (any UnitDirectory)?

    func require(_ path: UnitPath, _ caller: Caller) async throws {
        guard let directory else { return }
        guard try await directory.exists(path, for: caller) else { throw AgendaError.notFound(what: "unit") }
    }
}
