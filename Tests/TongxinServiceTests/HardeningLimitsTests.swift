import Logging
import Testing
import TongxinRPC
import TongxinSchemas
@testable import TongxinService

/// The limits a service process sets from its environment, and Health's own.
@Suite("Service limits: connection caps from the environment, Ping's echo")
struct HardeningLimitsTests {
    private let secret = ["TONGXIN_AUTH_SECRET": String(repeating: "s", count: 32)]

    @Test("connection caps default to 10,000 and 1,000 per address, and are read from the environment")
    func connectionCaps() throws {
        let defaults = try ServiceConfiguration.fromEnvironment(service: "membership", defaultPort: 7101, environment: secret)
        #expect(defaults.maxConnections == 10_000)
        #expect(defaults.maxConnectionsPerAddress == 1_000)
        let set = try ServiceConfiguration.fromEnvironment(
            service: "membership", defaultPort: 7101,
            environment: secret.merging(["TONGXIN_MAX_CONNECTIONS": "500", "TONGXIN_MAX_CONNECTIONS_PER_ADDRESS": "20"]) { $1 })
        #expect(set.maxConnections == 500)
        #expect(set.maxConnectionsPerAddress == 20)
        #expect(throws: ConfigurationError.self) {
            try ServiceConfiguration.fromEnvironment(
                service: "membership", defaultPort: 7101, environment: secret.merging(["TONGXIN_MAX_CONNECTIONS": "0"]) { $1 })
        }
    }

    @Test("Health.Ping echoes up to 1 KiB and refuses more with INVALID_ARGUMENT")
    func pingPayloadCap() async throws {
        let health = HealthService(serviceName: "membership", pool: nil)
        let context = ServerCallContext(method: "/tongxin.health.v1.Health/Ping", logger: Logger(label: "test"))
        let echoed = try await health.ping(HealthV1.PingRequest(payload: Array(repeating: 7, count: 1024)), context: context)
        #expect(echoed.payload.count == 1024)
        await #expect {
            _ = try await health.ping(HealthV1.PingRequest(payload: Array(repeating: 7, count: 1025)), context: context)
        } throws: { error in
            (error as? RPCError)?.code == .invalidArgument
        }
    }
}
