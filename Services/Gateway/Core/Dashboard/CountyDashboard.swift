import Foundation
import GatewayRules
import Logging
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 县级看板 — `GetCountyDashboard` (issue 12 item 5): per town, open ledger items and topics by
/// state (agenda), meetings and filed results of the quarter (session), cases by warning level
/// and the index score (supervision), in one call.
///
/// **How it is assembled.** The unit named (path, division code, or the unit the call acts
/// for) and the caller's grants give the ``DashboardScope``; membership lists the towns
/// (``DashboardTowns``, remembered for a minute). Then every section of every town is read
/// from its service **concurrently** through ``ServiceCalls`` — as the caller, acting at the
/// town itself, with only that section's read permission, and only when the caller's grants
/// give it there — each service with its own calls in flight (``perService``), so a slow
/// service never holds the others' calls back.
///
/// **Degrading per section.** Every call carries the section's deadline: ``sectionTimeout``
/// from the start, and never later than the call's own deadline less a reserve to assemble
/// and send the answer (a tenth of the time left, 50–250 ms). A section whose call fails — the service down (UNAVAILABLE),
/// silent (DEADLINE_EXCEEDED), without the method (UNIMPLEMENTED), refusing — is marked
/// unavailable with the service and the status it answered; the other sections are served.
/// Once a service answered UNAVAILABLE or DEADLINE_EXCEEDED, its calls not yet started are
/// not made (they are marked with the same answer), so a dead service costs one round of
/// calls, not one per town. Only the towns themselves are essential: membership unreachable
/// is UNAVAILABLE for the whole call.
public final class CountyDashboard: Sendable {
    let calls: ServiceCalls
    let units: UnitDirectory
    let towns: DashboardTowns
    let clock: any ServiceClock
    let timeZone: TimeZone
    let sectionTimeout: Duration
    let minReserve: Duration = .milliseconds(50)
    let maxReserve: Duration = .milliseconds(250)
    let perService: Int
    let logger: Logger

    init(calls: ServiceCalls, units: UnitDirectory, clock: any ServiceClock, logger: Logger, sectionTimeout: Duration = .seconds(3),
         perService: Int = 12,
         timeZone: TimeZone = TimeZone(identifier: "Asia/Shanghai") ?? .current) {
        self.calls = calls
        self.units = units
        self.towns = DashboardTowns(calls: calls)
        self.clock = clock
        self.timeZone = timeZone
        self.sectionTimeout = sectionTimeout
        self.perService = max(1, perService)
        self.logger = logger
    }

