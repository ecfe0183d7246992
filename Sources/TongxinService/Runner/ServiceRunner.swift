import Foundation
import Logging
import ServiceLifecycle
import TongxinPostgres
import TongxinRPC

#if canImport(Glibc)
import Glibc
#endif

/// The shared bootstrap of every Tongxin service executable: configuration from the
/// environment, JSON logs, migrations (as the owner roles), the database pool (as the
/// service role), the RPC server with Health, metrics and auth, the metrics endpoint,
/// and graceful shutdown on SIGTERM/SIGINT (stop accepting, drain, close).
public enum ServiceRunner {
    /// What a service's factory gets to build its RPC services from.
    public struct Context: Sendable {
        public var configuration: ServiceConfiguration
        public var logger: Logger
        public var metrics: MetricsRegistry
        public var tokens: TokenAuthority
        public var pool: PostgresPool?
        public var vault: PIIVault?
        /// The clock handlers and token checks read (the wall clock in production).
        public var clock: any ServiceClock
    }

    public typealias Factory = @Sendable (Context) async throws -> [any RPCService]

    /// Runs the service until it is told to stop; exits the process on a startup error.
    public static func main(
        service: String, defaultPort: Int, defaultMetricsPort: Int,
        migrations: @Sendable () throws -> [Migration],
        makeServices: Factory
    ) async {
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration.fromEnvironment(
                service: service, defaultPort: defaultPort, defaultMetricsPort: defaultMetricsPort)
        } catch {
            FileHandle.standardError.write(Data("tongxin-\(service): configuration error: \(error)\n".utf8))
            exit(78)  // EX_CONFIG
        }
        LogBootstrap.bootstrap(service: service, level: configuration.logLevel, format: configuration.logFormat)
        let logger = Logger(label: "tongxin.\(service)")
        do {
            try await run(configuration: configuration, migrations: migrations(), logger: logger, makeServices: makeServices)
        } catch {
            logger.critical("stopped by an error", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// Migrates, builds and serves; returns after a graceful shutdown.
    public static func run(
        configuration: ServiceConfiguration, migrations: [Migration], logger: Logger, makeServices: Factory
    ) async throws {
        let started = ContinuousClock.now
        if let auditOwner = configuration.auditOwnerDatabaseURL {
            try await SharedMigrations.apply(try SharedMigrations.audit(), schema: "audit", ownerURL: auditOwner, logger: logger)
        }
        if let kitOwner = configuration.kitOwnerDatabaseURL {
            try await SharedMigrations.apply(try SharedMigrations.kit(), schema: "kit", ownerURL: kitOwner, logger: logger)
        }
        if let owner = configuration.ownerDatabaseURL, !migrations.isEmpty {
            try await SharedMigrations.apply(migrations, schema: configuration.serviceName, ownerURL: owner, logger: logger)
        }
        let pool = try configuration.databaseURL.map {
            PostgresPool(configuration: try PostgresConfiguration(url: $0), maxConnections: configuration.databasePoolSize, logger: logger)
        }
        let vault = configuration.piiKey.flatMap { key in
            configuration.piiHashKey.map { PIIVault(encryptionKey: key, hashKey: $0) }
        }
        let metrics = MetricsRegistry()
        let tokens = TokenAuthority(secret: configuration.authSecret)
        let clock: any ServiceClock = SystemClock()
        let context = Context(
            configuration: configuration, logger: logger, metrics: metrics, tokens: tokens, pool: pool, vault: vault, clock: clock)
        let services = try await makeServices(context) + [HealthService(serviceName: configuration.serviceName, pool: pool)]

        let server = RPCServer(
            configuration: RPCServer.Configuration(
                host: configuration.host, port: configuration.port, maxFrameSize: configuration.maxFrameSize,
                drainTimeout: configuration.drainTimeout,
                maxConnections: configuration.maxConnections,
                maxConnectionsPerAddress: configuration.maxConnectionsPerAddress
            ),
            services: services,
            interceptors: [MetricsInterceptor(registry: metrics), AuthInterceptor(authority: tokens, clock: clock)],
            errorMapper: ServiceErrors.map,
            logger: logger
        )
        var lifecycle: [any Service] = [server]
        if configuration.metricsPort > 0 {
            lifecycle.append(MetricsHTTPServer(host: configuration.host, port: configuration.metricsPort, registry: metrics, logger: logger) {
                guard let pool else { return true }
                return (try? await pool.query("SELECT 1", deadline: .now + .seconds(2))) != nil
            })
        }
        let group = ServiceGroup(configuration: .init(
            services: lifecycle.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        ))
        let announce = Task {
            if let port = try? await server.port {
                logger.info("ready", metadata: [
                    "rpc": "\(configuration.host):\(port)", "metrics_port": "\(configuration.metricsPort)",
                    "startup_ms": "\(Int(((ContinuousClock.now - started) / .milliseconds(1)).rounded()))",
                ])
            }
        }
        defer { announce.cancel() }
        try await group.run()
        await pool?.close()
        logger.info("stopped")
    }
}

/// The mapping of infrastructure errors that reach the RPC boundary untyped.
public enum ServiceErrors {
    public static let map: @Sendable (any Error) -> RPCError? = { error in
        guard let error = error as? PostgresError else { return nil }
        switch error.kind {
        case .deadlineExceeded: return RPCError(code: .deadlineExceeded, message: "the deadline passed during a database statement")
        case .queryCanceled: return RPCError(code: .cancelled, message: "the database statement was cancelled")
        case .connectionFailed, .connectionLost, .poolClosed: return RPCError(code: .unavailable, message: "the database is unavailable; retry later")
        case .serializationFailure, .deadlock: return RPCError(code: .aborted, message: "a concurrent change conflicted; retry")
        default: return nil
        }
    }
}
