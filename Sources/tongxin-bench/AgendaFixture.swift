import AgendaAPI
import ArgumentParser
import Foundation
import TongxinRPC
import TongxinSchemas
import TongxinService

/// A county of the agenda service for `record-item` and `list-items`: a fresh random county
/// path (agenda names units by path, no membership call needed) and a token for audience
/// `agenda` signed with TONGXIN_AUTH_SECRET.
struct AgendaFixture {
    var villages: [String]
    var countyPath: String
    var options: CallOptions

    /// With membership at `membershipPort` the county, towns and villages are registered there
    /// first (an agenda told TONGXIN_AGENDA_MEMBERSHIP_ADDRESS accepts registered units only);
    /// without it (an agenda on its own) the paths are made up.
    static func create(membershipPort: Int?, audience: String = "agenda") async throws -> AgendaFixture {
        guard let secret = ProcessInfo.processInfo.environment["TONGXIN_AUTH_SECRET"] else {
            throw ValidationError("the agenda methods need TONGXIN_AUTH_SECRET (see .tongxin/secrets.env)")
        }
        var county: String
        var villages: [String]
        if let membershipPort {
            let membership = RPCClient(configuration: .init(host: "127.0.0.1", port: membershipPort, connectTimeout: .seconds(2)))
            let units = try await UnitFixture.create(client: membership, towns: 8)
            await membership.close()
            villages = units.villages.map(\.path)
            county = String(villages[0].split(separator: ".")[0])
        } else {
            let prefix = String(format: "%02d%02d%02d", Int.random(in: 11...65), Int.random(in: 1...99), Int.random(in: 1...99))
            county = "u" + prefix + "000000"
            villages = (1...8).map { "\(county).u\(prefix)00\($0)000.u\(prefix)00\($0)001" }
        }
        let caller = Caller(principal: "tongxin-bench", unitPath: county,
                            permissions: ["agenda.read", "agenda.write", "pii.read"],
                            audience: audience, now: Int64(Date().timeIntervalSince1970),
                            lifetime: TokenAuthority.defaultMaximumLifetime, issuer: "tongxin-bench")
        var metadata = Metadata()
        // Through the gateway the caller acts at the county (the gateway's x-tenant-unit).
        if audience == "gateway" { metadata.tenantUnit = county }
        metadata.authorization = "Bearer " + TokenAuthority(
            secret: Array(secret.utf8),
            keyID: ProcessInfo.processInfo.environment["TONGXIN_AUTH_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? TokenAuthority.defaultSecretKeyID
        ).issue(caller)
        return AgendaFixture(villages: villages, countyPath: county, options: CallOptions(timeout: .seconds(10), metadata: metadata))
    }

    /// One RecordItem per call, spread over the villages and channels.
    func recordCall(_ client: RPCClient) -> @Sendable () async throws -> Void {
        let api = AgendaV1.Agenda.Client(client)
        let counter = PersonCounter()
        let villages = villages
        let options = options
        return {
            let index = counter.next()
            _ = try await api.recordItem(.init(
                unitPath: villages[index % villages.count], channel: .init(rawValue: Int32(1 + index % 9)),
                category: .init(rawValue: Int32(1 + index % 14)), text: "基准问题 \(index)：村道破损需修缮",
                reporter: "居民\(index)", contact: "139\(String(format: "%08d", index % 100_000_000))"
            ), options: options)
        }
    }

    /// Fills the county's ledger with `size` items through RecordItem, 64 calls in flight.
    func fill(_ client: RPCClient, size: Int) async throws {
        let call = recordCall(client)
        let issued = PersonCounter()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<64 {
                group.addTask {
                    while issued.next() <= size { try await call() }
                }
            }
            try await group.waitForAll()
        }
    }

    /// ListItems over the whole county: the first page of 50, newest first.
    func listCall(_ client: RPCClient) -> @Sendable () async throws -> Void {
        let api = AgendaV1.Agenda.Client(client)
        let request = AgendaV1.ListItemsRequest(unitPath: countyPath, page: .init(pageSize: 50))
        let options = options
        return {
            let page = try await api.listItems(request, options: options)
            guard page.items.count == 50 else { throw ValidationError("a page of \(page.items.count) items, not 50") }
        }
    }
}
