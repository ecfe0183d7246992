import TongxinWire

/// One method of a service, as generated from `Schemas/`: its wire path and whether it
/// is safe to run twice.
///
/// `idempotent` is what makes a client retry a call that may already have reached the
/// server; a call that provably never left the client is retried whatever it says.
public struct RPCMethod<Request: WireMessage, Response: WireMessage>: Sendable, Hashable {
    public let service: String
    public let name: String
    public let idempotent: Bool
    /// `/package.Service/Method`, as in gRPC.
    public let path: String

    public init(service: String, name: String, idempotent: Bool) {
        self.service = service
        self.name = name
        self.idempotent = idempotent
        self.path = "/\(service)/\(name)"
    }
}
