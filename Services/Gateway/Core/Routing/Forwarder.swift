import Foundation
import Synchronization
import TongxinRPC
import TongxinService

/// 转发 — forwards the methods of one service to its ``Upstream`` at the frame level: the
/// request's bytes go on undecoded and the answer's bytes come back. The caller travels as
/// a new token for that service's audience (`aud` = the service's name), at most
/// ``tokenLifetime`` seconds long, signed with the gateway's Ed25519 key (only the
/// gateway holds it; services verify with the public key, `TONGXIN_AUTH_ED25519_KEYS`):
/// the account as `sub`, the target unit as `unit`, the permissions its grants give there
/// as `perms`. The trace id, the deadline (what is left of it) and `x-idempotency-key`
/// travel too; nothing else of the caller's metadata does (never its own credential).
public struct Forwarder: RPCService {
    public let audience: String
    public let methods: [RPCMethodDescriptor]
    public let upstream: Upstream
    public let signer: TokenAuthority
    public let tokenLifetime: Int64
    let tokens = ForwardedTokens()

    public init(audience: String, methods: [RPCMethodDescriptor], upstream: Upstream, signer: TokenAuthority, tokenLifetime: Int64 = 60) {
        precondition(tokenLifetime <= 60, "forwarded tokens live at most 60 s")
        self.audience = audience
        self.methods = methods
        self.upstream = upstream
        self.signer = signer
        self.tokenLifetime = tokenLifetime
    }

    public func register(into router: inout RPCRouter) {
        for method in methods {
            let forward = self
            router.registerForwarding(method) { payload, context in
                try await forward.forward(method, payload: payload, context: context)
            }
        }
    }

    func forward(_ method: RPCMethodDescriptor, payload: [UInt8], context: ServerCallContext) async throws -> [UInt8] {
        guard let caller = Caller.bound else {
            throw RPCError(code: .unauthenticated, message: AuthenticationFailure.missing.description)
        }
        let token = tokens.token(for: caller, audience: audience, signer: signer, lifetime: tokenLifetime)
        var metadata = Metadata()
        metadata.authorization = "Bearer " + token
        metadata.traceID = context.traceID
        if let key = context.metadata.idempotencyKey { metadata.idempotencyKey = key }
        var options = CallOptions(metadata: metadata)
        options.deadline = context.deadline
        return try await upstream.call(path: method.path, idempotent: method.idempotent, payload: payload, options: options)
    }
}

/// The forwarded tokens of one service's audience, by caller, unit and permissions.
final class ForwardedTokens: Sendable {
    private let entries = Mutex<[String: (token: String, expiresAt: Int64)]>([:])

    /// A token of `caller` for `audience`, signed by `signer`, at most `lifetime` seconds long.
    /// Tokens are minted on the wall clock, which the services verify against, and reused
    /// for the same caller, unit and permissions while they have half their life left (an
    /// Ed25519 signature per call would cost more than the rest of the forwarding).
    func token(for caller: Caller, audience: String, signer: TokenAuthority, lifetime: Int64) -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let key = "\(audience)\u{1f}\(caller.principal)\u{1f}\(caller.unitPath)\u{1f}\(caller.permissions.sorted().joined(separator: ","))"
        if let cached = token(for: key, now: now, minimumLife: lifetime / 2) {
            return cached
        }
        let token = signer.issue(Caller(
            principal: caller.principal, unitPath: caller.unitPath, permissions: caller.permissions,
            audience: audience, now: now, lifetime: lifetime, issuer: "gateway"))
        remember(token, for: key, expiresAt: now + lifetime)
        return token
    }

    func token(for key: String, now: Int64, minimumLife: Int64) -> String? {
        entries.withLock { entries in
            guard let entry = entries[key], entry.expiresAt - now >= minimumLife else { return nil }
            return entry.token
        }
    }

    func remember(_ token: String, for key: String, expiresAt: Int64) {
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll() }
            entries[key] = (token, expiresAt)
        }
    }
}
