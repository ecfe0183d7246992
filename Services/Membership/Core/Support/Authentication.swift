import Foundation
import TongxinRPC
import TongxinService

/// 身份 — who is calling, from the call's `authorization: Bearer <token>` metadata.
///
/// The token is issued by the gateway (or `tongxinctl`) and verified on every call, so a
/// service reached directly still knows the caller's unit subtree; the tenant scope of
/// every transaction comes from here, never from a request field.
struct CallerAuthenticator: Sendable {
    let tokens: TokenAuthority
    let clock: any MembershipClock

    func caller(from context: ServerCallContext) throws(MembershipError) -> Caller {
        // Verified here as well as by AuthInterceptor: the expiry reads the service's
        // injected clock, and a handler reached without the interceptor is still safe.
        do {
            return try tokens.verify(authorization: context.metadata.authorization, now: Int64(clock.now().timeIntervalSince1970))
        } catch {
            throw .unauthenticated(error.description)
        }
    }
}

/// Permissions the membership service checks inside handlers (the scope itself is enforced
/// by RLS; each method's own permission is declared in the schema and checked by
/// `AuthInterceptor`).
enum MembershipPermission {
    /// See phone and ID numbers unmasked.
    static let readPII = Permission.readPII
}
