import Crypto
import Foundation
import GatewayRules
import Synchronization
import TongxinPostgres
import TongxinRPC
import TongxinService

/// 凭证 — turns the `authorization` of a call into an ``Identity``: a session token
/// (`txs_…`), an API key (`txk_<id>_<secret>`), or a tooling token (`v2.…`, HS256 for
/// `aud: gateway`, when enabled). Every refusal is UNAUTHENTICATED with one message, so
/// nothing tells a revoked session from a forged one.
///
/// Sessions and API keys are cached in memory for at most ``cacheSeconds`` (so a call
/// costs no database round trip), and dropped at once when this gateway revokes them;
/// another gateway instance notices a revocation within ``cacheSeconds``. The idle clock
/// runs on every call; `last_seen_at` is written at most every ``touchSeconds``.
public final class Credentials: Sendable {
    let pool: PostgresPool
    let clock: any ServiceClock
    let policy: LoginPolicy
    let tooling: TokenAuthority?
    let cacheSeconds: Double
    let touchSeconds: Double
    private let cache = Mutex<[String: Entry]>([:])

    struct Entry: Sendable {
        var identity: Identity
        var createdAt: Int64
        var expiresAt: Int64
        var lastSeen: Int64
        var storedLastSeen: Int64
        var loadedAt: Double
    }

    public static let refusal = RPCError(code: .unauthenticated, message: "the credential is not valid / 凭证无效，请重新登录")

    public init(pool: PostgresPool, clock: any ServiceClock, policy: LoginPolicy, tooling: TokenAuthority?,
                cacheSeconds: Double = 5, touchSeconds: Double = 30) {
        self.pool = pool
        self.clock = clock
        self.policy = policy
        self.tooling = tooling
        self.cacheSeconds = cacheSeconds
        self.touchSeconds = touchSeconds
    }

    /// The identity of `authorization`, nil without one (anonymous), or UNAUTHENTICATED.
    public func resolve(_ authorization: String?, deadline: ContinuousClock.Instant?) async throws -> Identity? {
        guard let authorization, !authorization.isEmpty else { return nil }
        let token = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : authorization
        if token.hasPrefix("txs_") {
            return try await session(token, deadline: deadline)
        }
        if token.hasPrefix("txk_") {
            return try await apiKey(token, deadline: deadline)
        }
        if token.hasPrefix("v2."), let tooling {
            // Verified once a minute at most (HMAC and JSON), the expiry on every call.
            let now = Int64(Date().timeIntervalSince1970)
            let key = "t:" + token
            if let entry = cache.withLock({ $0[key] }), entry.expiresAt > now, Double(now) - entry.loadedAt <= 60 {
                return entry.identity
            }
            guard let caller = try? tooling.verify(token, audience: "gateway", now: now), let unit = UnitPath(caller.unitPath) else {
                throw Self.refusal
            }
            let identity = Identity(account: caller.principal, homeUnitPath: caller.unitPath, source: .toolToken, grants: [],
                                    toolScope: (unit, caller.permissions))
            cache.withLock { cache in
                if cache.count > 10_000 { cache.removeAll() }
                cache[key] = Entry(identity: identity, createdAt: caller.issuedAt, expiresAt: caller.expiresAt, lastSeen: now,
                                   storedLastSeen: now, loadedAt: Double(now))
            }
            return identity
        }
        throw Self.refusal
    }

    /// A new session token and the SHA-256 under which it is stored.
    static func newSessionToken() -> (token: String, hash: [UInt8]) {
        let token = "txs_" + Base64URL.encode(Data(randomBytes(32)))
        return (token, Array(SHA256.hash(data: Data(token.utf8))))
    }

    static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    /// Forgets the cached sessions of `hash`es (this gateway revoked them).
    func forget(_ keys: [String]) {
        cache.withLock { cache in
            for key in keys { cache.removeValue(forKey: key) }
        }
    }

    /// Forgets every cached credential of `account`.
    func forget(account: String) {
        cache.withLock { cache in cache = cache.filter { $0.value.identity.account != account } }
    }

    /// Forgets the cached API key `id`.
    func forget(apiKey id: UUID) {
        cache.withLock { cache in cache = cache.filter { $0.value.identity.source != .apiKey(id) } }
    }

