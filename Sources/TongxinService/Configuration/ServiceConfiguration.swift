@preconcurrency import Crypto
import Foundation
import Logging
import TongxinRPC

/// How one Tongxin service process is configured: read from environment variables, with
/// documented defaults for everything that is safe to default (README "Configuration").
///
/// Secrets (auth secret, PII keys, database passwords) have no defaults: a service that
/// lacks them refuses to start with a message naming the variable.
public struct ServiceConfiguration: Sendable {
    /// e.g. "membership"; upper-cased it prefixes the service's own variables.
    public var serviceName: String
    /// TONGXIN_HOST (default 127.0.0.1): the address the RPC and metrics ports bind to.
    public var host: String
    /// TONGXIN_<SERVICE>_PORT: the RPC port.
    public var port: Int
    /// TONGXIN_<SERVICE>_METRICS_PORT (0 disables): Prometheus text at /metrics, /healthz, /readyz.
    public var metricsPort: Int
    /// TONGXIN_<SERVICE>_DATABASE_URL: the service's login role (row-level security applies).
    public var databaseURL: String?
    /// TONGXIN_<SERVICE>_OWNER_DATABASE_URL: the schema owner, used only by the `migrate`
    /// subcommand; a serving process refuses to start while any owner URL is set
    /// (``ServiceRunner``), so the process that answers calls never holds owner credentials.
    public var ownerDatabaseURL: String?
    /// TONGXIN_AUDIT_OWNER_DATABASE_URL: the audit schema's owner, used only to migrate it.
    public var auditOwnerDatabaseURL: String?
    /// TONGXIN_KIT_OWNER_DATABASE_URL: the kit schema's owner (tenancy helper, idempotency
    /// keys), used only to migrate it.
    public var kitOwnerDatabaseURL: String?
    /// TONGXIN_DB_POOL_SIZE (default 8).
    public var databasePoolSize: Int
    /// TONGXIN_DB_POOL_MAX_WAITERS (default 256): callers that may wait for a pool
    /// connection at once; one more is refused at once (RESOURCE_EXHAUSTED).
    public var databasePoolMaxWaiters: Int
    /// TONGXIN_DEFAULT_DEADLINE_SECONDS (default 30): the deadline of a call that arrives
    /// without one.
    public var defaultDeadline: Duration
    /// TONGXIN_MAX_DEADLINE_SECONDS (default 300): no call runs longer, whatever it asks.
    public var maxDeadline: Duration
    /// TONGXIN_AUDIT_CHECKPOINT_KEY (64 hex digits): the key of the audit log's keyed
    /// checkpoints; without it no checkpoints are written or checked.
    public var auditCheckpointKey: [UInt8]?
    /// TONGXIN_AUDIT_CHECKPOINT_SECONDS (default 60): how often checkpoints are written.
    public var auditCheckpointInterval: Duration
    /// TONGXIN_AUTH_SECRET: the HMAC key of caller tokens (at least 32 bytes).
    public var authSecret: [UInt8]
    /// TONGXIN_AUTH_KEY_ID (default `hs1`): the `kid` of the HMAC secret in tokens.
    public var authKeyID: String = TokenAuthority.defaultSecretKeyID
    /// TONGXIN_AUTH_ED25519_KEYS: the gateway's Ed25519 public keys that verify EdDSA tokens,
    /// `kid:64-hex-digits` separated by commas (several during a key rotation). Services hold
    /// only public keys, so they cannot mint tokens signed with them.
    public var authPublicKeys: [String: Curve25519.Signing.PublicKey] = [:]
    /// `TONGXIN_AUTH_ACCEPT_HS256` (default 1): whether HS256 tokens under the shared secret
    /// are accepted. 0 in a deployment whose services take calls only through the gateway.
    public var authAcceptHS256: Bool = true
    /// TONGXIN_PII_KEY / TONGXIN_PII_HASH_KEY: 64 hex digits each (AES-256-GCM, HMAC-SHA256).
    public var piiKey: [UInt8]?
    public var piiHashKey: [UInt8]?
    /// TONGXIN_PII_KEY_ID (default `k1`): the id of TONGXIN_PII_KEY, written into every ciphertext.
    public var piiKeyID: String = PIIVault.defaultKeyID
    /// TONGXIN_PII_OLD_KEYS: earlier encryption keys, still read until rotated away:
    /// `kid:64-hex-digits`, comma-separated.
    public var piiOldKeys: [String: [UInt8]] = [:]
    /// TONGXIN_LOG_LEVEL (default info); TONGXIN_LOG_FORMAT json|text (default json).
    public var logLevel: Logger.Level
    public var logFormat: LogFormat
    /// TONGXIN_DRAIN_SECONDS (default 10): how long in-flight calls may finish on SIGTERM.
    public var drainTimeout: Duration
    /// TONGXIN_MAX_FRAME_BYTES (default 4 MiB).
    public var maxFrameSize: Int
    /// TONGXIN_HANDLER_EXECUTION `method` (default), `pool` or `loop`: where handlers run.
    /// `method`: on the connection's event loop, except the methods the schema declares
    /// `cpu_bound` (imports, key rotation), which run on the task pool; `pool`: every
    /// handler on the task pool (two more thread hand-offs per call); `loop`: every handler
    /// on the event loop (BENCHMARKS.md measures the three).
    public var handlerExecution: RPCServer.HandlerExecution = .byMethod
    /// TONGXIN_MAX_CONNECTIONS (default 10,000): open RPC connections at once; more are
    /// refused with a GOAWAY (RESOURCE_EXHAUSTED).
    public var maxConnections: Int
    /// TONGXIN_MAX_CONNECTIONS_PER_ADDRESS (default 1,000): open RPC connections from one
    /// remote IP address.
    public var maxConnectionsPerAddress: Int

