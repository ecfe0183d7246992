import NIOConcurrencyHelpers
import Testing
import HealthAPI
@testable import TongxinRPC
import TongxinSchemas

@Suite("Unary calls end to end")
struct CallTests {
    struct Health: HealthV1.Health.ServiceProtocol {
        func ping(_ request: HealthV1.PingRequest, context: ServerCallContext) async throws -> HealthV1.PingResponse {
            HealthV1.PingResponse(payload: request.payload)
        }

        func check(_ request: HealthV1.CheckRequest, context: ServerCallContext) async throws -> HealthV1.CheckResponse {
            HealthV1.CheckResponse(status: .serving, service: request.service)
        }
    }

    @Test("a generated client calls a generated service over TCP")
    func generatedStubs() async throws {
        try await withServer(services: [Health()]) { _, client in
            let health = HealthV1.Health.Client(client)
            let pong = try await health.ping(HealthV1.PingRequest(payload: [1, 2, 3]))
            #expect(pong.payload == [1, 2, 3])
            let check = try await health.check(HealthV1.CheckRequest(service: "x"))
            #expect(check.status == .serving)
            #expect(check.service == "x")
        }
    }

    @Test("many calls share one connection and are answered out of order")
    func multiplexedOutOfOrder() async throws {
        let peers = NIOLockedValueBox<Set<String>>([])
        let lastDone = Flag()
        let slow = Test.method("Slow")
        let service = ClosureService(slow) { request, context in
            peers.withLockedValue { _ = $0.insert(context.peer) }
            // Every call but the last one sent waits until the last one is answered.
            if request.payload[0] == 9 {
                lastDone.raise()
            } else {
                try await lastDone.wait()
            }
            return HealthV1.PingResponse(payload: request.payload)
        }
        let answered = NIOLockedValueBox<[UInt8]>([])
        try await withServer(services: [service]) { _, client in
            _ = try await client.unary(Test.echo, Test.request())  // connect first
            try await withThrowingTaskGroup(of: Void.self) { group in
                for i in UInt8(0)..<10 {
                    group.addTask {
                        let response = try await client.unary(slow, Test.request([i]))
                        #expect(response.payload == [i])
                        answered.withLockedValue { $0.append(i) }
                    }
                }
                try await group.waitForAll()
            }
        }
        #expect(answered.withLockedValue { $0.first } == 9)
        #expect(answered.withLockedValue { Set($0) } == Set(0..<10))
        #expect(peers.withLockedValue { $0.count } == 1)
    }

    @Test("metadata reaches the handler, and trailing metadata comes back with errors")
    func metadataBothWays() async throws {
        let method = Test.method("Meta")
        let service = ClosureService(method) { _, context in
            #expect(context.metadata["x-tenant-unit"] == "330102")
            #expect(context.metadata.values(forKey: "tag") == ["a", "b"])
            #expect(context.traceID == "0123456789abcdefABCDEF0123456789")
            #expect(context.method == "/tongxin.test.v1.Test/Meta")
            #expect(context.callID % 2 == 1)
            #expect(context.peer.hasPrefix("127.0.0.1:"))
            throw RPCError(code: .failedPrecondition, message: "[R1] 议事会人数不足 / council too small", metadata: ["rule": "R1"])
        }
        try await withServer(services: [service]) { _, client in
            var options = CallOptions(metadata: ["X-Tenant-Unit": "330102", "tag": "a", "tag": "b"])
            options.metadata.traceID = "0123456789abcdefABCDEF0123456789"
            do {
                _ = try await client.unary(method, Test.request(), options: options)
                Issue.record("expected an error")
            } catch let error as RPCError {
                #expect(error.code == .failedPrecondition)
                #expect(error.message == "[R1] 议事会人数不足 / council too small")
                #expect(error.metadata["rule"] == "R1")
            }
        }
    }

    @Test("a call to an unknown method is answered UNIMPLEMENTED")
    func unknownMethod() async throws {
        try await withServer { _, client in
            do {
                _ = try await client.unary(Test.method("Nope"), Test.request())
                Issue.record("expected an error")
            } catch let error as RPCError {
                #expect(error.code == .unimplemented)
                #expect(error.message.contains("/tongxin.test.v1.Test/Nope"))
            }
        }
    }

