import Foundation
import GatewayRules
import MembershipAPI
import Synchronization
import TongxinRPC
import TongxinSchemas

/// 看板的镇 — the towns of a unit, from membership's tree (`ListUnits` of the unit's subtree,
/// paged, as the caller acting at that unit with `membership.read`), remembered for ``ttl``
/// per listed unit: a dashboard asked every few seconds lists the county once a minute. A
/// listing is only handed to a caller whose grants let it list that unit itself (the
/// dashboard asks for the roots ``DashboardScope`` gives, which lie in the caller's grants),
/// so nothing remembered for one caller reaches another outside their scope. A town moved or
/// retired is seen within ``ttl``.
final class DashboardTowns: Sendable {
    struct Town: Sendable, Equatable {
        var path: UnitPath
        var code: String
        var name: String
    }

    /// One listed unit: itself (its name and code) and the town-level units of its subtree
    /// (itself among them when it is a town), sorted by path.
    struct Listing: Sendable {
        var unit: Town?
        var towns: [Town]
    }

    let calls: ServiceCalls
    let ttl: Duration
    /// A page of ListUnits, and the most pages read for one unit (a county of 50,000 units).
    static let pageSize: Int32 = 500
    static let maxPages = 100
    private let cache = Mutex<[String: (listing: Listing, at: ContinuousClock.Instant)]>([:])

    init(calls: ServiceCalls, ttl: Duration = .seconds(60)) {
        self.calls = calls
        self.ttl = ttl
    }

    /// The listing of `root` (nil: membership does not know it, or not for this caller).
    func listing(of root: UnitPath, principal: String, deadline: ContinuousClock.Instant, traceID: String?) async throws -> Listing? {
        let now = ContinuousClock.now
        if let entry = cache.withLock({ $0[root.description] }), now - entry.at < ttl {
            return entry.listing
        }
        var listing = Listing(unit: nil, towns: [])
        var token = ""
        for _ in 0..<Self.maxPages {
            let page: MembershipV1.ListUnitsResponse
            do {
                page = try await calls.call(
                    "membership", MembershipV1.Membership.Method.listUnits,
                    MembershipV1.ListUnitsRequest(root: .init(divisionCode: String(root.labels.last?.dropFirst() ?? "")),
                                                  page: .init(pageSize: Self.pageSize, pageToken: token)),
                    principal: principal, unitPath: root.description, permissions: [GatewayPermission.membershipRead],
                    deadline: deadline, traceID: traceID)
            } catch let error as RPCError where error.code == .notFound {
                return nil
            }
            for unit in page.units {
                guard let path = UnitPath(unit.path) else { continue }
                let town = Town(path: path, code: unit.divisionCode, name: unit.name)
                if path == root { listing.unit = town }
                if unit.level == .town { listing.towns.append(town) }
            }
            token = page.page?.nextPageToken ?? ""
            if token.isEmpty { break }
        }
        listing.towns.sort { $0.path.description < $1.path.description }
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[root.description] = (listing, .now)
        }
        return listing
    }
}
