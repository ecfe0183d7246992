/// 约束力 — whether breaking a composition rule blocks confirmation or is only reported.
///
/// The seeds say how strongly they mean a number. 004 writes 固定成员总数**原则上**为20—30人
/// ("in principle") and 基层干部**一般**不超过1/3 ("generally"): a town office may depart from
/// them for a reason it records. Statutes (Organic Law arts. 25, 32) and the seeds' 不得/应当/
/// unqualified numbers bind. So:
/// - `binding` (the default when a rule says nothing): a violation refuses ConfirmNotice and
///   any change to a constituted council that would introduce it;
/// - `advisory`: a violation is reported with its figures, and a confirmation that goes
///   ahead records it with who accepted it and why; it blocks nothing.
public enum RuleSeverity: String, Sendable, Hashable, Codable, CaseIterable {
    case binding
    case advisory

    /// The stable code on the wire (`RuleSeverity` of membership.proto): 1 binding, 2 advisory.
    public var code: Int {
        switch self {
        case .binding: 1
        case .advisory: 2
        }
    }

    public init?(code: Int) {
        guard let severity = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = severity
    }

    public var nameZH: String { self == .binding ? "约束性" : "指导性" }
    public var nameEN: String { self == .binding ? "binding" : "advisory" }
}
