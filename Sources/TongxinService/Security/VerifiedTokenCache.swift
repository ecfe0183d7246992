import Synchronization

/// Tokens already verified, so that a client calling many times with the same token (a
/// gateway session, tongxinctl, an integration) pays the HMAC and the JSON decoding once a
/// minute instead of on every call — in a profile of GetCouncil they were 9% of the
/// service's CPU.
///
/// Safe because a token is immutable and signed: the same bytes always verify to the same
/// caller. What depends on time is checked on every call anyway: the expiry against the
/// service's clock. Entries live at most `ttl` seconds of that clock, so a later revocation
/// list would take effect within it. Bounded: when full, the cache is emptied.
final class VerifiedTokenCache: Sendable {
    private struct Entry {
        var caller: Caller
        var verifiedAt: Int64
    }

    private let entries = Mutex<[String: Entry]>([:])
    let capacity: Int
    let ttl: Int64

    init(capacity: Int = 4096, ttl: Int64 = 60) {
        self.capacity = capacity
        self.ttl = ttl
    }

    /// The caller of `authorization`, from the cache when it was verified in the last `ttl`
    /// seconds and has not expired since; else from `verify`, which is then remembered.
    func caller(
        for authorization: String?, now: Int64, verify: () throws(AuthenticationFailure) -> Caller
    ) throws(AuthenticationFailure) -> Caller {
        guard let authorization else { return try verify() }
        let cached = entries.withLock { $0[authorization] }
        if let cached, now - cached.verifiedAt < ttl, now >= cached.verifiedAt, now < cached.caller.expiresAt {
            return cached.caller
        }
        let caller = try verify()
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[authorization] = Entry(caller: caller, verifiedAt: now)
        }
        return caller
    }
}