    public enum LogFormat: String, Sendable {
        case json, text
    }

    public init(
        serviceName: String, host: String = "127.0.0.1", port: Int, metricsPort: Int = 0,
        databaseURL: String? = nil, ownerDatabaseURL: String? = nil, auditOwnerDatabaseURL: String? = nil,
        kitOwnerDatabaseURL: String? = nil,
        databasePoolSize: Int = 8, databasePoolMaxWaiters: Int = 256,
        defaultDeadline: Duration = .seconds(30), maxDeadline: Duration = .seconds(300),
        auditCheckpointKey: [UInt8]? = nil, auditCheckpointInterval: Duration = .seconds(60),
        authSecret: [UInt8], piiKey: [UInt8]? = nil, piiHashKey: [UInt8]? = nil,
        logLevel: Logger.Level = .info, logFormat: LogFormat = .json, drainTimeout: Duration = .seconds(10),
        maxFrameSize: Int = 4 << 20, maxConnections: Int = 10_000, maxConnectionsPerAddress: Int = 1_000
    ) {
        self.serviceName = serviceName
        self.host = host
        self.port = port
        self.metricsPort = metricsPort
        self.databaseURL = databaseURL
        self.ownerDatabaseURL = ownerDatabaseURL
        self.auditOwnerDatabaseURL = auditOwnerDatabaseURL
        self.kitOwnerDatabaseURL = kitOwnerDatabaseURL
        self.databasePoolSize = databasePoolSize
        self.databasePoolMaxWaiters = databasePoolMaxWaiters
        self.defaultDeadline = defaultDeadline
        self.maxDeadline = maxDeadline
        self.auditCheckpointKey = auditCheckpointKey
        self.auditCheckpointInterval = auditCheckpointInterval
        self.authSecret = authSecret
        self.piiKey = piiKey
        self.piiHashKey = piiHashKey
        self.logLevel = logLevel
        self.logFormat = logFormat
        self.drainTimeout = drainTimeout
        self.maxFrameSize = maxFrameSize
        self.maxConnections = maxConnections
        self.maxConnectionsPerAddress = maxConnectionsPerAddress
    }

    /// The owner-URL variables that are set, by name (what a serving process refuses).
    public var ownerCredentialVariables: [String] {
        var names: [String] = []
        if ownerDatabaseURL != nil { names.append("TONGXIN_\(serviceName.uppercased())_OWNER_DATABASE_URL") }
        if auditOwnerDatabaseURL != nil { names.append("TONGXIN_AUDIT_OWNER_DATABASE_URL") }
        if kitOwnerDatabaseURL != nil { names.append("TONGXIN_KIT_OWNER_DATABASE_URL") }
        return names
    }

