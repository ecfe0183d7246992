/// What "three zeros" (三零, seed 002) reads of one case.
public struct ZeroFacts: Sendable, Hashable {
    public var caseID: String
    public var state: CaseState
    /// Residents invited to rate the case, and how many of them did.
    public var recipients: Int
    public var answered: Int
    /// Supervision checks recorded.
    public var checks: Int
    /// Set when closed.
    public var application: Application?
    /// Unfinished and past its deadline.
    public var overdue: Bool

    public init(caseID: String, state: CaseState, recipients: Int = 0, answered: Int = 0, checks: Int = 0,
                application: Application? = nil, overdue: Bool = false) {
        self.caseID = caseID
        self.state = state
        self.recipients = recipients
        self.answered = answered
        self.checks = checks
        self.application = application
        self.overdue = overdue
    }
}

/// One of the three zeros: how many cases it counts, which of them break it.
public struct ZeroMeasure: Sendable, Hashable {
    public let name: String
    public let zh: String
    public let en: String
    public let counted: Int
    public let breaking: [String]
    public var met: Bool { breaking.isEmpty }
}

/// 三零 — "反馈对象零遗漏、监督范围零死角、转化利用零克扣" (seed 002), measured per unit as
/// counts of cases with the cases that break each:
///
/// - **feedback_recipients** (反馈对象零遗漏): every finished case (completed or closed) invited
///   residents to rate it and every one of them answered; a finished case that invited nobody
///   breaks it too.
/// - **supervision** (监督范围零死角): every assigned case (in progress, completed, closed) had
///   at least one supervision check.
/// - **application** (转化利用零克扣): every filed result is applied in full — a case closed
///   with partial or no application, or unfinished past its deadline, breaks it.
public enum ThreeZeroRules {
    public static func measure(_ cases: [ZeroFacts]) -> [ZeroMeasure] {
        let finished = cases.filter { $0.state == .completed || $0.state == .closed }
        let assigned = cases.filter { $0.state != .open }
        return [
            ZeroMeasure(
                name: "feedback_recipients", zh: "反馈对象零遗漏", en: "zero omission of feedback recipients",
                counted: finished.count,
                breaking: finished.filter { $0.recipients == 0 || $0.answered < $0.recipients }.map(\.caseID)),
            ZeroMeasure(
                name: "supervision", zh: "监督范围零死角", en: "zero blind spots in supervision",
                counted: assigned.count, breaking: assigned.filter { $0.checks == 0 }.map(\.caseID)),
            ZeroMeasure(
                name: "application", zh: "转化利用零克扣", en: "zero discount in applying results",
                counted: cases.count,
                breaking: cases.filter { $0.overdue || ($0.application != nil && $0.application != .full) }.map(\.caseID)),
        ]
    }
}
