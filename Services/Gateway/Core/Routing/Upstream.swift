import Foundation
import HealthAPI
import Logging
import ServiceLifecycle
import Synchronization
import TongxinRPC
import TongxinSchemas

/// 后端 — the configured instances of one service (`TONGXIN_GATEWAY_ROUTES`), called
/// round-robin over the healthy ones. An instance is marked down when a call to it fails
/// with UNAVAILABLE or its health check fails, and up again when a check answers; a call
/// that finds an instance down moves on to the next — any method when the request
/// provably never reached it (no connection), only idempotent ones otherwise. When no
/// instance answers the call fails UNAVAILABLE (connections time out at the smaller of
/// their connect timeout and the call's deadline; reconnects back off at most 500 ms).
public final class Upstream: Sendable {
    public let service: String
    public let instances: [Instance]
    private let next = Atomic<Int>(0)

    public final class Instance: Sendable {
        public let address: String
        public let client: RPCClient
        let healthy = Atomic<Bool>(true)
        /// Health checks in a row that timed out (a slow answer is not yet a dead instance).
        let slowChecks = Atomic<Int>(0)
        public var isHealthy: Bool { healthy.load(ordering: .relaxed) }

        init(host: String, port: Int, connections: Int, logger: Logger) {
            self.address = "\(host):\(port)"
            var configuration = RPCClient.Configuration(
                host: host, port: port, connections: connections, connectTimeout: .seconds(1),
                defaultRetryPolicy: .none, defaultTimeout: .seconds(30))
            // Reconnect within a second of an instance's return, so the health check sees it.
            configuration.backoff = Backoff(initial: .milliseconds(50), maximum: .milliseconds(500))
            self.client = RPCClient(configuration: configuration, logger: logger)
        }
    }

    public init(service: String, addresses: [(host: String, port: Int)], connections: Int = 2, logger: Logger) {
        self.service = service
        self.instances = addresses.map { Instance(host: $0.host, port: $0.port, connections: connections, logger: logger) }
    }

    /// The instances a call tries, in order: the healthy ones round-robin, then those found
    /// down (a check may not have noticed one came back). A down instance costs a call at most
    /// its reconnect backoff (500 ms) before the refusal, so a service that is down answers
    /// UNAVAILABLE well within any deadline.
    func order() -> [Instance] {
        let start = next.wrappingAdd(1, ordering: .relaxed).oldValue
        let count = instances.count
        let rotated = (0..<count).map { instances[(start + $0) % count] }
        return rotated.filter(\.isHealthy) + rotated.filter { !$0.isHealthy }
    }

    /// Sends the call to an instance, failing over as described above.
    func call(path: String, idempotent: Bool, payload: [UInt8], options: CallOptions) async throws -> [UInt8] {
        var last: RPCError?
        for instance in order() {
            do {
                let answer = try await instance.client.unaryBytes(path: path, idempotent: idempotent, payload: payload, options: options)
                return answer
            } catch let error as RPCError {
                guard error.code == .unavailable else { throw error }
                instance.healthy.store(false, ordering: .relaxed)
                last = error
                guard error.neverSent || idempotent else { break }
                if let deadline = options.deadline, deadline <= .now { break }
            }
        }
        throw RPCError(code: .unavailable, message: "the \(service) service is unavailable; retry later / \(service) 服务暂不可用"
                       + (last.map { " (\($0.message))" } ?? ""))
    }

    /// One round of health checks: a Health.Ping per instance with a short deadline.
    func check() async {
        await withTaskGroup(of: Void.self) { group in
            for instance in instances {
                group.addTask {
                    do {
                        _ = try await HealthV1.Health.Client(instance.client).ping(
                            HealthV1.PingRequest(), options: CallOptions(timeout: .seconds(1)))
                        instance.slowChecks.store(0, ordering: .relaxed)
                        instance.healthy.store(true, ordering: .relaxed)
                    } catch let error as RPCError where error.code != .unavailable {
                        // No answer in time: down after three in a row (a busy machine answers late).
                        if instance.slowChecks.wrappingAdd(1, ordering: .relaxed).newValue >= 3 {
                            instance.healthy.store(false, ordering: .relaxed)
                        }
                    } catch {
                        // Refused or lost connection: down now.
                        instance.healthy.store(false, ordering: .relaxed)
                    }
                }
            }
        }
    }

    func close() async {
        for instance in instances { await instance.client.close() }
    }
}

/// Checks every upstream's instances every `interval` until shutdown, then closes them.
public struct HealthChecker: Service {
    public let upstreams: [Upstream]
    public let interval: Duration

    public init(upstreams: [Upstream], interval: Duration = .seconds(1)) {
        self.upstreams = upstreams
        self.interval = interval
    }

    /// One round of checks of every upstream (tests drive it themselves).
    public func checkOnce() async {
        for upstream in upstreams { await upstream.check() }
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await checkOnce()
                try await Task.sleep(for: interval)
            }
        }
        for upstream in upstreams { await upstream.close() }
    }
}
