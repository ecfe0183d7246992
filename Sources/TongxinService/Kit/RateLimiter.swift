import Foundation
import Synchronization

/// 限流 — at most `limit` events per `window` for each key (e.g. a principal's searches
/// of personal data), in memory per process, on the injected clock.
///
/// A sliding window: an event is admitted when fewer than `limit` admitted events of the
/// same key lie within the last `window` seconds. Behind a load balancer each process
/// counts alone, so a deployment's effective limit is `limit` × processes; the limit is a
/// brake on bulk lookups (撞库), not an exact quota.
public final class RateLimiter: Sendable {
    public let limit: Int
    public let window: TimeInterval
    private let clock: any ServiceClock
    private let events = Mutex<[String: [Date]]>([:])

    public init(limit: Int, window: TimeInterval, clock: any ServiceClock) {
        precondition(limit > 0 && window > 0)
        self.limit = limit
        self.window = window
        self.clock = clock
    }

    /// Records an event of `key` and returns true, or returns false (recording nothing)
    /// when `key` already had `limit` events in the window.
    public func admit(_ key: String) -> Bool {
        let now = clock.now()
        let horizon = now.addingTimeInterval(-window)
        return events.withLock { events in
            var recent = (events[key] ?? []).filter { $0 > horizon }
            // Forget keys that went quiet, so the table does not grow without bound.
            if events.count > 10_000 {
                events = events.filter { $0.value.last.map { $0 > horizon } ?? false }
            }
            guard recent.count < limit else {
                events[key] = recent
                return false
            }
            recent.append(now)
            events[key] = recent
            return true
        }
    }

    /// Seconds until `key` may act again (0 when it may now).
    public func retryAfter(_ key: String) -> TimeInterval {
        let now = clock.now()
        return events.withLock { events in
            let recent = (events[key] ?? []).filter { $0 > now.addingTimeInterval(-window) }
            guard recent.count >= limit, let oldest = recent.first else { return 0 }
            return max(0, oldest.addingTimeInterval(window).timeIntervalSince(now))
        }
    }
}
