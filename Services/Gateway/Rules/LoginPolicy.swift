/// 登录失败处理 — lockout after repeated failed logins and the session's lifetime and idle
/// timeout (MLPS 2.0 level 3: 登录失败处理功能, 连接超时自动退出).
public struct LoginPolicy: Sendable, Hashable {
    /// Failed logins in a row after which the account locks.
    public var maxFailures: Int
    /// How long a lock lasts (seconds); a system administrator can lift it earlier.
    public var lockSeconds: Int64
    /// A session ends this long after login whatever happens (seconds).
    public var sessionLifetime: Int64
    /// A session ends after this long without a call (seconds).
    public var idleTimeout: Int64
    /// The shortest password of a person's account.
    public var minimumPasswordLength: Int

    public init(maxFailures: Int = 5, lockSeconds: Int64 = 15 * 60, sessionLifetime: Int64 = 8 * 3600,
                idleTimeout: Int64 = 15 * 60, minimumPasswordLength: Int = 12) {
        self.maxFailures = maxFailures
        self.lockSeconds = lockSeconds
        self.sessionLifetime = sessionLifetime
        self.idleTimeout = idleTimeout
        self.minimumPasswordLength = minimumPasswordLength
    }

    /// An account's login state: failures in a row and the lock.
    public struct State: Sendable, Hashable {
        public var failures: Int
        /// Seconds since the epoch; nil or past: not locked.
        public var lockedUntil: Int64?

        public init(failures: Int, lockedUntil: Int64?) {
            self.failures = failures
            self.lockedUntil = lockedUntil
        }

        public func isLocked(at now: Int64) -> Bool { (lockedUntil ?? 0) > now }
    }

    /// The state after a failed login at `now`: one more failure; the lock starts when
    /// failures reach ``maxFailures`` (the count restarts, so the next lock takes as many).
    public func afterFailure(_ state: State, at now: Int64) -> State {
        let failures = state.failures + 1
        if failures >= maxFailures {
            return State(failures: 0, lockedUntil: now + lockSeconds)
        }
        return State(failures: failures, lockedUntil: state.isLocked(at: now) ? state.lockedUntil : nil)
    }

    /// The state after a successful login: no failures, no lock.
    public func afterSuccess() -> State { State(failures: 0, lockedUntil: nil) }

    /// Whether a session created at `createdAt` and last used at `lastSeen` is still alive at `now`.
    public func sessionAlive(createdAt: Int64, lastSeen: Int64, now: Int64) -> Bool {
        now < createdAt + sessionLifetime && now - lastSeen <= idleTimeout
    }
}