    /// Reads the configuration of `service` from `environment`.
    public static func fromEnvironment(
        service: String, defaultPort: Int, defaultMetricsPort: Int = 0,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws -> ServiceConfiguration {
        let env = EnvironmentReader(environment: environment, prefix: "TONGXIN_\(service.uppercased())_")
        guard let secret = environment["TONGXIN_AUTH_SECRET"], secret.utf8.count >= 32 else {
            throw ConfigurationError(variable: "TONGXIN_AUTH_SECRET", problem: "must be set to at least 32 characters")
        }
        var configuration = ServiceConfiguration(
            serviceName: service,
            host: environment["TONGXIN_HOST"] ?? "127.0.0.1",
            port: try env.int("PORT", default: defaultPort, range: 0...65535),
            metricsPort: try env.int("METRICS_PORT", default: defaultMetricsPort, range: 0...65535),
            databaseURL: env.string("DATABASE_URL"),
            ownerDatabaseURL: env.string("OWNER_DATABASE_URL"),
            auditOwnerDatabaseURL: environment["TONGXIN_AUDIT_OWNER_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 },
            kitOwnerDatabaseURL: environment["TONGXIN_KIT_OWNER_DATABASE_URL"].flatMap { $0.isEmpty ? nil : $0 },
            databasePoolSize: try env.global("TONGXIN_DB_POOL_SIZE", default: 8, range: 1...256),
            databasePoolMaxWaiters: try env.global("TONGXIN_DB_POOL_MAX_WAITERS", default: 256, range: 0...1_000_000),
            defaultDeadline: .seconds(try env.global("TONGXIN_DEFAULT_DEADLINE_SECONDS", default: 30, range: 1...86_400)),
            maxDeadline: .seconds(try env.global("TONGXIN_MAX_DEADLINE_SECONDS", default: 300, range: 1...86_400)),
            auditCheckpointKey: try env.hexKey("TONGXIN_AUDIT_CHECKPOINT_KEY"),
            auditCheckpointInterval: .seconds(try env.global("TONGXIN_AUDIT_CHECKPOINT_SECONDS", default: 60, range: 1...86_400)),
            authSecret: Array(secret.utf8),
            piiKey: try env.hexKey("TONGXIN_PII_KEY"),
            piiHashKey: try env.hexKey("TONGXIN_PII_HASH_KEY"),
            logLevel: Logger.Level(rawValue: environment["TONGXIN_LOG_LEVEL"] ?? "info") ?? .info,
            logFormat: LogFormat(rawValue: environment["TONGXIN_LOG_FORMAT"] ?? "json") ?? .json,
            drainTimeout: .seconds(try env.global("TONGXIN_DRAIN_SECONDS", default: 10, range: 0...600)),
            maxFrameSize: try env.global("TONGXIN_MAX_FRAME_BYTES", default: 4 << 20, range: 1024...(64 << 20)),
            maxConnections: try env.global("TONGXIN_MAX_CONNECTIONS", default: 10_000, range: 1...1_000_000),
            maxConnectionsPerAddress: try env.global("TONGXIN_MAX_CONNECTIONS_PER_ADDRESS", default: 1_000, range: 1...1_000_000)
        )
        if let keyID = environment["TONGXIN_PII_KEY_ID"], !keyID.isEmpty {
            guard PIIVault.isValidKeyID(keyID) else {
                throw ConfigurationError(variable: "TONGXIN_PII_KEY_ID", problem: "must be 1–64 visible ASCII characters without ':' or ','")
            }
            configuration.piiKeyID = keyID
        }
        if let list = environment["TONGXIN_PII_OLD_KEYS"], !list.isEmpty {
            for item in list.split(separator: ",") {
                let pair = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, PIIVault.isValidKeyID(pair[0]), let bytes = HexCoding.decode(pair[1]), bytes.count == 32 else {
                    throw ConfigurationError(variable: "TONGXIN_PII_OLD_KEYS", problem: "must be kid:64-hex-digits, comma-separated")
                }
                configuration.piiOldKeys[pair[0]] = bytes
            }
        }
        if let keyID = environment["TONGXIN_AUTH_KEY_ID"], !keyID.isEmpty { configuration.authKeyID = keyID }
        if let accept = environment["TONGXIN_AUTH_ACCEPT_HS256"], !accept.isEmpty {
            configuration.authAcceptHS256 = !["0", "false", "no", "off"].contains(accept.lowercased())
        }
        if let list = environment["TONGXIN_AUTH_ED25519_KEYS"], !list.isEmpty {
            for item in list.split(separator: ",") {
                let pair = item.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                guard pair.count == 2, !pair[0].isEmpty, let bytes = HexCoding.decode(pair[1]), bytes.count == 32,
                      let key = try? Curve25519.Signing.PublicKey(rawRepresentation: bytes) else {
                    throw ConfigurationError(variable: "TONGXIN_AUTH_ED25519_KEYS", problem: "must be kid:64-hex-digits, comma-separated")
                }
                configuration.authPublicKeys[pair[0]] = key
            }
        }
        configuration.handlerExecution = try env.handlerExecution()
        return configuration
    }
}

/// A configuration variable that is missing or malformed.
public struct ConfigurationError: Error, CustomStringConvertible {
    public var variable: String
    public var problem: String
    public var description: String { "\(variable) \(problem)" }

    public init(variable: String, problem: String) {
        self.variable = variable
        self.problem = problem
    }
}

struct EnvironmentReader {
    let environment: [String: String]
    let prefix: String

    func string(_ name: String) -> String? {
        environment[prefix + name].flatMap { $0.isEmpty ? nil : $0 }
    }

    func int(_ name: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        try global(prefix + name, default: value, range: range)
    }

    func global(_ variable: String, default value: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = environment[variable], !text.isEmpty else { return value }
        guard let number = Int(text), range.contains(number) else {
            throw ConfigurationError(variable: variable, problem: "must be a whole number in \(range), not \"\(text)\"")
        }
        return number
    }

    func handlerExecution() throws -> RPCServer.HandlerExecution {
        switch environment["TONGXIN_HANDLER_EXECUTION"] ?? "" {
        case "", "method": return .byMethod
        case "pool": return .concurrent
        case "loop": return .eventLoop
        case let other:
            throw ConfigurationError(
                variable: "TONGXIN_HANDLER_EXECUTION", problem: "must be method, pool or loop, not \"\(other)\"")
        }
    }

    func hexKey(_ variable: String) throws -> [UInt8]? {
        guard let text = environment[variable], !text.isEmpty else { return nil }
        guard let bytes = HexCoding.decode(text), bytes.count == 32 else {
            throw ConfigurationError(variable: variable, problem: "must be 64 hexadecimal digits (32 bytes)")
        }
        return bytes
    }
}
