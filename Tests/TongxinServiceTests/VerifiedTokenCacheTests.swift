import Synchronization
import Testing
@testable import TongxinService

@Suite("Verified-token cache")
struct VerifiedTokenCacheTests {
    final class Counter: Sendable {
        let value = Atomic<Int>(0)
        func bump() { value.wrappingAdd(1, ordering: .relaxed) }
        var count: Int { value.load(ordering: .relaxed) }
    }

    let caller = Caller(principal: "clerk", unitPath: "u330100000000", permissions: ["membership.read"], expiresAt: 1_000)

    @Test("a token is verified once within the TTL, and again after it")
    func verifiedOncePerTTL() throws {
        let cache = VerifiedTokenCache(ttl: 60)
        let verifications = Counter()
        let verify: () throws(AuthenticationFailure) -> Caller = { verifications.bump(); return caller }
        for now in [Int64(100), 120, 159] {
            #expect(try cache.caller(for: "Bearer a", now: now, verify: verify) == caller)
        }
        #expect(verifications.count == 1)
        _ = try cache.caller(for: "Bearer a", now: 160, verify: verify)
        #expect(verifications.count == 2)
    }

    @Test("a cached token still expires at its expiry, to the second")
    func expiryStillChecked() throws {
        let cache = VerifiedTokenCache(ttl: 600)
        _ = try cache.caller(for: "Bearer a", now: 990) { () throws(AuthenticationFailure) in caller }
        #expect(try cache.caller(for: "Bearer a", now: 999) { () throws(AuthenticationFailure) in throw .expired } == caller)
        #expect(throws: AuthenticationFailure.self) {
            try cache.caller(for: "Bearer a", now: 1_000) { () throws(AuthenticationFailure) in throw .expired }
        }
    }

    @Test("a refused token is never remembered, and other tokens are verified on their own")
    func failuresNotCached() throws {
        let cache = VerifiedTokenCache()
        let verifications = Counter()
        for _ in 0..<3 {
            #expect(throws: AuthenticationFailure.self) {
                try cache.caller(for: "Bearer forged", now: 100) { () throws(AuthenticationFailure) in
                    verifications.bump(); throw .badSignature
                }
            }
        }
        #expect(verifications.count == 3)
        _ = try cache.caller(for: "Bearer b", now: 100) { () throws(AuthenticationFailure) in verifications.bump(); return caller }
        #expect(verifications.count == 4)
    }

    @Test("the cache is bounded: when full it starts over")
    func bounded() throws {
        let cache = VerifiedTokenCache(capacity: 2, ttl: 60)
        let verifications = Counter()
        let verify: () throws(AuthenticationFailure) -> Caller = { verifications.bump(); return caller }
        for token in ["a", "b", "c", "a"] { _ = try cache.caller(for: token, now: 100, verify: verify) }
        #expect(verifications.count == 4)
    }
}