    @Test("a request that does not parse is answered INVALID_ARGUMENT, without the decoder's internals, and the connection keeps serving")
    func unparsableRequest() async throws {
        let running = try await RunningServer.start()
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.request(callID: 1, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: [0xFF, 0xFF, 0xFF]))
        let answer = try #require(try await peer.nextFrame())
        #expect(answer.kind == .response)
        #expect(answer.callId == 1)
        #expect(answer.statusCode == .invalidArgument)
        #expect(answer.status?.message == "the request is not a valid PingRequest")

        try await peer.send(.request(callID: 3, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: try Test.request([5]).serializedBytes()))
        let second = try #require(try await peer.nextFrame())
        #expect(second.callId == 3)
        #expect(second.statusCode == .ok)
        #expect(try HealthV1.PingResponse(serializedBytes: second.payload).payload == [5])
        await peer.close()
        try await running.stop()
    }

    @Test("domain errors map through RPCErrorConvertible; others become INTERNAL without their text")
    func errorMapping() async throws {
        enum Domain: Error, RPCErrorConvertible {
            case missing
            var rpcError: RPCError { RPCError(code: .notFound, message: "council not found / 未找到议事会") }
        }
        struct Secret: Error, CustomStringConvertible {
            var description: String { "password=hunter2 at db.internal:5432" }
        }
        struct Mapped: Error {}
        let domain = Test.method("Domain")
        let secret = Test.method("Secret")
        let mapped = Test.method("Mapped")
        let service = ClosureService([
            (domain, { @Sendable _, _ in throw Domain.missing }),
            (secret, { @Sendable _, _ in throw Secret() }),
            (mapped, { @Sendable _, _ in throw Mapped() }),
        ])
        let mapper: @Sendable (any Error) -> RPCError? = { error in
            error is Mapped ? RPCError(code: .aborted, message: "mapped") : nil
        }
        try await withServer(services: [service], errorMapper: mapper) { _, client in
            do {
                _ = try await client.unary(domain, Test.request())
            } catch let error as RPCError {
                #expect(error.code == .notFound)
                #expect(error.message == "council not found / 未找到议事会")
            }
            do {
                _ = try await client.unary(secret, Test.request())
            } catch let error as RPCError {
                #expect(error.code == .internalError)
                #expect(!error.message.contains("hunter2"))
                #expect(error.message.contains("trace id"))
            }
            #expect(await code { _ = try await client.unary(mapped, Test.request()) } == .aborted)
        }
    }

    @Test("a response larger than the maximum frame size is answered RESOURCE_EXHAUSTED")
    func responseTooLarge() async throws {
        let big = Test.method("Big")
        let service = ClosureService(big) { _, _ in
            HealthV1.PingResponse(payload: [UInt8](repeating: 0, count: 5 << 20))
        }
        try await withServer(services: [service]) { _, client in
            #expect(await code { _ = try await client.unary(big, Test.request()) } == .resourceExhausted)
            let after = try await client.unary(Test.echo, Test.request([1]))
            #expect(after.payload == [1])
        }
    }

    @Test("a request larger than the maximum frame size fails locally with RESOURCE_EXHAUSTED")
    func requestTooLarge() async throws {
        try await withServer { _, client in
            let huge = Test.request([UInt8](repeating: 0, count: 5 << 20))
            #expect(await code { _ = try await client.unary(Test.echo, huge) } == .resourceExhausted)
            let after = try await client.unary(Test.echo, Test.request([1]))
            #expect(after.payload == [1])
        }
    }

    @Test("calls are spread round-robin over the pool's connections")
    func pool() async throws {
        let peers = NIOLockedValueBox<Set<String>>([])
        let who = Test.method("Who")
        let service = ClosureService(who) { _, context in
            peers.withLockedValue { _ = $0.insert(context.peer) }
            return HealthV1.PingResponse()
        }
        let running = try await RunningServer.start(services: [service])
        let client = running.client(connections: 3)
        for _ in 0..<6 {
            _ = try await client.unary(who, Test.request())
        }
        #expect(peers.withLockedValue { $0.count } == 3)
        await client.close()
        try await running.stop()
    }

    @Test("handlers can run on the global executor instead of the event loop")
    func concurrentExecution() async throws {
        var configuration = RPCServer.Configuration.test()
        configuration.handlerExecution = .concurrent
        try await withServer(configuration) { _, client in
            let response = try await client.unary(Test.echo, Test.request([4]))
            #expect(response.payload == [4])
        }
    }
}
