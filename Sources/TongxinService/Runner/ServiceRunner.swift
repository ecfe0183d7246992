import Foundation
import Logging
import ServiceLifecycle
import TongxinPostgres
import TongxinRPC

#if canImport(Glibc)
import Glibc
#endif

/// The shared bootstrap of every Tongxin service executable: configuration from the
/// environment, JSON logs, the database pool (as the service role), the RPC server with
/// Health, Audit (VerifyAuditChain), Changes (the change feed), metrics and auth, the metrics endpoint, the audit
/// checkpointer, and graceful shutdown on SIGTERM/SIGINT (stop accepting, drain, close).
///
/// Two modes, chosen by the first argument:
/// - `tongxin-<service> migrate`: applies the `audit`, `kit` and the service's migrations
///   with the owner URLs (`TONGXIN_AUDIT_OWNER_DATABASE_URL`, `TONGXIN_KIT_OWNER_DATABASE_URL`,
///   `TONGXIN_<SERVICE>_OWNER_DATABASE_URL`; the first two are optional, the service's is
///   required when it has migrations) and exits 0.
/// - no argument: serves as the service role only. A serving process **refuses to start**
///   (exit 78) while any owner URL is set, so the process that answers calls never holds
///   credentials that could change a schema, disable row-level security, or rewrite the
///   audit log.
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

    /// What a service that authenticates its callers itself (the gateway) builds: its RPC
    /// services, the interceptor that replaces ``AuthInterceptor`` (nil: the standard one),
    /// and long-running parts (health checkers) to run beside the server.
    public struct Setup: Sendable {
        public var services: [any RPCService]
        public var authInterceptor: (any ServerInterceptor)?
        public var background: [any Service]

        public init(services: [any RPCService], authInterceptor: (any ServerInterceptor)? = nil, background: [any Service] = []) {
            self.services = services
            self.authInterceptor = authInterceptor
            self.background = background
        }
    }

    public typealias SetupFactory = @Sendable (Context) async throws -> Setup

    /// Migrates (`migrate` subcommand) or serves until told to stop; exits the process on
    /// a startup error.
    public static func main(
        service: String, defaultPort: Int, defaultMetricsPort: Int,
        migrations: @Sendable () throws -> [Migration],
        makeServices: @escaping Factory
    ) async {
        await main(service: service, defaultPort: defaultPort, defaultMetricsPort: defaultMetricsPort, migrations: migrations,
                   setup: { Setup(services: try await makeServices($0)) })
    }

    /// Like ``main(service:defaultPort:defaultMetricsPort:migrations:makeServices:)`` for a
    /// service that brings its own authentication and background parts (``Setup``).
    public static func main(
        service: String, defaultPort: Int, defaultMetricsPort: Int,
        migrations: @Sendable () throws -> [Migration],
        setup makeSetup: @escaping SetupFactory
    ) async {
        let arguments = Array(CommandLine.arguments.dropFirst())
        let migrating = arguments.first == "migrate"
        guard arguments.isEmpty || (migrating && arguments.count == 1) else {
            FileHandle.standardError.write(Data("usage: tongxin-\(service) [migrate]\n".utf8))
            exit(64)  // EX_USAGE
        }
        let configuration: ServiceConfiguration
        do {
            configuration = try ServiceConfiguration.fromEnvironment(
                service: service, defaultPort: defaultPort, defaultMetricsPort: defaultMetricsPort)
            if !migrating, let variable = configuration.ownerCredentialVariables.first {
                throw ConfigurationError(
                    variable: variable,
                    problem: "is set: a serving process must not hold owner credentials; run `tongxin-\(service) migrate` with them, then serve without them")
            }
        } catch {
            FileHandle.standardError.write(Data("tongxin-\(service): configuration error: \(error)\n".utf8))
            exit(78)  // EX_CONFIG
        }
        LogBootstrap.bootstrap(service: service, level: configuration.logLevel, format: configuration.logFormat)
        let logger = Logger(label: "tongxin.\(service)")
        do {
            if migrating {
                try await migrate(configuration: configuration, migrations: migrations(), logger: logger)
                return
            }
            try await run(configuration: configuration, logger: logger, setup: makeSetup)
        } catch let error as ConfigurationError {
            // A service's own settings, read while it is set up: as bad a start as the shared
            // ones above (EX_CONFIG, which systemd does not restart).
            FileHandle.standardError.write(Data("tongxin-\(service): configuration error: \(error)\n".utf8))
            exit(78)  // EX_CONFIG
        } catch {
            logger.critical(migrating ? "migration failed" : "stopped by an error", metadata: ["error": "\(error)"])
            exit(1)
        }
    }

    /// Applies the shared schemas' migrations (audit, then kit) and the service's own, each
    /// as its owner; a shared schema whose owner URL is not set is skipped (another
    /// service's migrate step, or the operator, applies it).
    public static func migrate(configuration: ServiceConfiguration, migrations: [Migration], logger: Logger) async throws {
        if let auditOwner = configuration.auditOwnerDatabaseURL {
            try await SharedMigrations.apply(try SharedMigrations.audit(), schema: "audit", ownerURL: auditOwner, logger: logger)
        }
        if let kitOwner = configuration.kitOwnerDatabaseURL {
            try await SharedMigrations.apply(try SharedMigrations.kit(), schema: "kit", ownerURL: kitOwner, logger: logger)
        }
        if !migrations.isEmpty {
            guard let owner = configuration.ownerDatabaseURL else {
                throw ConfigurationError(
                    variable: "TONGXIN_\(configuration.serviceName.uppercased())_OWNER_DATABASE_URL", problem: "must be set to migrate")
            }
            try await SharedMigrations.apply(migrations, schema: configuration.serviceName, ownerURL: owner, logger: logger)
        }
        logger.info("migrations done")
    }

    /// Builds and serves as the service role; returns after a graceful shutdown.
    public static func run(
        configuration: ServiceConfiguration, logger: Logger, makeServices: @escaping Factory
    ) async throws {
        try await run(configuration: configuration, logger: logger, setup: { Setup(services: try await makeServices($0)) })
    }

    /// Builds and serves as the service role with the parts `makeSetup` returns.
    public static func run(
        configuration: ServiceConfiguration, logger: Logger, setup makeSetup: SetupFactory
    ) async throws {
        let started = ContinuousClock.now
        let pool = try configuration.databaseURL.map {
            PostgresPool(
                configuration: try PostgresConfiguration(url: $0), maxConnections: configuration.databasePoolSize,
                maxWaiters: configuration.databasePoolMaxWaiters, logger: logger)
        }
        let vault = configuration.piiKey.flatMap { key in
            configuration.piiHashKey.map { hashKey in
                var keys = configuration.piiOldKeys
                keys[configuration.piiKeyID] = key
                return PIIVault(currentKeyID: configuration.piiKeyID, keys: keys, hashKey: hashKey)
            }
        }
        let metrics = MetricsRegistry()
        // HS256 under the shared secret is for tooling on the server itself (tongxinctl, the
        // bench); TONGXIN_AUTH_ACCEPT_HS256=0 leaves a service only the gateway's Ed25519 keys.
        var tokens = configuration.authAcceptHS256
            ? TokenAuthority(secret: configuration.authSecret, keyID: configuration.authKeyID)
            : TokenAuthority(signingKeyID: nil, signingKey: nil)
        for (keyID, key) in configuration.authPublicKeys {
            tokens = tokens.verifying(keyID, .edDSA(key))
        }
        let clock: any ServiceClock = SystemClock()
        let context = Context(
            configuration: configuration, logger: logger, metrics: metrics, tokens: tokens, pool: pool, vault: vault, clock: clock)
        // One probe for Health/Check and /readyz: at most one round trip a second.
        let probe = pool.map { DatabaseProbe(pool: $0, logger: logger) }
        let checkpointKey = configuration.auditCheckpointKey.map(AuditCheckpointKey.init)
        let setup = try await makeSetup(context)
        var services = setup.services + [HealthService(serviceName: configuration.serviceName, probe: probe)]
        if let pool {
            services.append(AuditService(pool: pool, checkpointKey: checkpointKey))
            services.append(ChangesService(pool: pool))
        }

        let server = RPCServer(
            configuration: RPCServer.Configuration(
                host: configuration.host, port: configuration.port, maxFrameSize: configuration.maxFrameSize,
                drainTimeout: configuration.drainTimeout, handlerExecution: configuration.handlerExecution,
                defaultTimeout: configuration.defaultDeadline, maxTimeout: configuration.maxDeadline,
                maxConnections: configuration.maxConnections,
                maxConnectionsPerAddress: configuration.maxConnectionsPerAddress
            ),
            services: services,
            interceptors: [
                MetricsInterceptor(registry: metrics),
                setup.authInterceptor ?? AuthInterceptor(authority: tokens, audience: configuration.serviceName, clock: clock),
            ],
            errorMapper: ServiceErrors.map,
            logger: logger
        )
        var lifecycle: [any Service] = [server] + setup.background
        if configuration.metricsPort > 0 {
            lifecycle.append(MetricsHTTPServer(host: configuration.host, port: configuration.metricsPort, registry: metrics, logger: logger) {
                guard let probe else { return true }
                return await probe.check().healthy
            })
        }
        if let pool, let checkpointKey {
            lifecycle.append(AuditCheckpointer(
                pool: pool, key: checkpointKey, interval: configuration.auditCheckpointInterval, logger: logger))
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
        case .poolExhausted: return ServiceFailure(error).rpcError
        default: return nil
        }
    }
}
