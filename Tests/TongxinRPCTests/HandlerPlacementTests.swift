import Foundation
import Logging
import NIOPosix
import Testing
@testable import TongxinRPC
import TongxinSchemas

/// A handler that computes for long (a large import, re-encrypting every row) must not stall
/// the other connections of its event loop. By default (`.byMethod`) handlers run on their
/// connection's loop — they decode, check and await the database, which never blocks a
/// thread — except the methods the schema declares `(tongxin.rpc.v1.cpu_bound)`, which run
/// on the task pool.
@Suite("Where handlers run", .serialized)
struct HandlerPlacementTests {
    /// Burns CPU without ever suspending, like a long synchronous computation.
    static func spin(for duration: Duration) -> UInt64 {
        let clock = ContinuousClock()
        let end = clock.now + duration
        var x: UInt64 = 1
        while clock.now < end {
            for _ in 0..<10_000 { x = x &* 6364136223846793005 &+ 1442695040888963407 }
        }
        return x
    }

    /// Starts a server on ONE event loop thread (so every connection shares it), runs a
    /// 6-second CPU-bound call on one connection, and times an echo on another.
    private func echoLatencyBesideHeavyCall(
        _ execution: RPCServer.HandlerExecution, declaredCPUBound: Bool = false
    ) async throws -> Duration {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let started = Flag()
        let heavy = Test.method("Heavy", cpuBound: declaredCPUBound)
        let service = ClosureService(heavy) { _, _ in
            started.raise()
            _ = Self.spin(for: .seconds(6))
            return HealthV1.PingResponse()
        }
        var configuration = RPCServer.Configuration.test()
        configuration.handlerExecution = execution
        let server = RPCServer(configuration: configuration, services: [service], eventLoopGroup: group, logger: quietLogger)
        let task = Task { try await server.run() }
        let port = try await server.port
        let running = RunningServer(server: server, port: port, task: task)
        let heavyClient = running.client()
        let echoClient = running.client()
        _ = try await echoClient.unary(Test.echo, Test.request([0]))  // connected before the heavy call starts

        let heavyCall = Task { try await heavyClient.unary(heavy, Test.request(), options: CallOptions(timeout: .seconds(30))) }
        try await started.wait()
        let clock = ContinuousClock()
        let begin = clock.now
        _ = try await echoClient.unary(Test.echo, Test.request([1]), options: CallOptions(timeout: .seconds(30)))
        let latency = clock.now - begin
        _ = try await heavyCall.value
        await heavyClient.close()
        await echoClient.close()
        try await running.stop()
        try await group.shutdownGracefully()
        return latency
    }

    /// The two measurements burn 6 s of CPU each: run in a child process of this test
    /// binary, so that they never starve Swift's small thread pool of the suites running in
    /// parallel here (the timing tests of other suites) — and are not starved by them.
    @Test("a CPU-bound handler stalls its event loop only when placed on it (measured in a process of its own)",
          .enabled(if: ProcessInfo.processInfo.environment["TONGXIN_PLACEMENT_CHILD"] == nil))
    func measuredInChild() async throws {
        let (status, text) = try await runTestsInChildProcess(filter: "heavyHandler", flag: "TONGXIN_PLACEMENT_CHILD")
        #expect(status == 0, "\(text.suffix(3000))")
        #expect(text.contains("heavyHandlerOffTheLoop") || text.contains("does not delay"), "the child ran no measurement:\n\(text.suffix(2000))")
    }

    @Test("by default a handler declared cpu_bound does not delay a call on another connection of the same event loop",
          .enabled(if: ProcessInfo.processInfo.environment["TONGXIN_PLACEMENT_CHILD"] != nil))
    func heavyHandlerOffTheLoop() async throws {
        let latency = try await echoLatencyBesideHeavyCall(.byMethod, declaredCPUBound: true)
        // Well under the 6 s the computation takes (margin for a busy machine).
        #expect(latency < .seconds(3), "echo took \(latency) beside a 6 s computation")
    }

    @Test("with every handler on the task pool, an undeclared heavy handler does not delay the other connection either",
          .enabled(if: ProcessInfo.processInfo.environment["TONGXIN_PLACEMENT_CHILD"] != nil))
    func heavyHandlerOffTheLoopWhenPooled() async throws {
        let latency = try await echoLatencyBesideHeavyCall(.concurrent)
        #expect(latency < .seconds(3), "echo took \(latency) beside a 6 s computation")
    }

    @Test("a heavy handler NOT declared cpu_bound holds the other connection of its loop until it finishes (why the schema must declare it)",
          .enabled(if: ProcessInfo.processInfo.environment["TONGXIN_PLACEMENT_CHILD"] != nil))
    func heavyHandlerOnTheLoopBlocks() async throws {
        let latency = try await echoLatencyBesideHeavyCall(.byMethod)
        #expect(latency >= .seconds(3), "echo took \(latency)")
    }

    @Test("the default places by method; Health stays on the event loop in every mode")
    func placementByService() {
        let configuration = RPCServer.Configuration()
        #expect(configuration.handlerExecution == .byMethod)
        #expect(configuration.eventLoopServices == ["tongxin.health.v1.Health"])
    }
}
