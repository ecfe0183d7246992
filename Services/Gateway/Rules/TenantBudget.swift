/// 限流 — one tenant's (town's) budget: a token bucket for the call rate and a cap on
/// calls in flight, so one busy town cannot starve the others (issue 12 item 4). A pure
/// value: the gateway keeps one per town under a lock and feeds it the time.
public struct TenantBudget: Sendable, Hashable {
    /// Calls per second sustained.
    public var rate: Double
    /// Calls that may come at once after a quiet spell.
    public var burst: Double
    /// Calls of the tenant in flight at once.
    public var maxInFlight: Int

    public private(set) var tokens: Double
    public private(set) var inFlight: Int = 0
    /// Callers refused for the rate and told to come back, as a queue that drains at `rate`
    /// (one per token that arrives). A refusal's hint puts its caller behind them, so a town whose thirty callers all hammer at once is told to come back
    /// spread over the next thirty tokens — not all at the next one (which would refuse
    /// twenty-nine again, and a flood of refusals is load too).
    public private(set) var waiting: Double = 0
    private var updated: Double

    public init(rate: Double, burst: Double, maxInFlight: Int, now: Double) {
        self.rate = rate
        self.burst = burst
        self.maxInFlight = maxInFlight
        self.tokens = burst
        self.updated = now
    }

    /// Why a call is refused, and when to try again (seconds).
    public enum Refusal: Sendable, Hashable {
        case rate(retryAfter: Double)
        case inFlight(retryAfter: Double)
    }

    /// Admits a call at `now` (taking a token and a place in flight) or says why not.
    public mutating func admit(now: Double) -> Refusal? {
        let refill = max(0, now - updated) * rate
        tokens = min(burst, tokens + refill)
        waiting = max(0, waiting - refill)
        updated = now
        guard inFlight < maxInFlight else { return .inFlight(retryAfter: 0.05) }
        guard tokens >= 1 else {
            let retryAfter = (1 - tokens + waiting) / rate
            waiting = min(waiting + 1, max(burst, rate) * 10)
            return .rate(retryAfter: retryAfter)
        }
        tokens -= 1
        inFlight += 1
        return nil
    }

    /// A call admitted earlier has finished.
    public mutating func finish() {
        inFlight = max(0, inFlight - 1)
    }
}
