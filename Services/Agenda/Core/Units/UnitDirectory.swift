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
    private let api: MembershipV1.Membership.Client
    private let tokens: TokenAuthority
    private let clock: any ServiceClock
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

/// The check the handlers make of every unit a request names (after ``Validate/unit``).
struct UnitCheck: Sendable {
    let directory: (any UnitDirectory)?

    func require(_ path: UnitPath, _ caller: Caller) async throws {
        guard let directory else { return }
        guard try await directory.exists(path, for: caller) else { throw AgendaError.notFound(what: "unit") }
    }
}
