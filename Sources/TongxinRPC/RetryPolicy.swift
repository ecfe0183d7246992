/// When and how often a client tries a failed call again.
///
/// A call is retried only when all of these hold: its status is in `retryableCodes`;
/// it is safe to repeat — the method is marked idempotent in `Schemas/`, or the request
/// provably never reached a handler (the connection could not be made, or the server
/// refused it while draining); attempts remain; and the call's deadline leaves room for
/// the next wait. Waits grow exponentially and are jittered so that many clients
/// recovering from the same outage do not retry in lock-step.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts in total, the first included; 1 disables retries.
    public var maxAttempts: Int
    public var initialBackoff: Duration
    public var maxBackoff: Duration
    public var backoffMultiplier: Double
    /// The fraction (0...1) by which each wait is randomly shortened or lengthened.
    public var jitter: Double
    public var retryableCodes: Set<Status.Code>

    public init(
        maxAttempts: Int = 3,
        initialBackoff: Duration = .milliseconds(50),
        maxBackoff: Duration = .seconds(1),
        backoffMultiplier: Double = 2,
        jitter: Double = 0.2,
        retryableCodes: Set<Status.Code> = [.unavailable]
    ) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        self.maxAttempts = maxAttempts
        self.initialBackoff = initialBackoff
        self.maxBackoff = maxBackoff
        self.backoffMultiplier = backoffMultiplier
        self.jitter = min(max(jitter, 0), 1)
        self.retryableCodes = retryableCodes
    }

    /// Three attempts on UNAVAILABLE, 50 ms doubling to at most 1 s.
    public static let `default` = RetryPolicy()

    /// A single attempt.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// The wait before attempt `attempt + 1` (the first retry follows attempt 1).
    func backoff(afterAttempt attempt: Int) -> Duration {
        Backoff.delay(
            attempt: attempt,
            initial: self.initialBackoff,
            maximum: self.maxBackoff,
            multiplier: self.backoffMultiplier,
            jitter: self.jitter
        )
    }
}

/// How a client spaces its attempts to (re)connect to a server that is down.
///
/// Reconnection is lazy: a lost connection is re-established by the next call, and
/// after a failed attempt the next one waits an exponentially growing, jittered delay.
/// A successful connection resets the delay.
public struct Backoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// The fraction (0...1) by which each wait is randomly shortened or lengthened.
    public var jitter: Double

    public init(
        initial: Duration = .milliseconds(100),
        maximum: Duration = .seconds(5),
        multiplier: Double = 1.6,
        jitter: Double = 0.2
    ) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = multiplier
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The wait after `failures` consecutive failed attempts (1 = after the first).
    func delay(afterFailures failures: Int) -> Duration {
        Self.delay(attempt: failures, initial: self.initial, maximum: self.maximum, multiplier: self.multiplier, jitter: self.jitter)
    }

    static func delay(attempt: Int, initial: Duration, maximum: Duration, multiplier: Double, jitter: Double) -> Duration {
        var base = initial.seconds
        for _ in 1..<max(attempt, 1) where base < maximum.seconds {
            base *= multiplier
        }
        base = min(base, maximum.seconds)
        let factor = jitter > 0 ? Double.random(in: (1 - jitter)...(1 + jitter)) : 1
        return .nanoseconds(Int64(max(base * factor, 0) * 1e9))
    }
}

extension Duration {
    /// The duration in (fractional) seconds.
    var seconds: Double {
        let (seconds, attoseconds) = self.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    var microseconds: Int64 {
        let (seconds, attoseconds) = self.components
        return seconds * 1_000_000 + attoseconds / 1_000_000_000_000
    }
}
