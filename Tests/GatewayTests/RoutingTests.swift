@preconcurrency import Crypto
import Foundation
import GatewayAPI
import GatewayCore
import GatewayRules
import MembershipAPI
import MembershipCore
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// Forwarding: the gateway's signature, failover, a service down (issue 12 item 3).
@Suite(.gateway("gw_routing"))
struct RoutingTests {
    /// A second membership instance on the suite's database (same pool, same clock).
    func membershipInstance(_ harness: GatewayHarness, authority: TokenAuthority = GatewayHarness.membershipAuthority) async throws -> TestServer {
        let membership = harness.membership
        return try await TestServer.start(
            services: [MembershipService(environment: MembershipEnvironment(
                pool: membership.servicePool, tokens: authority,
                vault: PIIVault(encryptionKey: Array(repeating: 0x5A, count: 32), hashKey: Array(repeating: 0xA5, count: 32)),
                clock: membership.clock, logger: TestServer.quietLogger))],
            serviceName: "membership", pool: membership.servicePool, authority: authority, clock: membership.clock, authClock: SystemClock())
    }

    @Test("a membership that takes only the gateway's key refuses a token the gateway did not sign")
    func directCallsRefused() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let gatewayOnly = TokenAuthority(signingKeyID: nil, signingKey: nil).verifying(GatewayHarness.keyID, .edDSA(GatewayHarness.signingKey.publicKey))
        let strict = try await membershipInstance(harness, authority: gatewayOnly)
        defer { Task { await strict.shutdown() } }
        let api = MembershipV1.Membership.Client(strict.client)
        let request = MembershipV1.GetUnitRequest(unit: .init(divisionCode: county.code))
        let now = Int64(Date().timeIntervalSince1970)
        let caller = Caller(principal: "mallory", unitPath: county.path, permissions: ["membership.read"], audience: "membership", now: now, lifetime: 60)
        func call(_ token: String) async -> Status.Code? {
            await statusOf { _ = try await api.getUnit(request, options: CallOptions(metadata: [Metadata.Keys.authorization: "Bearer " + token])) }
        }
        // The shared HMAC secret (what tooling holds): refused.
        #expect(await call(TokenAuthority(secret: TestServer.defaultSecret).issue(caller)) == .unauthenticated)
        // Another Ed25519 key under the gateway's key id: refused.
        let forger = TokenAuthority(signingKeyID: GatewayHarness.keyID, signingKey: .edDSA(Curve25519.Signing.PrivateKey()))
        #expect(await call(forger.issue(caller)) == .unauthenticated)
        // No token: refused.
        #expect(await statusOf { _ = try await api.getUnit(request) } == .unauthenticated)
        // The gateway's key, but for another audience: refused.
        let gateway = TokenAuthority(signingKeyID: GatewayHarness.keyID, signingKey: .edDSA(GatewayHarness.signingKey))
        var agenda = caller
        agenda.audience = "agenda"
        #expect(await call(gateway.issue(agenda)) == .unauthenticated)
        // Through a gateway routed to it: served.
        let routed = try await GatewayServer.start(pool: harness.gatewayPool, clock: harness.clock, routes: ["membership": [("127.0.0.1", strict.port)]])
        defer { Task { await routed.shutdown() } }
        let session = try await harness.session("routed-\(county.number)", .countyAdmin, at: county.path, county: county)
        _ = try await routed.membership.getUnit(request, options: session)
    }

    @Test("the trace id and the caller travel to the service: its audit entry names the account and the trace")
    func traceAndPrincipal() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let session = try await harness.session("tracer-\(county.number)", .villageClerk, at: county.villagePath(1), county: county)
        var options = session
        let trace = "0123456789abcdef0123456789ab" + String(format: "%04d", county.number)
        options.metadata.traceID = trace
        _ = try await harness.gateway.membership.createPerson(.init(unit: .init(divisionCode: county.villageCode(1)), name: "居民甲"), options: options)
        let rows = try await harness.membership.superuser.query(
            "SELECT principal, service, method FROM audit.entries WHERE trace_id = $1", [.text(trace)])
        #expect(rows.count == 1)
        #expect(try rows.first?["principal"].decode(String.self) == "tracer-\(county.number)")
        #expect(try rows.first?["service"].decode(String.self) == "membership")
    }

    @Test("a service that is down answers UNAVAILABLE within the deadline; one that hangs, DEADLINE_EXCEEDED at it")
    func serviceDown() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let session = try await harness.session("down-\(county.number)", .countyAdmin, at: county.path, county: county)
        var options = session
        options.timeout = .seconds(2)
        let request = MembershipV1.GetUnitRequest(unit: .init(divisionCode: county.code))

        // Nothing listens on port 1: refused at once.
        let down = try await GatewayServer.start(pool: harness.gatewayPool, clock: harness.clock, routes: ["membership": [("127.0.0.1", 1)]])
        defer { Task { await down.shutdown() } }
        var started = ContinuousClock.now
        #expect(await statusOf { _ = try await down.membership.getUnit(request, options: options) } == .unavailable)
        #expect(ContinuousClock.now - started < .seconds(2))

        // A port that accepts and never answers: the call ends at its deadline, not later.
        let silent = try await SilentListener.start()
        defer { silent.close() }
        let hung = try await GatewayServer.start(pool: harness.gatewayPool, clock: harness.clock, routes: ["membership": [("127.0.0.1", silent.port)]])
        defer { Task { await hung.shutdown() } }
        started = ContinuousClock.now
        let code = await statusOf { _ = try await hung.membership.getUnit(request, options: options) }
        #expect(code == .deadlineExceeded || code == .unavailable)
        // Ended by its 2 s deadline (without one it would wait forever); the margin is for a busy machine.
        #expect(ContinuousClock.now - started < .seconds(8))
    }

    @Test("calls fail over to the other membership instance when one goes down")
    func failover() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let second = try await membershipInstance(harness)
        let pair = try await GatewayServer.start(
            pool: harness.gatewayPool, clock: harness.clock,
            routes: ["membership": [("127.0.0.1", harness.membership.server.port), ("127.0.0.1", second.port)]])
        defer { Task { await pair.shutdown() } }
        let session = try await harness.session("pair-\(county.number)", .countyAdmin, at: county.path, county: county)
        for _ in 0..<6 {
            _ = try await pair.membership.getUnit(.init(unit: .init(divisionCode: county.code)), options: session)
        }
        await second.shutdown()
        for index in 0..<10 {
            _ = try await pair.membership.getUnit(.init(unit: .init(divisionCode: county.code)), options: session)
            // A write (not idempotent by itself) still goes through: the dead instance refuses connections.
            _ = try await pair.membership.createPerson(
                .init(unit: .init(divisionCode: county.villageCode(1)), name: "居民\(index)"), options: with(session, unit: county.path))
        }
    }
}
