import Testing
@testable import TongxinRPC

@Suite("Backoff and retry policy")
struct RetryPolicyTests {
    @Test("waits grow by the multiplier and stop at the maximum")
    func growth() {
        let backoff = Backoff(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0)
        #expect(backoff.delay(afterFailures: 1) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 2) == .milliseconds(200))
        #expect(backoff.delay(afterFailures: 4) == .milliseconds(800))
        #expect(backoff.delay(afterFailures: 5) == .seconds(1))
        #expect(backoff.delay(afterFailures: 50) == .seconds(1))
    }

    @Test("jitter keeps each wait within its band and spreads them")
    func jitter() {
        let policy = RetryPolicy(initialBackoff: .milliseconds(100), jitter: 0.2)
        let delays = (0..<200).map { _ in policy.backoff(afterAttempt: 1) }
        #expect(delays.allSatisfy { $0 >= .milliseconds(80) && $0 <= .milliseconds(120) })
        #expect(Set(delays).count > 10)
    }

    @Test("the default retries UNAVAILABLE three times in all; none tries once")
    func defaults() {
        #expect(RetryPolicy.default.maxAttempts == 3)
        #expect(RetryPolicy.default.retryableCodes == [.unavailable])
        #expect(RetryPolicy.none.maxAttempts == 1)
    }

    @Test("a call's deadline is the earliest of its own, its timeout and the inherited one")
    func effectiveDeadline() {
        let now = ContinuousClock.now
        #expect(CallOptions().effectiveDeadline(now: now, inherited: nil) == nil)
        #expect(CallOptions(timeout: .seconds(5)).effectiveDeadline(now: now, inherited: now + .seconds(1)) == now + .seconds(1))
        #expect(CallOptions(timeout: .seconds(1)).effectiveDeadline(now: now, inherited: now + .seconds(5)) == now + .seconds(1))
        #expect(CallOptions(deadline: now + .seconds(2)).effectiveDeadline(now: now, inherited: nil) == now + .seconds(2))
    }
}
