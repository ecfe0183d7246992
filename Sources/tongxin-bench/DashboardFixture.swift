import AgendaAPI
import ArgumentParser
import Foundation
import GatewayAPI
import TongxinRPC
import TongxinSchemas
import TongxinService

/// `county-dashboard` through the gateway (`--port 7100`): a fresh county of `towns` towns
/// (a village each) created through the gateway (``UnitFixture``, a tooling token for
/// `aud: gateway`), `itemsPerVillage` ledger items in each village, then GetCountyDashboard of
/// the county as a tooling caller holding `dashboard.read` and the sections' read permissions
/// there — every call the gateway's fan-out to membership (its towns, remembered for a
/// minute), agenda (two counts per town), session and supervision (when routed; a section of a
/// service not routed is answered unavailable at once).
struct DashboardFixture {
    var countyPath: String
    var towns: Int
    var options: CallOptions

    static func create(client: RPCClient, towns: Int, itemsPerVillage: Int) async throws -> DashboardFixture {
        guard let secret = ProcessInfo.processInfo.environment["TONGXIN_AUTH_SECRET"] else {
            throw ValidationError("county-dashboard needs TONGXIN_AUTH_SECRET (see .tongxin/secrets.env)")
        }
        let units = try await UnitFixture.create(client: client, towns: towns, audience: "gateway")
        let county = "u" + units.prefix + "000000"
        let keyID = ProcessInfo.processInfo.environment["TONGXIN_AUTH_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? TokenAuthority.defaultSecretKeyID
        func options(_ permissions: Set<String>) -> CallOptions {
            let caller = Caller(principal: "tongxin-bench", unitPath: county, permissions: permissions, audience: "gateway",
                                now: Int64(Date().timeIntervalSince1970), lifetime: TokenAuthority.defaultMaximumLifetime, issuer: "tongxin-bench")
            var metadata = Metadata()
            metadata.tenantUnit = county
            metadata.authorization = "Bearer " + TokenAuthority(secret: Array(secret.utf8), keyID: keyID).issue(caller)
            return CallOptions(timeout: .seconds(10), metadata: metadata)
        }
        let agenda = AgendaV1.Agenda.Client(client)
        let writer = options(["agenda.read", "agenda.write"])
        for (index, village) in units.villages.enumerated() {
            for item in 0..<itemsPerVillage {
                _ = try await agenda.recordItem(.init(
                    unitPath: village.path, channel: .doorToDoor, category: .infrastructure, text: "基准问题 \(index)-\(item)：村道破损需修缮"
                ), options: writer)
            }
        }
        return DashboardFixture(
            countyPath: county, towns: units.villages.count,
            options: options(["dashboard.read", "membership.read", "agenda.read", "session.read", "supervision.read"]))
    }

    /// GetCountyDashboard of the county; every town present, the agenda's sections served.
    func call(_ client: RPCClient) -> @Sendable () async throws -> Void {
        let api = GatewayV1.Gateway.Client(client)
        let request = GatewayV1.GetCountyDashboardRequest(unitPath: countyPath)
        let options = options
        let towns = towns
        return {
            let dashboard = try await api.getCountyDashboard(request, options: options)
            guard dashboard.towns.count == towns, dashboard.towns.allSatisfy({ $0.ledger?.state?.available == true }) else {
                throw ValidationError("a dashboard of \(dashboard.towns.count) towns (\(towns) expected), unavailable: \(dashboard.unavailableServices)")
            }
        }
    }
}