    static func cacheKey(_ hash: [UInt8]) -> String { "s:" + hash.map { String(format: "%02x", $0) }.joined() }

    private func session(_ token: String, deadline: ContinuousClock.Instant?) async throws -> Identity {
        let hash = Array(SHA256.hash(data: Data(token.utf8)))
        let key = Self.cacheKey(hash)
        let now = Int64(clock.now().timeIntervalSince1970)
        let wall = Date().timeIntervalSince1970
        var entry = cache.withLock { $0[key] }
        if entry == nil || wall - entry!.loadedAt > cacheSeconds {
            entry = try await loadSession(hash, deadline: deadline, wall: wall)
        }
        guard var current = entry,
              policy.sessionAlive(createdAt: current.createdAt, lastSeen: current.lastSeen, now: now),
              now < current.expiresAt
        else {
            forget([key])
            throw Self.refusal
        }
        current.lastSeen = max(current.lastSeen, now)
        let touch = Double(now - current.storedLastSeen) >= touchSeconds
        if touch { current.storedLastSeen = now }
        let updated = current
        cache.withLock { $0[key] = updated }
        if touch {
            try await pool.execute(
                "UPDATE gateway.sessions SET last_seen_at = $2 WHERE token_hash = $1 AND last_seen_at < $2",
                [.bytea(hash), .timestamp(Date(timeIntervalSince1970: TimeInterval(now)))], deadline: deadline)
        }
        return current.identity
    }

    private func loadSession(_ hash: [UInt8], deadline: ContinuousClock.Instant?, wall: Double) async throws -> Entry? {
        let rows = try await pool.query(
            """
            SELECT s.created_at, s.expires_at, s.last_seen_at, \(AccountRecord.columns.split(separator: ",").map { "a." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
              FROM gateway.sessions s JOIN gateway.accounts a ON a.name = s.account
             WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND NOT a.disabled
            """, [.bytea(hash)], deadline: deadline)
        guard let row = rows.first else { return nil }
        let account = try AccountRecord(row: row)
        let grants = try await IdentityStore.grants(of: account.name, pool: pool, deadline: deadline)
        let lastSeen = Int64(try row["last_seen_at"].decode(Date.self).timeIntervalSince1970)
        return Entry(
            identity: Identity(account: account.name, homeUnitPath: account.homeUnitPath, source: .session(hash), grants: grants),
            createdAt: Int64(try row["created_at"].decode(Date.self).timeIntervalSince1970),
            expiresAt: Int64(try row["expires_at"].decode(Date.self).timeIntervalSince1970),
            lastSeen: lastSeen, storedLastSeen: lastSeen, loadedAt: wall)
    }

    private func apiKey(_ token: String, deadline: ContinuousClock.Instant?) async throws -> Identity {
        let parts = token.split(separator: "_", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, let id = UUID(uuidString: String(parts[1])) else { throw Self.refusal }
        let secretHash = Array(SHA256.hash(data: Data(parts[2].utf8)))
        let key = "k:" + Self.cacheKey(secretHash)
        let wall = Date().timeIntervalSince1970
        if let entry = cache.withLock({ $0[key] }), wall - entry.loadedAt <= cacheSeconds {
            return entry.identity
        }
        let rows = try await pool.query(
            """
            SELECT k.secret_hash, a.name, a.home_unit_path::text AS home_unit_path
              FROM gateway.api_keys k JOIN gateway.accounts a ON a.name = k.account
             WHERE k.id = $1 AND k.revoked_at IS NULL AND NOT a.disabled
            """, [.uuid(id)], deadline: deadline)
        guard let row = rows.first else { throw Self.refusal }
        let stored = try row["secret_hash"].decode([UInt8].self)
        guard stored.count == secretHash.count, zip(stored, secretHash).reduce(UInt8(0), { $0 | ($1.0 ^ $1.1) }) == 0 else {
            throw Self.refusal
        }
        let account = try row["name"].decode(String.self)
        let grants = try await IdentityStore.grants(of: account, pool: pool, deadline: deadline)
        let identity = Identity(account: account, homeUnitPath: try row["home_unit_path"].decode(String.self), source: .apiKey(id), grants: grants)
        cache.withLock { $0[key] = Entry(identity: identity, createdAt: 0, expiresAt: .max, lastSeen: 0, storedLastSeen: 0, loadedAt: wall) }
        return identity
    }
}
