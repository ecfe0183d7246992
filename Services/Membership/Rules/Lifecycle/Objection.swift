import Foundation

/// 异议 — a resident's objection raised during a notice period (公示).
///
/// 004: members are confirmed only after the 5-day notice; DOMAIN.md §1: "residents may
/// object". An objection is against one nominee, or against the whole list when
/// `nomineeID` is `nil`. It is open until the party organisation resolves it: upheld
/// (the nominee is not confirmed) or dismissed.
public struct Objection: Sendable, Hashable, Codable, Identifiable {
    /// 处理状态 — stored as these codes (`membership.objections.outcome`), the wire's
    /// `ObjectionOutcome` numbers.
    public enum Status: Int, Sendable, Hashable, Codable, CaseIterable {
        /// 待处理.
        case open = 0
        /// 异议成立.
        case upheld = 1
        /// 异议不成立.
        case dismissed = 2
    }

    public var id: String
    /// The nominee objected to; `nil` objects to the whole list.
    public var nomineeID: PersonID?
    public var raisedAt: Date
    public var status: Status

    public init(id: String, nomineeID: PersonID?, raisedAt: Date, status: Status = .open) {
        self.id = id
        self.nomineeID = nomineeID
        self.raisedAt = raisedAt
        self.status = status
    }

    /// Whether this objection bears on `nominee` (it names them or the whole list).
    public func concerns(_ nominee: PersonID) -> Bool { nomineeID == nil || nomineeID == nominee }

    /// The objection resolved: upheld or dismissed. Only an open objection can be resolved.
    public func resolved(upheld: Bool) throws(DomainViolation) -> Objection {
        guard status == .open else {
            throw DomainViolation(
                rule: "objection.already_resolved", field: "status",
                zh: "异议已处理，不能再次处理", en: "the objection has already been resolved"
            )
        }
        var copy = self
        copy.status = upheld ? .upheld : .dismissed
        return copy
    }

    /// Whether an objection raised at `instant` is accepted: only while the notice is open.
    public static func canBeRaised(at instant: Date, during notice: NoticePeriod) -> Bool {
        notice.isOpen(at: instant)
    }
}
