import Foundation

/// 时钟 — where a service reads "now".
///
/// Notice windows, terms, deadlines and warning levels depend on time (ARCHITECTURE.md,
/// "Rules that depend on time … read an injected clock"), so handlers never call `Date()`
/// themselves: the kit reads the clock once per call (``CallScope/now``) and token expiry
/// is checked against the same clock, so tests can move time for both.
public protocol ServiceClock: Sendable {
    func now() -> Date
}

/// The wall clock.
public struct SystemClock: ServiceClock {
    public init() {}
    public func now() -> Date { Date() }
}
