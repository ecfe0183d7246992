import Foundation
import TongxinRPC

/// Verifies the caller token of every call (metadata `authorization: Bearer v2.…`) and
/// binds the `Caller` for the handler (`Caller.current()`); a missing, forged, expired,
/// over-long or future token, one with an unknown `alg`/`kid`, or one whose audience is not
/// this service (`audience`, the service's name from its configuration) is answered
/// UNAUTHENTICATED before any handler runs (see ``TokenAuthority``).
///
/// Then it checks, once, the permission the schema declares for the method
/// (`option (tongxin.rpc.v1.permission)`, which the router hands over as
/// `ServerCallContext.methodDescriptor`): a caller without it is answered
/// PERMISSION_DENIED (`permission "X" is required / 需要权限 X`), so handlers never check
/// permissions of their own.
///
/// `tongxin.health.v1.Health` stays open, as gRPC health is, so load balancers and the
/// run script can probe a service without credentials.
public struct AuthInterceptor: ServerInterceptor {
    public let authority: TokenAuthority
    /// The `aud` a token must carry: this service's name, e.g. `membership`.
    public let audience: String
    public let openServices: Set<String>
    private let now: @Sendable () -> Int64
    private let verified = VerifiedTokenCache()

    public init(authority: TokenAuthority, audience: String, openServices: Set<String> = ["tongxin.health.v1.Health"],
                now: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) }) {
        self.authority = authority
        self.audience = audience
        self.openServices = openServices
        self.now = now
    }

    /// Verifies expiry against `clock`, the same clock the service's handlers read.
    public init(authority: TokenAuthority, audience: String, openServices: Set<String> = ["tongxin.health.v1.Health"],
                clock: any ServiceClock) {
        self.init(authority: authority, audience: audience, openServices: openServices,
                  now: { Int64(clock.now().timeIntervalSince1970) })
    }

    public func intercept(
        request: ServerRequest,
        context: ServerCallContext,
        next: (ServerRequest, ServerCallContext) async throws -> ServerResponse
    ) async throws -> ServerResponse {
        let service = context.method.split(separator: "/").first.map(String.init) ?? ""
        if openServices.contains(service) {
            return try await next(request, context)
        }
        let caller: Caller
        do {
            let now = now()
            let authorization = context.metadata.authorization
            caller = try verified.caller(for: authorization, now: now) { () throws(AuthenticationFailure) in
                try authority.verify(authorization: authorization, audience: audience, now: now)
            }
        } catch {
            throw RPCError(code: .unauthenticated, message: error.description)
        }
        if let permission = context.methodDescriptor?.permission {
            try caller.require(permission)
        }
        var context = context
        context.metadata.principal = caller.principal
        return try await Caller.$bound.withValue(caller) {
            try await next(request, context)
        }
    }
}

extension Caller {
    /// The caller of the current call, bound by `AuthInterceptor`.
    @TaskLocal public static var bound: Caller?

    /// The authenticated caller, or UNAUTHENTICATED (a handler reached without the interceptor).
    public static func current() throws -> Caller {
        guard let caller = bound else {
            throw RPCError(code: .unauthenticated, message: AuthenticationFailure.missing.description)
        }
        return caller
    }

    /// Throws PERMISSION_DENIED unless the caller holds `permission`.
    public func require(_ permission: String) throws {
        guard has(permission) else {
            throw RPCError(code: .permissionDenied, message: "permission \"\(permission)\" is required / 需要权限 \(permission)")
        }
    }
}
