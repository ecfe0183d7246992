import Logging
import TongxinPostgres

/// The one database probe of a service, shared by Health/Check and `/readyz`.
///
/// Probes are open (no credentials) and cheap to send, so they must not cost the database
/// one pool connection per caller: the probe runs `SELECT 1` at most once per `maxAge`
/// (1 s), concurrent callers wait for the same round trip, and callers within `maxAge` of
/// the last answer get it from the cache. The answer says only whether the database
/// answered and, if not, which way it failed (unreachable, too slow, refused) — never the
/// server's error text, which goes to the log.
public actor DatabaseProbe {
    /// What the last probe found.
    public struct Outcome: Sendable, Equatable {
        public var healthy: Bool
        /// Empty when healthy; otherwise a fixed phrase, never PostgreSQL's message.
        public var detail: String
    }

    public let pool: PostgresPool
    public let maxAge: Duration
    public let timeout: Duration
    private let logger: Logger
    private var last: (at: ContinuousClock.Instant, outcome: Outcome)?
    private var inFlight: Task<Outcome, Never>?

    public init(pool: PostgresPool, maxAge: Duration = .seconds(1), timeout: Duration = .seconds(2), logger: Logger) {
        self.pool = pool
        self.maxAge = maxAge
        self.timeout = timeout
        self.logger = logger
    }

    /// The database's state: cached if the last probe is younger than `maxAge`, else the
    /// result of the probe in flight, else of a new one.
    public func check() async -> Outcome {
        if let last, ContinuousClock.now - last.at < maxAge { return last.outcome }
        if let inFlight { return await inFlight.value }
        let pool = pool, timeout = timeout, logger = logger
        let task = Task { () -> Outcome in
            do {
                _ = try await pool.query("SELECT 1", deadline: .now + timeout)
                return Outcome(healthy: true, detail: "")
            } catch {
                logger.warning("the database probe failed", metadata: ["error": "\(error)"])
                return Outcome(healthy: false, detail: Self.phrase(for: error))
            }
        }
        inFlight = task
        let outcome = await task.value
        last = (.now, outcome)
        inFlight = nil
        return outcome
    }

    /// A fixed description of a failure, safe to show an unauthenticated caller.
    static func phrase(for error: any Error) -> String {
        guard let error = error as? PostgresError else { return "the database did not answer" }
        switch error.kind {
        case .connectionFailed, .connectionLost, .poolClosed: return "the database is unreachable"
        case .deadlineExceeded, .queryCanceled: return "the database did not answer in time"
        case .poolExhausted: return "every database connection is busy"
        default: return "the database refused the probe"
        }
    }
}
