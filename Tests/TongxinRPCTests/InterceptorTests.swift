import NIOConcurrencyHelpers
import Testing
@testable import TongxinRPC
import TongxinSchemas

@Suite("Interceptors")
struct InterceptorTests {
    /// Records its name on the way in and out, and the code calls ended with.
    struct Recording: ServerInterceptor {
        let name: String
        let log: NIOLockedValueBox<[String]>

        func intercept(
            request: ServerRequest,
            context: ServerCallContext,
            next: (ServerRequest, ServerCallContext) async throws -> ServerResponse
        ) async throws -> ServerResponse {
            self.log.withLockedValue { $0.append("\(self.name) in") }
            do {
                let response = try await next(request, context)
                self.log.withLockedValue { $0.append("\(self.name) out OK") }
                return response
            } catch let error as RPCError {
                self.log.withLockedValue { $0.append("\(self.name) out \(error.code)") }
                throw error
            }
        }
    }

    /// Checks the bearer token and names the principal, as TongxinService's does.
    struct Auth: ServerInterceptor {
        func intercept(
            request: ServerRequest,
            context: ServerCallContext,
            next: (ServerRequest, ServerCallContext) async throws -> ServerResponse
        ) async throws -> ServerResponse {
            guard context.metadata.authorization == "Bearer good" else {
                throw RPCError(code: .unauthenticated, message: "missing or bad token")
            }
            var context = context
            context.metadata.principal = "alice"
            var response = try await next(request, context)
            response.trailingMetadata.add("x-served-by", "test")
            return response
        }
    }

    struct Token: ClientInterceptor {
        let token: String
        let calls: Counter

        func intercept(
            request: ClientRequest,
            context: ClientCallContext,
            next: (ClientRequest, ClientCallContext) async throws -> ClientResponse
        ) async throws -> ClientResponse {
            self.calls.increment()
            var request = request
            request.metadata.authorization = "Bearer \(self.token)"
            return try await next(request, context)
        }
    }

    @Test("server interceptors run outermost first and see handler errors as RPCError codes")
    func order() async throws {
        let log = NIOLockedValueBox<[String]>([])
        let failing = Test.method("Failing")
        struct Boom: Error {}
        let service = ClosureService(failing) { _, _ in throw Boom() }
        try await withServer(services: [service], interceptors: [Recording(name: "a", log: log), Recording(name: "b", log: log)]) { _, client in
            _ = try await client.unary(Test.echo, Test.request())
            _ = await code { _ = try await client.unary(failing, Test.request()) }
        }
        #expect(log.withLockedValue { $0 } == [
            "a in", "b in", "b out OK", "a out OK",
            "a in", "b in", "b out INTERNAL", "a out INTERNAL",
        ])
    }

    @Test("an interceptor can refuse a call before the handler, or change what the handler sees")
    func auth() async throws {
        let whoAmI = Test.method("WhoAmI")
        let handled = Counter()
        let service = ClosureService(whoAmI) { _, context in
            handled.increment()
            return HealthV1.PingResponse(payload: Array((context.metadata.principal ?? "").utf8))
        }
        try await withServer(services: [service], interceptors: [Auth()]) { running, _ in
            let anonymous = running.client()
            #expect(await code { _ = try await anonymous.unary(whoAmI, Test.request()) } == .unauthenticated)
            #expect(handled.count == 0)
            await anonymous.close()

            let calls = Counter()
            let client = running.client(interceptors: [Token(token: "good", calls: calls)])
            let response = try await client.unary(whoAmI, Test.request())
            #expect(String(decoding: response.payload, as: UTF8.self) == "alice")
            #expect(calls.count == 1)
            await client.close()
        }
    }

    @Test("a client interceptor runs once per call, around all of its retries")
    func clientAroundRetries() async throws {
        let attempts = Counter()
        let flaky = Test.method("Flaky", idempotent: true)
        let service = ClosureService(flaky) { _, _ in
            if attempts.increment() < 3 {
                throw RPCError(code: .unavailable, message: "try again")
            }
            return HealthV1.PingResponse()
        }
        let running = try await RunningServer.start(services: [service])
        let calls = Counter()
        let policy = RetryPolicy(maxAttempts: 3, initialBackoff: .milliseconds(5), maxBackoff: .milliseconds(10))
        let client = running.client(retryPolicy: policy, interceptors: [Token(token: "t", calls: calls)])
        _ = try await client.unary(flaky, Test.request())
        #expect(attempts.count == 3)
        #expect(calls.count == 1)
        await client.close()
        try await running.stop()
    }
}
