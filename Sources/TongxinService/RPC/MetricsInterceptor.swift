import TongxinRPC

/// Counts every call by method and status code and records its latency, so `/metrics`
/// answers "how many calls fail and how slow are they" per method.
public struct MetricsInterceptor: ServerInterceptor {
    public static let callsTotal = "tongxin_rpc_server_calls_total"
    public static let callSeconds = "tongxin_rpc_server_call_seconds"

    public let registry: MetricsRegistry

    public init(registry: MetricsRegistry) {
        self.registry = registry
        registry.describe(Self.callsTotal, type: "counter", help: "RPC calls handled, by method and status code.")
        registry.describe(Self.callSeconds, type: "histogram", help: "RPC handling time in seconds, by method.")
    }

    public func intercept(
        request: ServerRequest,
        context: ServerCallContext,
        next: (ServerRequest, ServerCallContext) async throws -> ServerResponse
    ) async throws -> ServerResponse {
        let start = ContinuousClock.now
        var code = Status.Code.ok
        defer {
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            registry.increment(Self.callsTotal, labels: ["method": context.method, "code": code.description])
            registry.observe(Self.callSeconds, labels: ["method": context.method], seconds: seconds)
        }
        do {
            return try await next(request, context)
        } catch let error as RPCError {
            code = error.code
            throw error
        } catch {
            code = .unknown
            throw error
        }
    }
}
