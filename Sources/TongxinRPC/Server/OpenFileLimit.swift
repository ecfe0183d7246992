#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The process's limit on open file descriptors (RLIMIT_NOFILE).
///
/// Every connection is a descriptor. Many environments start processes with a soft limit
/// of 1,024 or 4,096 under a far higher hard limit; a server that stays at the soft limit
/// fails `accept` with EMFILE once it is reached, and the kernel then holds new
/// connections in the listen queue unanswered — no GOAWAY, no refusal, a hang. The server
/// raises the soft limit to the hard limit as it starts (as Go's runtime does), and warns
/// when its connection caps still do not fit.
public enum OpenFileLimit {
    public struct Limits: Sendable, Equatable {
        /// The limit in force; `Int.max` when unlimited.
        public var soft: Int
        public var hard: Int
    }

    /// The limits now in force.
    public static func current() -> Limits {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return Limits(soft: 1_024, hard: 1_024) }
        return Limits(soft: clamp(limit.rlim_cur), hard: clamp(limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit (never lowers it); returns the limits then in
    /// force. Unprivileged and idempotent.
    @discardableResult
    public static func raiseToHard() -> Limits {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return current() }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) != 0 {
                // Darwin refuses values above OPEN_MAX with RLIM_INFINITY as the hard limit.
                raised.rlim_cur = min(limit.rlim_max, 10_240)
                _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised)
            }
        }
        return current()
    }

    private static func clamp(_ value: rlim_t) -> Int {
        value >= rlim_t(Int.max) ? Int.max : Int(value)
    }
}
