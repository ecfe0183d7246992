import Foundation
import Synchronization

/// 时钟 — where the service reads "now".
///
/// Notice windows, terms and seat spans depend on time (ARCHITECTURE.md, "Rules that
/// depend on time … read an injected clock"), so handlers never call `Date()` themselves:
/// tests move a ``ManualClock`` across a notice window or a term change.
public protocol MembershipClock: Sendable {
    func now() -> Date
}

/// The wall clock.
public struct SystemClock: MembershipClock {
    public init() {}
    public func now() -> Date { Date() }
}

/// A clock that only moves when told to, for tests and the bench.
public final class ManualClock: MembershipClock {
    private let current: Mutex<Date>

    public init(_ start: Date) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    public func set(_ date: Date) { current.withLock { $0 = date } }

    public func advance(by seconds: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(seconds) }
    }
}
