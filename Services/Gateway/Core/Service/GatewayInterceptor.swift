import Foundation
import GatewayAPI
import GatewayRules
import TongxinRPC
import TongxinService

/// The gateway's authentication, in place of the services' ``AuthInterceptor``: for every
/// call it establishes the ``Identity`` (``Credentials``), the **target unit**, and what the
/// caller may do there, checks the method's permission from the schema, counts the call
/// against its town's budget (``TenantLimiter``), and binds the `Caller` (account, target
/// unit, permissions) that the gateway's handlers use and ``Forwarder`` signs.
///
/// The target unit is metadata `x-tenant-unit` (an ltree path of the unit the call acts
/// for, or its 12-digit division code, resolved through membership inside the caller's
/// grants — ``UnitDirectory``), or, without it, the unit of the caller's grants when they are all at one unit;
/// a caller with grants at several units must name one (INVALID_ARGUMENT otherwise).
/// A target no grant covers is NOT_FOUND for a read-only method (existence does not leak)
/// and PERMISSION_DENIED for any other; a covered target without the method's permission is
/// PERMISSION_DENIED. A call without credentials holds only ``GatewayPermission/anonymous``
/// (Login, and public reads: the open-data export), counted against one shared `anonymous`
/// budget: anything else is UNAUTHENTICATED. Health is open.
public struct GatewayInterceptor: ServerInterceptor {
    public let credentials: Credentials
    public let limiter: TenantLimiter?
    public let openServices: Set<String>
    /// Resolves an `x-tenant-unit` given as a division code (nil: paths only).
    public let units: UnitDirectory?

    public init(credentials: Credentials, limiter: TenantLimiter?, openServices: Set<String> = ["tongxin.health.v1.Health"],
                units: UnitDirectory? = nil) {
        self.credentials = credentials
        self.limiter = limiter
        self.openServices = openServices
        self.units = units
    }

    public func intercept(
        request: ServerRequest, context: ServerCallContext,
        next: (ServerRequest, ServerCallContext) async throws -> ServerResponse
    ) async throws -> ServerResponse {
        let service = context.method.split(separator: "/").first.map(String.init) ?? ""
        if openServices.contains(service) {
            return try await next(request, context)
        }
        let permission = context.methodDescriptor?.permission
        // Login authenticates itself (the password in the request), whatever else is sent.
        if permission == GatewayPermission.login {
            return try await next(request, context)
        }
        guard let identity = try await credentials.resolve(context.metadata.authorization, deadline: context.deadline) else {
            guard let permission, GatewayPermission.anonymous.contains(permission) else {
                throw RPCError(code: .unauthenticated, message: AuthenticationFailure.missing.description)
            }
            // Anonymous readers of open data share one budget, like a town.
            guard let limiter else { return try await next(request, context) }
            return try await limiter.within("anonymous") { try await next(request, context) }
        }
        let target: UnitPath
        if let named = context.metadata.tenantUnit {
            if let path = UnitPath(named) {
                target = path
            } else if DivisionCode.isValid(named), let units {
                target = try await resolve(named, for: identity, units: units, context: context)
            } else {
                throw RPCError(code: .invalidArgument,
                               message: "x-tenant-unit is not a unit path (u<12 digits>[.u<12 digits>…]) or a 12-digit division code / 单位无效")
            }
        } else if let only = identity.defaultUnit {
            target = only
        } else if permission == GatewayPermission.session, let home = UnitPath(identity.homeUnitPath) {
            target = home
        } else {
            throw RPCError(code: .invalidArgument, message: "x-tenant-unit is required: the account holds grants at several units / 请指定单位")
        }
        var permissions = identity.permissions(at: target)
        if permission == GatewayPermission.session { permissions.insert(GatewayPermission.session) }
        if permissions.isEmpty {
            if context.methodDescriptor?.readOnly ?? false {
                throw RPCError(code: .notFound, message: "unit not found / 单位不存在")
            }
            throw RPCError(code: .permissionDenied, message: "no grant covers the unit / 无权在该单位操作")
        }
        if let permission, !permissions.contains(permission) {
            throw RPCError(code: .permissionDenied, message: "permission \"\(permission)\" is required / 需要权限 \(permission)")
        }
        let now = Int64(Date().timeIntervalSince1970)
        let caller = Caller(principal: identity.account, unitPath: target.description, permissions: permissions,
                            audience: "gateway", now: now, lifetime: 60, issuer: "gateway")
        var context = context
        context.metadata.principal = identity.account
        let bound = context
        guard let limiter else {
            return try await Caller.$bound.withValue(caller) {
                try await Identity.$bound.withValue(identity) { try await next(request, bound) }
            }
        }
        return try await limiter.within(target.tenant) {
            try await Caller.$bound.withValue(caller) {
                try await Identity.$bound.withValue(identity) { try await next(request, bound) }
            }
        }
    }

    /// The unit a division code names, looked up inside each unit the caller's grants (or
    /// tooling token) cover; a code none of them holds is treated like a unit no grant covers
    /// (NOT_FOUND for a read-only method, PERMISSION_DENIED for any other).
    private func resolve(_ code: String, for identity: Identity, units: UnitDirectory, context: ServerCallContext) async throws -> UnitPath {
        let scopes = identity.toolScope.map { [$0.unit] } ?? Array(Set(identity.grants.map(\.unitPath))).sorted { $0.description < $1.description }
        for scope in scopes {
            do {
                return try await units.resolve(code, within: scope, principal: identity.account, deadline: context.deadline,
                                               traceID: context.traceID)
            } catch let error as RPCError where error.code == .notFound {
                continue
            }
        }
        if context.methodDescriptor?.readOnly ?? false {
            throw RPCError(code: .notFound, message: "unit not found / 单位不存在")
        }
        throw RPCError(code: .permissionDenied, message: "no grant covers the unit / 无权在该单位操作")
    }
}
