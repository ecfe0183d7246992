import Foundation
import GatewayAPI
import GatewayRules
import MembershipAPI
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinService
import TongxinTesting

/// Roles at units: a grant covers its unit's subtree and nothing beside it (issue 12 items 2, 4).
@Suite(.gateway("gw_tenancy"))
struct TenancyTests {
    @Test("a grant at a town covers its villages; the unit a call acts for is x-tenant-unit or the only grant's unit")
    func grantCoversSubtree() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let town = try await harness.session("town1-\(county.number)", .townAdmin, at: county.townPath(1), county: county)
        let village = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.villageCode(1))), options: town)
        #expect(village.divisionCode == county.villageCode(1))
        _ = try await harness.gateway.membership.getUnit(
            .init(unit: .init(divisionCode: county.villageCode(1))), options: with(town, unit: county.villagePath(1)))
        let who = try await harness.gateway.api.whoAmI(.init(), options: town)
        #expect(who.unitPath == county.townPath(1))
        #expect(who.permissions.contains(GatewayPermission.membershipWrite))
        // Town 2's village, named from town 1: membership's row-level security hides it.
        #expect(await statusOf {
            _ = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.villageCode(2))), options: town)
        } == .notFound)
        // Acting for town 2 or for the county: no grant covers it.
        #expect(await statusOf {
            _ = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.villageCode(2))), options: with(town, unit: county.townPath(2)))
        } == .notFound)
        #expect(await statusOf {
            _ = try await harness.gateway.membership.listUnits(.init(), options: with(town, unit: county.path))
        } == .notFound)
        #expect(await statusOf {
            _ = try await harness.gateway.membership.createUnit(
                .init(divisionCode: county.code.prefix(6) + "002002", name: "新村", level: .village, parent: .init(divisionCode: county.townCode(2))),
                options: with(town, unit: county.townPath(2)))
        } == .permissionDenied)
        #expect(await statusOf {
            _ = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.code)), options: with(town, unit: "not-a-path"))
        } == .invalidArgument)
    }

    @Test("x-tenant-unit may name the unit by its division code, inside the caller's grants only")
    func divisionCodeTarget() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let town = try await harness.session("code-\(county.number)", .townAdmin, at: county.townPath(1), county: county)
        let who = try await harness.gateway.api.whoAmI(.init(), options: with(town, unit: county.villageCode(1)))
        #expect(who.unitPath == county.villagePath(1))
        _ = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.villageCode(1))),
                                                         options: with(town, unit: county.villageCode(1)))
        #expect(await statusOf {
            _ = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.villageCode(2))), options: with(town, unit: county.villageCode(2)))
        } == .notFound)
        #expect(await statusOf {
            _ = try await harness.gateway.membership.createPerson(.init(unit: .init(divisionCode: county.villageCode(2)), name: "甲"),
                                                                  options: with(town, unit: county.villageCode(2)))
        } == .permissionDenied)
        #expect(await statusOf {
            _ = try await harness.gateway.api.whoAmI(.init(), options: with(town, unit: "33200100100x"))
        } == .invalidArgument)
    }

    @Test("a tooling token (HS256 for the gateway, as tongxinctl and the bench on the server) acts at its unit only")
    func toolingToken() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let tool = harness.tool(at: county.townPath(1), ["membership.read", "membership.write"])
        _ = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.villageCode(1))), options: tool)
        let hidden = await statusOf {
            _ = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.villageCode(2))), options: tool)
        }
        #expect(hidden == .notFound, "\(String(describing: hidden))")
        #expect(await statusOf {
            _ = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.code)), options: with(tool, unit: county.path))
        } == .notFound)
        // A token for membership's audience is no token for the gateway.
        let direct = harness.membership.server.options(unitPath: county.path, permissions: ["membership.read"])
        #expect(await statusOf {
            _ = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.code)), options: direct)
        } == .unauthenticated)
    }

    @Test("every membership method, called by one town's administrator for another town, crosses nothing")
    func crossTownMatrix() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let town = try await harness.session("matrix-\(county.number)", .townAdmin, at: county.townPath(1), county: county)
        for method in MembershipV1.Membership.allMethods {
            for target in [county.townPath(2), county.villagePath(2), county.path] {
                let code = await statusOf {
                    _ = try await harness.gateway.client.unaryBytes(
                        path: method.path, idempotent: method.idempotent, payload: [], options: with(town, unit: target))
                }
                #expect(code == (method.readOnly ? .notFound : .permissionDenied), "\(method.path) at \(target)")
            }
        }
        // Acting for its own town, naming the other town's objects: reads find nothing.
        let api = harness.gateway.membership
        let other = CommonV1.UnitRef(divisionCode: county.villageCode(2))
        #expect(await statusOf { _ = try await api.getUnit(.init(unit: other), options: town) } == .notFound)
        #expect(await statusOf { _ = try await api.listUnits(.init(root: other), options: town) } == .notFound)
        #expect(await statusOf { _ = try await api.updateUnit(.init(unit: other, name: .init(value: "改名")), options: town) } == .notFound)
        #expect(await statusOf {
            _ = try await api.createUnit(.init(divisionCode: county.code.prefix(6) + "002002", name: "x", level: .village,
                                               parent: .init(divisionCode: county.townCode(2))), options: town)
        } == .notFound)
    }

    @Test("a role gives only its permissions: an assessor reads but does not write; the account manager cannot verify the audit log")
    func rolesLimit() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let assessor = try await harness.session("assessor-\(county.number)", .assessor, at: county.path, county: county)
        _ = try await harness.gateway.membership.getUnit(.init(unit: .init(divisionCode: county.townCode(1))), options: assessor)
        #expect(await statusOf {
            _ = try await harness.gateway.membership.updateUnit(.init(unit: .init(divisionCode: county.townCode(1)), name: .init(value: "改")), options: assessor)
        } == .permissionDenied)
        let sysadmin = try await harness.session("sys-\(county.number)", .systemAdmin, at: county.path, county: county)
        #expect(await statusOf {
            _ = try await harness.gateway.client.unaryBytes(path: "/tongxin.audit.v1.Audit/VerifyAuditChain", idempotent: true, payload: [], options: sysadmin)
        } == .permissionDenied)
        #expect(await statusOf {
            _ = try await harness.gateway.api.grantRole(.init(account: "assessor-\(county.number)", role: "county_admin", unitPath: county.path), options: sysadmin)
        } == .permissionDenied)
        // 三权分立: the same account may not also be the security or audit administrator.
        #expect(await statusOf {
            _ = try await harness.gateway.api.grantRole(.init(account: "sys-\(county.number)", role: Role.auditAdmin.rawValue, unitPath: county.path),
                                                        options: harness.tool(at: county.path, [GatewayPermission.grants]))
        } == .failedPrecondition)
        let auditor = try await harness.session("aud-\(county.number)", .auditAdmin, at: county.path, county: county)
        #expect(await statusOf {
            _ = try await harness.gateway.api.createAccount(.init(name: "x-\(county.number)", kind: .person, password: GatewayHarness.password, homeUnitPath: county.path), options: auditor)
        } == .permissionDenied)
    }

    @Test("a town over its rate gets RESOURCE_EXHAUSTED with a retry hint while another town is served")
    func perTenantLimit() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        let limited = try await GatewayServer.start(
            pool: harness.gatewayPool, clock: harness.clock, routes: ["membership": [("127.0.0.1", harness.membership.server.port)]],
            tenantLimits: (rate: 2, burst: 5, inFlight: 64))
        defer { Task { await limited.shutdown() } }
        let busy = try await harness.session("busy-\(county.number)", .townAdmin, at: county.townPath(1), county: county)
        let quiet = try await harness.session("quiet-\(county.number)", .townAdmin, at: county.townPath(2), county: county)
        var refused: RPCError?
        for _ in 0..<20 {
            do {
                _ = try await limited.membership.getUnit(.init(unit: .init(divisionCode: county.townCode(1))), options: busy)
            } catch let error as RPCError {
                refused = error
                break
            }
        }
        #expect(refused?.code == .resourceExhausted)
        #expect(refused?.detail?.figure("retry_after_ms").flatMap(Int.init).map { $0 > 0 } == true)
        _ = try await limited.membership.getUnit(.init(unit: .init(divisionCode: county.townCode(2))), options: quiet)
    }
}
