import Foundation
import GatewayAPI
import GatewayRules
import MembershipAPI
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinTesting

/// Accounts, sessions, lockout, idle timeout, logout and revocation (issue 12 item 1).
/// Serialized: its tests move the suite's clock (idle timeouts, locks), which would end the
/// sessions of tests running beside them.
@Suite(.gateway("gw_identity"), .serialized)
struct IdentityTests {
    @Test("a login gives a session that reaches membership; a wrong password does not; both are audited without the password")
    func loginAndAudit() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let session = try await harness.session("clerk1", .townAdmin, at: county.townPath(1), county: county)
        let unit = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.villageCode(1))), options: session)
        #expect(unit.divisionCode == county.villageCode(1))

        #expect(await statusOf { _ = try await harness.login("clerk1", password: "wrong password!!") } == .unauthenticated)
        #expect(await statusOf { _ = try await harness.login("nobody-here") } == .unauthenticated)

        let rows = try await harness.membership.superuser.query(
            "SELECT method, principal, detail::text AS detail FROM audit.entries WHERE service = 'gateway' AND (principal = 'clerk1' OR detail->>'account' = 'nobody-here') ORDER BY occurred_at")
        let methods = try rows.map { try $0["method"].decode(String.self) }
        #expect(methods.contains("LoginSucceeded"))
        #expect(methods.filter { $0 == "LoginFailed" }.count == 2)
        for row in rows {
            let detail = try row["detail"].decode(String.self)
            #expect(!detail.contains("wrong password") && !detail.contains(GatewayHarness.password))
        }
    }

    @Test("five failed logins in a row lock the account, even against the right password, until the lock passes")
    func lockout() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        try await harness.createAccount("locky", county: county)
        for _ in 1...5 {
            #expect(await statusOf { _ = try await harness.login("locky", password: "not the password") } == .unauthenticated)
        }
        #expect(await statusOf { _ = try await harness.login("locky") } == .unauthenticated)
        let account = try await harness.gateway.api.getAccount(.init(name: "locky"), options: harness.tool(at: county.path, [GatewayPermission.accounts]))
        #expect(account.lockedUntil > 0)
        harness.clock.advance(by: 15 * 60 + 1)
        _ = try await harness.login("locky")
    }

    @Test("a system administrator lifts a lock at once")
    func unlock() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        try await harness.createAccount("unlocky", county: county)
        for _ in 1...5 { _ = await statusOf { _ = try await harness.login("unlocky", password: "not the password") } }
        let admin = try await harness.session("sysadmin\(county.number)", .systemAdmin, at: county.path, county: county)
        _ = try await harness.gateway.api.unlockAccount(.init(name: "unlocky"), options: admin)
        _ = try await harness.login("unlocky")
    }

    @Test("a session ends after the idle timeout, and at logout, and when an administrator revokes it")
    func sessionEnds() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let get = MembershipV1.GetUnitRequest(unit: .init(divisionCode: county.townCode(1)))
        let idle = try await harness.session("idler", .townAdmin, at: county.townPath(1), county: county)
        _ = try await harness.gateway.membership.getUnit(get, options: idle)
        harness.clock.advance(by: 15 * 60 + 1)
        #expect(await statusOf { _ = try await harness.gateway.membership.getUnit(get, options: idle) } == .unauthenticated)

        let leaving = try await harness.login("idler")
        _ = try await harness.gateway.membership.getUnit(get, options: leaving)
        _ = try await harness.gateway.api.logout(.init(), options: leaving)
        #expect(await statusOf { _ = try await harness.gateway.membership.getUnit(get, options: leaving) } == .unauthenticated)

        let revoked = try await harness.login("idler")
        _ = try await harness.gateway.membership.getUnit(get, options: revoked)
        let result = try await harness.gateway.api.revokeSessions(.init(account: "idler"), options: harness.tool(at: county.path, [GatewayPermission.accounts]))
        #expect(result.revoked >= 1)
        #expect(await statusOf { _ = try await harness.gateway.membership.getUnit(get, options: revoked) } == .unauthenticated)
    }

    @Test("a disabled account's sessions end at once and it cannot log in")
    func disable() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let get = MembershipV1.GetUnitRequest(unit: .init(divisionCode: county.townCode(2)))
        let session = try await harness.session("leaver", .townAdmin, at: county.townPath(2), county: county)
        _ = try await harness.gateway.membership.getUnit(get, options: session)
        let account = try await harness.gateway.api.disableAccount(.init(name: "leaver"), options: harness.tool(at: county.path, [GatewayPermission.accounts]))
        #expect(account.disabled)
        #expect(await statusOf { _ = try await harness.gateway.membership.getUnit(get, options: session) } == .unauthenticated)
        #expect(await statusOf { _ = try await harness.login("leaver") } == .unauthenticated)
        // Another county's administrator does not see the account at all.
        #expect(await statusOf {
            _ = try await harness.gateway.api.getAccount(.init(name: "leaver"), options: harness.tool(at: "u332099000000", [GatewayPermission.accounts]))
        } == .notFound)
    }

    @Test("a session expires after its lifetime however busy")
    func sessionExpires() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let get = MembershipV1.GetUnitRequest(unit: .init(divisionCode: county.townCode(1)))
        let busy = try await harness.session("busy", .townAdmin, at: county.townPath(1), county: county)
        for _ in 0..<40 {
            harness.clock.advance(by: 14 * 60)
            _ = try? await harness.gateway.membership.getUnit(get, options: busy)
        }
        #expect(await statusOf { _ = try await harness.gateway.membership.getUnit(get, options: busy) } == .unauthenticated)
    }

    @Test("an integration client calls with an API key, which stops working once revoked")
    func apiKeys() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let tool = harness.tool(at: county.path, [GatewayPermission.accounts, GatewayPermission.grants])
        _ = try await harness.gateway.api.createAccount(.init(name: "hotline12345", kind: .integration, homeUnitPath: county.path), options: tool)
        _ = try await harness.gateway.api.grantRole(.init(account: "hotline12345", role: Role.integrationClient.rawValue, unitPath: county.path), options: tool)
        let key = try await harness.gateway.api.createAPIKey(.init(account: "hotline12345"), options: tool)
        let options = CallOptions(timeout: .seconds(10), metadata: [Metadata.Keys.authorization: "Bearer " + key.key])
        let get = MembershipV1.GetUnitRequest(unit: .init(divisionCode: county.townCode(2)))
        _ = try await harness.gateway.membership.getUnit(get, options: options)
        #expect(await statusOf {
            _ = try await harness.gateway.membership.createUnit(.init(divisionCode: county.code.prefix(6) + "009000", name: "x", level: .town,
                                                                      parent: .init(divisionCode: county.code)), options: options)
        } == .permissionDenied)
        #expect(await statusOf { _ = try await harness.login("hotline12345") } == .unauthenticated)
        _ = try await harness.gateway.api.revokeAPIKey(.init(id: key.id), options: tool)
        #expect(await statusOf { _ = try await harness.gateway.membership.getUnit(get, options: options) } == .unauthenticated)
    }

    @Test("no credential reaches nothing of membership; a forged session token is UNAUTHENTICATED")
    func anonymous() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        for method in MembershipV1.Membership.allMethods {
            let code = await statusOf {
                _ = try await harness.gateway.client.unaryBytes(path: method.path, idempotent: true, payload: [], options: with(CallOptions(timeout: .seconds(5)), unit: county.path))
            }
            #expect(code == .unauthenticated, "\(method.path)")
        }
        let forged = CallOptions(timeout: .seconds(5), metadata: [Metadata.Keys.authorization: "Bearer txs_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"])
        #expect(await statusOf { _ = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.code)), options: forged) } == .unauthenticated)
    }
}
