import TongxinWire

/// One method of a service, as generated from `Schemas/`: its wire path, whether it is
/// safe to run twice, whether it only reads, and the permission its caller needs.
///
/// `idempotent` is what makes a client retry a call that may already have reached the
/// server; a call that provably never left the client is retried whatever it says.
public struct RPCMethod<Request: WireMessage, Response: WireMessage>: Sendable, Hashable {
    public let service: String
    public let name: String
    public let idempotent: Bool
    /// True for `idempotency_level = NO_SIDE_EFFECTS`: the method changes nothing.
    public let readOnly: Bool
    /// The `(tongxin.rpc.v1.permission)` option: what a caller's token must hold; nil for
    /// methods of open services (Health).
    public let permission: String?
    /// The `(tongxin.rpc.v1.cpu_bound)` option: the handler computes for long, so the
    /// server runs it off the event loop.
    public let cpuBound: Bool
    /// `/package.Service/Method`, as in gRPC.
    public let path: String

    public init(
        service: String, name: String, idempotent: Bool, readOnly: Bool = false, permission: String? = nil,
        cpuBound: Bool = false
    ) {
        self.service = service
        self.name = name
        self.idempotent = idempotent || readOnly
        self.readOnly = readOnly
        self.permission = permission
        self.cpuBound = cpuBound
        self.path = "/\(service)/\(name)"
    }

    /// The method without its message types.
    public var descriptor: RPCMethodDescriptor {
        RPCMethodDescriptor(
            service: service, name: name, idempotent: idempotent, readOnly: readOnly, permission: permission, cpuBound: cpuBound)
    }
}

/// A method of a service with its message types erased: what the server's router knows
/// about each registered method (``ServerCallContext/methodDescriptor``), and what a
/// generated service lists in `allMethods`, so interceptors and tests can work from the
/// schema's declarations (permission, read-only, idempotent) rather than from handlers.
public struct RPCMethodDescriptor: Sendable, Hashable, CustomStringConvertible {
    /// `/package.Service/Method`, as in gRPC.
    public let path: String
    /// `package.Service`.
    public let service: String
    public let name: String
    public let idempotent: Bool
    /// True for `idempotency_level = NO_SIDE_EFFECTS`.
    public let readOnly: Bool
    /// The permission a caller needs; nil when the method is open.
    public let permission: String?
    /// True for `(tongxin.rpc.v1.cpu_bound) = true`: run off the event loop.
    public let cpuBound: Bool

    public init(
        service: String, name: String, idempotent: Bool, readOnly: Bool = false, permission: String? = nil,
        cpuBound: Bool = false
    ) {
        self.path = "/\(service)/\(name)"
        self.service = service
        self.name = name
        self.idempotent = idempotent || readOnly
        self.readOnly = readOnly
        self.permission = permission
        self.cpuBound = cpuBound
    }

    public var description: String { path }
}
