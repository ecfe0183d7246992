import HealthAPI
import Logging
import TongxinPostgres
import TongxinRPC
import TongxinSchemas

/// `tongxin.health.v1.Health`, served by every service: Ping echoes (the benchmark's
/// baseline call), Check reports the process and each dependency.
///
/// Check answers from the service's shared ``DatabaseProbe``: at most one database round
/// trip a second however many callers probe, and no PostgreSQL error text (Health is open).
public struct HealthService: HealthV1.Health.ServiceProtocol {
    public let serviceName: String
    public let version: String
    private let probe: DatabaseProbe?

    public init(serviceName: String, version: String = TongxinVersion.current, probe: DatabaseProbe?) {
        self.serviceName = serviceName
        self.version = version
        self.probe = probe
    }

    /// A Health service with its own probe of `pool` (tests and tools; a service shares
    /// one probe between Health and `/readyz`).
    public init(serviceName: String, version: String = TongxinVersion.current, pool: PostgresPool?) {
        self.init(serviceName: serviceName, version: version,
                  probe: pool.map { DatabaseProbe(pool: $0, logger: Logger(label: "tongxin.health")) })
    }

    /// The largest payload Ping echoes: enough for a benchmark's or a probe's marker, too
    /// little to make an open, unauthenticated method a bandwidth amplifier.
    public static let maxPingPayload = 1024

    public func ping(_ request: HealthV1.PingRequest, context: ServerCallContext) async throws -> HealthV1.PingResponse {
        guard request.payload.count <= Self.maxPingPayload else {
            throw RPCError(
                code: .invalidArgument,
                message: "a Ping payload may have at most \(Self.maxPingPayload) bytes, not \(request.payload.count)")
        }
        return HealthV1.PingResponse(payload: request.payload)
    }

    public func check(_ request: HealthV1.CheckRequest, context: ServerCallContext) async throws -> HealthV1.CheckResponse {
        guard request.service.isEmpty || request.service == serviceName || request.service == HealthV1.Health.serviceName else {
            throw RPCError(code: .notFound, message: "service \"\(request.service)\" is not served here")
        }
        var dependencies: [HealthV1.DependencyStatus] = []
        if let probe {
            let outcome = await probe.check()
            dependencies.append(HealthV1.DependencyStatus(
                name: "postgres", status: outcome.healthy ? .serving : .notServing, detail: outcome.detail))
        }
        let healthy = dependencies.allSatisfy { $0.status == .serving }
        return HealthV1.CheckResponse(
            status: healthy ? .serving : .notServing, version: version, service: serviceName, dependencies: dependencies
        )
    }
}

/// The build's version, reported by Health.Check and the `--version` flags.
public enum TongxinVersion {
    public static let current = "0.1.0"
}
