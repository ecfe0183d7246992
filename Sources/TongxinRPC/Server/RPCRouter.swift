import TongxinWire

/// A service as the server sees it: something that puts its methods into a router.
/// Generated code (`Sources/API/<Name>`, e.g. `MembershipAPI`) implements `register(into:)` for every service
/// protocol, so a service type only writes its handlers.
public protocol RPCService: Sendable {
    func register(into router: inout RPCRouter)
}

/// Maps method paths to handlers, and is where messages are decoded and encoded, so
/// that handlers and interceptors above it deal in values and never in bytes.
public struct RPCRouter: Sendable {
    /// A handler with its request and response types erased.
    struct Handler: Sendable {
        let descriptor: RPCMethodDescriptor
        let run: @Sendable (_ payload: [UInt8], _ context: ServerCallContext) async throws -> [UInt8]
    }

    private(set) var handlers: [String: Handler] = [:]

    public init() {}

    /// Registers the handler of one method. Registering a path twice is a programming
    /// error and stops the process at startup.
    public mutating func register<Request, Response>(
        _ method: RPCMethod<Request, Response>,
        handler: @escaping @Sendable (Request, ServerCallContext) async throws -> Response
    ) {
        precondition(self.handlers[method.path] == nil, "\(method.path) is registered twice")
        let path = method.path
        // The caller's fault, said without the decoder's internals (no byte counts, field
        // paths or Swift types): only the message's short name.
        let refusal = "the request is not a valid \(Request.wireDescriptor.name.split(separator: ".").last.map(String.init) ?? "message")"
        self.handlers[path] = Handler(descriptor: method.descriptor) { payload, context in
            let request: Request
            do {
                request = try Request(serializedBytes: payload)
            } catch {
                context.logger.debug("request does not decode", metadata: ["error": "\(error)"])
                throw RPCError(code: .invalidArgument, message: refusal)
            }
            let response = try await handler(request, context)
            do {
                return try response.serializedBytes()
            } catch {
                context.logger.error("response could not be encoded", metadata: ["error": "\(error)"])
                throw RPCError(code: .internalError, message: "the response could not be encoded (trace id \(context.traceID))", cause: error)
            }
        }
    }

    /// Registers a method whose payload the handler takes and returns as bytes, undecoded:
    /// what a gateway forwarding calls to another service does (it passes the request's
    /// bytes on and the answer's bytes back). `descriptor` still declares the method's
    /// permission, so interceptors check it as for any other method.
    public mutating func registerForwarding(
        _ descriptor: RPCMethodDescriptor,
        handler: @escaping @Sendable (_ payload: [UInt8], _ context: ServerCallContext) async throws -> [UInt8]
    ) {
        precondition(self.handlers[descriptor.path] == nil, "\(descriptor.path) is registered twice")
        self.handlers[descriptor.path] = Handler(descriptor: descriptor, run: handler)
    }

    /// Registers every method of `service`.
    public mutating func register(_ service: any RPCService) {
        service.register(into: &self)
    }

    /// The registered paths, sorted.
    public var methods: [String] {
        self.handlers.keys.sorted()
    }

    /// The schema's declarations of the method registered at `path`, if any.
    public func descriptor(for path: String) -> RPCMethodDescriptor? {
        self.handlers[path]?.descriptor
    }
}
