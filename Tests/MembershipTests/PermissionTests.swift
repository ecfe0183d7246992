import TongxinTesting
import Testing
import HealthAPI
import MembershipAPI
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 权限 — generated from the schema: every method of `tongxin.membership.v1.Membership`
/// (``MembershipV1/Membership/allMethods``) is called through real RPC, once with a token
/// lacking the permission the method declares and once with a token holding only that
/// permission. The first is PERMISSION_DENIED before any handler runs; the second gets
/// past the check (whatever the empty request then earns it).
@Suite("Permissions declared in the schema", .membershipService("perm"))
struct PermissionTests {
    static let everyPermission: Set<String> = [Permissions.read, Permissions.write, Permissions.rules, Permissions.readPII]

    /// The method with its messages erased: an empty payload decodes as any request (all
    /// fields default), and the outcome is judged by status code only.
    static func raw(_ method: RPCMethodDescriptor) -> RPCMethod<HealthV1.PingRequest, HealthV1.PingResponse> {
        RPCMethod(service: method.service, name: method.name, idempotent: false)
    }

    @Test("the schema declares a permission for every method: reads membership.read (public notices public.read), rule overrides membership.rules, other mutations membership.write")
    func declarations() {
        let methods = MembershipV1.Membership.allMethods
        let described = SchemaRegistry.services.first { $0.name == MembershipV1.Membership.serviceName }?.methods
        #expect(methods.map(\.name) == described, "allMethods lists every method protoc-c describes, in order")
        for method in methods {
            let expected = method.name == "ListPublicNotices" ? "public.read"
                : method.readOnly ? Permissions.read
                : ["SetCompositionRule", "ResetCompositionRule"].contains(method.name) ? Permissions.rules
                : method.name == "RotatePIIKey" ? Permissions.rotatePII : Permissions.write
            #expect(method.permission == expected, "\(method)")
        }
        #expect(HealthV1.Health.allMethods.allSatisfy { $0.permission == nil }, "Health is open")
    }

    @Test("the CSV import and the key rotation are declared cpu_bound, so they run off the event loop; nothing else is")
    func cpuBoundDeclarations() {
        #expect(MembershipV1.Membership.allMethods.filter(\.cpuBound).map(\.name) == ["ImportUnits", "RotatePIIKey"])
    }

    @Test("a token without the method's permission is PERMISSION_DENIED; one holding it gets past the check",
          arguments: MembershipV1.Membership.allMethods)
    func enforced(_ method: RPCMethodDescriptor) async throws {
        let county = try await MembershipHarness.current.county()
        let permission = try #require(method.permission)
        let call = Self.raw(method)
        let client = county.harness.server.client

        let lacking = county.caller(at: county.path, Self.everyPermission.subtracting([permission]))
        await expectStatus(.permissionDenied, "permission \"\(permission)\" is required", "需要权限 \(permission)") {
            try await client.unary(call, HealthV1.PingRequest(), options: lacking)
        }

        let holding = county.caller(at: county.path, [permission])
        do {
            _ = try await client.unary(call, HealthV1.PingRequest(), options: holding)
        } catch let error as RPCError {
            #expect(error.code != .permissionDenied, "\(method): \(error)")
            #expect(error.code != .unauthenticated, "\(method): \(error)")
            #expect(error.code != .unimplemented, "\(method): \(error)")
        }
    }
}
