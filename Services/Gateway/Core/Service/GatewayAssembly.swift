@preconcurrency import Crypto
import Foundation
import GatewayRules
import Logging
import AgendaAPI
import MembershipAPI
import SessionAPI
import SupervisionAPI
import ServiceLifecycle
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService

/// Puts the gateway together, for the executable and the tests alike: its own service
/// (with ``ServiceCalls`` to the routed services for the government integration), one
/// ``Forwarder`` per routed service, the ``GatewayInterceptor`` and the health checker.
public enum GatewayAssembly {
    /// The services the gateway can route to, with the methods each declares in `Schemas/`
    /// (`allMethods`, with permission and idempotency). A new service adds its line here.
    public static let routable: [String: [RPCMethodDescriptor]] = [
        "membership": MembershipV1.Membership.allMethods,
        "agenda": AgendaV1.Agenda.allMethods,
        "session": SessionV1.Session.allMethods,
        "supervision": SupervisionV1.Supervision.allMethods,
    ]

    public struct Options: Sendable {
        public var routes: [String: [(host: String, port: Int)]]
        /// The gateway's Ed25519 signing key and its key id.
        public var signingKeyID: String
        public var signingKey: Curve25519SigningKey
        /// Verifies HS256 tooling tokens for `aud: gateway` (nil: refused).
        public var tooling: TokenAuthority?
        public var policy: LoginPolicy
        public var hasher: PasswordHasher
        /// Per-town calls per second, burst and calls in flight (nil: no limits).
        public var tenantLimits: (rate: Double, burst: Double, inFlight: Int)?
        public var upstreamConnections: Int
        public var healthInterval: Duration
        /// How long each section of the county dashboard may take (within the call's deadline).
        public var dashboardSectionTimeout: Duration

        public init(routes: [String: [(host: String, port: Int)]], signingKeyID: String, signingKey: Curve25519SigningKey,
                    tooling: TokenAuthority?, policy: LoginPolicy = LoginPolicy(), hasher: PasswordHasher = PasswordHasher(),
                    tenantLimits: (rate: Double, burst: Double, inFlight: Int)? = (200, 400, 64), upstreamConnections: Int = 2,
                    healthInterval: Duration = .seconds(1), dashboardSectionTimeout: Duration = .seconds(3)) {
            self.routes = routes
            self.signingKeyID = signingKeyID
            self.signingKey = signingKey
            self.tooling = tooling
            self.policy = policy
            self.hasher = hasher
            self.tenantLimits = tenantLimits
            self.upstreamConnections = upstreamConnections
            self.healthInterval = healthInterval
            self.dashboardSectionTimeout = dashboardSectionTimeout
        }
    }

    public static func make(options: Options, pool: PostgresPool, clock: any ServiceClock, logger: Logger) throws -> ServiceRunner.Setup {
        let credentials = Credentials(pool: pool, clock: clock, policy: options.policy, tooling: options.tooling)
        let signer = TokenAuthority(signingKeyID: options.signingKeyID, signingKey: .edDSA(options.signingKey), issuer: "gateway",
                                    maximumLifetime: 60)
        var services: [any RPCService] = []
        var upstreams: [Upstream] = []
        for (service, addresses) in options.routes.sorted(by: { $0.key < $1.key }) {
            guard let methods = routable[service] else {
                // A service the gateway does not know yet (its API is not linked here):
                // its calls are UNIMPLEMENTED until the gateway routes it.
                logger.warning("route ignored: the gateway cannot route this service yet", metadata: ["service": "\(service)"])
                continue
            }
            let upstream = Upstream(service: service, addresses: addresses, connections: options.upstreamConnections, logger: logger)
            upstreams.append(upstream)
            services.append(Forwarder(audience: service, methods: methods, upstream: upstream, signer: signer))
        }
        let environment = GatewayEnvironment(pool: pool, clock: clock, policy: options.policy, hasher: options.hasher,
                                             credentials: credentials, calls: ServiceCalls(upstreams: upstreams, signer: signer),
                                             logger: logger, dashboardSectionTimeout: options.dashboardSectionTimeout)
        services.insert(GatewayService(environment: environment), at: 0)
        let limiter = options.tenantLimits.map { TenantLimiter(rate: $0.rate, burst: $0.burst, maxInFlight: $0.inFlight) }
        return ServiceRunner.Setup(
            services: services,
            authInterceptor: GatewayInterceptor(credentials: credentials, limiter: limiter, units: environment.units),
            background: [HealthChecker(upstreams: upstreams, interval: options.healthInterval)])
    }
}

public typealias Curve25519SigningKey = Curve25519.Signing.PrivateKey
