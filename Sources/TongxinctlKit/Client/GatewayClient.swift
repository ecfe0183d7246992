import Foundation
import Logging
import TongxinRPC

/// The one connection `tongxinctl` makes: to the gateway, carrying the caller's bearer token
/// and the unit the call acts for (`x-tenant-unit`). Every service's methods are called on
/// it with that service's generated client (`MembershipV1.Membership.Client(gateway.rpc)`):
/// the gateway routes them.
public final class GatewayClient: Sendable {
    public let address: String
    public let rpc: RPCClient
    let token: String?
    let actingUnit: String?
    let timeout: Duration

    public init(address: String, token: String?, actingUnit: String?, timeout: Duration = .seconds(60)) throws {
        guard let (host, port) = Settings.address(address) else {
            throw CommandFailure(.usage, "the gateway address \"\(address)\" is not host:port")
        }
        self.address = address
        self.token = token
        self.actingUnit = actingUnit
        self.timeout = timeout
        self.rpc = RPCClient(
            configuration: RPCClient.Configuration(host: host, port: port, connectTimeout: .seconds(5), keepAliveInterval: nil),
            logger: Logger(label: "tongxinctl") { _ in SwiftLogNoOpLogHandler() })
    }

    /// Options for one call: the token, the acting unit, a trace id, and an idempotency key
    /// for a mutation that must not run twice when repeated.
    public func options(idempotencyKey: String? = nil, authenticated: Bool = true) -> CallOptions {
        var metadata = Metadata()
        if authenticated, let token { metadata.authorization = "Bearer " + token }
        if let actingUnit { metadata.tenantUnit = actingUnit }
        metadata.traceID = "tongxinctl-" + UUID().uuidString.lowercased()
        return CallOptions(timeout: timeout, metadata: metadata, idempotencyKey: idempotencyKey)
    }

    public var hasToken: Bool { token != nil }

    public func close() async {
        await rpc.close()
    }
}
