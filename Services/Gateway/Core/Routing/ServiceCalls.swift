import Foundation
import TongxinRPC
import TongxinService
import TongxinWire

/// 内部调用 — the gateway's own calls to the services behind it (appeal intake, the merged
/// change feed, the open-data export): through the same ``Upstream``s as forwarded calls
/// (round robin, health, failover), as the caller — the account and the unit it acts in —
/// but with only the permissions the gateway's operation needs downstream, in a token the
/// gateway signs for the service's audience (like ``Forwarder``'s, at most 60 s, reused
/// while half its life is left). The deadline and trace id of the gateway's call travel on.
public final class ServiceCalls: Sendable {
    let upstreams: [String: Upstream]
    let signer: TokenAuthority
    let tokens = ForwardedTokens()
    let tokenLifetime: Int64 = 60

    init(upstreams: [Upstream], signer: TokenAuthority) {
        self.upstreams = Dictionary(upstreams.map { ($0.service, $0) }, uniquingKeysWith: { first, _ in first })
        self.signer = signer
    }

    /// The services this gateway routes, by name, sorted.
    public var services: [String] { upstreams.keys.sorted() }

    public func routes(_ service: String) -> Bool { upstreams[service] != nil }

    /// Calls `method` of `service` as `principal` acting at `unitPath` with `permissions`.
    /// A service this gateway does not route is UNAVAILABLE, naming it.
    func call<Request: WireMessage, Response: WireMessage>(
        _ service: String, _ method: RPCMethod<Request, Response>, _ request: Request,
        principal: String, unitPath: String, permissions: Set<String>,
        deadline: ContinuousClock.Instant?, traceID: String?
    ) async throws -> Response {
        guard let upstream = upstreams[service] else {
            throw RPCError(code: .unavailable, message: "the \(service) service is not routed by this gateway / 未接入 \(service) 服务")
        }
        let now = Int64(Date().timeIntervalSince1970)
        let caller = Caller(principal: principal, unitPath: unitPath, permissions: permissions, audience: service, now: now,
                            lifetime: tokenLifetime, issuer: "gateway")
        var metadata = Metadata()
        metadata.authorization = "Bearer " + tokens.token(for: caller, audience: service, signer: signer, lifetime: tokenLifetime)
        if let traceID { metadata.traceID = traceID }
        var options = CallOptions(metadata: metadata)
        options.deadline = deadline ?? .now + .seconds(30)
        let payload: [UInt8]
        do {
            payload = try request.serializedBytes()
        } catch {
            throw RPCError(code: .internalError, message: "the request for \(method.path) could not be encoded")
        }
        let answer = try await upstream.call(path: method.path, idempotent: method.idempotent, payload: payload, options: options)
        do {
            return try Response(serializedBytes: answer)
        } catch {
            throw RPCError(code: .internalError, message: "the \(service) service's answer to \(method.name) does not decode")
        }
    }
}
