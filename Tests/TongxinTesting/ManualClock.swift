import Foundation
import Synchronization
import TongxinService

/// A clock that only moves when told to: tests move it across notice windows, terms and
/// token lifetimes (the kit reads it for both).
public final class ManualClock: ServiceClock {
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