    func get(_ request: GatewayV1.GetCountyDashboardRequest, context: ServerCallContext) async throws -> GatewayV1.CountyDashboard {
        guard let identity = Identity.bound, let caller = Caller.bound else {
            throw RPCError(code: .unauthenticated, message: AuthenticationFailure.missing.description)
        }
        let started = ContinuousClock.now
        let callDeadline = context.deadline ?? started + .seconds(30)
        // Kept for assembling and sending the answer: a tenth of the time left, 50–250 ms.
        let reserve = min(maxReserve, max(minReserve, (callDeadline - started) / 10))
        let deadline = min(started + sectionTimeout, callDeadline - reserve)
        let quarter: DashboardQuarter
        do {
            quarter = try DashboardQuarter(year: Int(request.year), quarter: Int(request.quarter), now: clock.now(), timeZone: timeZone)
        } catch {
            throw error == .incomplete
                ? AppealOperations.invalid("quarter", "given with year (or both 0 for the current quarter)")
                : AppealOperations.invalid(error == .yearOutOfRange ? "year" : "quarter",
                                           error == .yearOutOfRange ? "a year from 2000 to 2999" : "1, 2, 3 or 4")
        }
        let grants = identity.scopes
        let unit = try await resolve(request, caller: caller, grants: grants, deadline: deadline, traceID: context.traceID)
        guard let scope = DashboardScope.of(unit, grants: grants) else { throw UnitDirectory.notFound() }

        // The towns: membership's, inside the unit and inside the scope.
        let roots = scope.roots(of: unit)
        let listings: [(UnitPath, DashboardTowns.Listing?)]
        do {
            listings = try await withThrowingTaskGroup(of: (UnitPath, DashboardTowns.Listing?).self) { group in
                for root in roots {
                    group.addTask {
                        (root, try await self.towns.listing(of: root, principal: caller.principal, deadline: deadline, traceID: context.traceID))
                    }
                }
                var all: [(UnitPath, DashboardTowns.Listing?)] = []
                for try await listing in group { all.append(listing) }
                return all
            }
        } catch let error as RPCError where [.unavailable, .deadlineExceeded, .resourceExhausted].contains(error.code) {
            throw RPCError(code: .unavailable,
                           message: "the towns come from the membership service, which cannot be reached now (\(error.code)); retry later / 成员服务暂不可用")
        }
        if scope == .whole, listings.first?.1 == nil { throw UnitDirectory.notFound() }
        var seen: Set<UnitPath> = []
        var shown: [DashboardTowns.Town] = []
        for (_, listing) in listings {
            for town in listing?.towns ?? [] where unit.covers(town.path) && scope.shows(town.path) && seen.insert(town.path).inserted {
                shown.append(town)
            }
        }
        shown.sort { $0.path.description < $1.path.description }
        let self_ = listings.first { $0.0 == unit }?.1?.unit

        let probes = DashboardProbes(calls: calls, principal: caller.principal, quarter: quarter, deadline: deadline,
                                     traceID: context.traceID, perService: perService)
        let sections = await probes.read(shown.map { town in (town.path, identity.permissions(at: town.path)) })
        var unavailable: Set<String> = []
        let rows = shown.enumerated().map { index, town in
            let row = sections.row(index, town: town)
            for state in row.states where !state.available { unavailable.insert(state.service) }
            return row.wire
        }
        if !unavailable.isEmpty {
            logger.warning("county dashboard served with sections unavailable", metadata: [
                "unit": "\(unit.description)", "services": "\(unavailable.sorted().joined(separator: ","))",
                "elapsed_ms": "\((ContinuousClock.now - started) / .milliseconds(1))",
            ])
        }
        let code = String(unit.labels.last?.dropFirst() ?? "")
        return GatewayV1.CountyDashboard(
            unitPath: unit.description, divisionCode: code, name: self_?.name ?? "", year: Int32(quarter.year), quarter: Int32(quarter.quarter),
            periodStart: CommonV1.Timestamp(quarter.start), periodEnd: CommonV1.Timestamp(quarter.end), asOf: CommonV1.Timestamp(clock.now()),
            towns: rows, unavailableServices: unavailable.sorted())
    }

    /// The unit the request names: its path; its division code — an ancestor of one of the
    /// caller's grants (a label of the grant's path), or a unit inside one (resolved through
    /// membership there); or, naming neither, the unit the call acts for.
    private func resolve(_ request: GatewayV1.GetCountyDashboardRequest, caller: Caller, grants: [(unit: UnitPath, permissions: Set<String>)],
                         deadline: ContinuousClock.Instant, traceID: String?) async throws -> UnitPath {
        if !request.unitPath.isEmpty {
            guard let path = UnitPath(request.unitPath) else {
                throw AppealOperations.invalid("unit_path", "a unit path (u<12 digits>[.u<12 digits>…])")
            }
            if !request.divisionCode.isEmpty, path.labels.last?.dropFirst() != request.divisionCode[...] {
                throw AppealOperations.invalid("division_code", "the code of the unit unit_path names, when both are given")
            }
            return path
        }
        if !request.divisionCode.isEmpty {
            let code = request.divisionCode
            guard DivisionCode.isValid(code) else { throw UnitDirectory.invalid() }
            let reading = grants.filter { $0.permissions.contains(GatewayPermission.dashboardRead) }.map(\.unit)
                .sorted { $0.description < $1.description }
            for grant in reading {
                if let index = grant.labels.firstIndex(where: { $0.dropFirst() == code[...] }),
                   let path = UnitPath(grant.labels[...index].joined(separator: ".")) {
                    return path
                }
            }
            for grant in reading {
                do {
                    return try await units.resolve(code, within: grant, principal: caller.principal, deadline: deadline, traceID: traceID)
                } catch let error as RPCError where error.code == .notFound {
                    continue
                }
            }
            throw UnitDirectory.notFound()
        }
        guard let acting = UnitPath(caller.unitPath) else { throw UnitDirectory.notFound() }
        return acting
    }
}

extension Identity {
    /// Each grant's unit with the permissions it gives there (a tooling token: its one scope).
    var scopes: [(unit: UnitPath, permissions: Set<String>)] {
        if let toolScope { return [(toolScope.unit, toolScope.permissions)] }
        return grants.map { ($0.unitPath, $0.role.permissions) }
    }
}
