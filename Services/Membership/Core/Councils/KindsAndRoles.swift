import TongxinService
import MembershipRules
import TongxinSchemas

/// The wire's council kinds and roles are MembershipRules' `CouncilKind` and `CouncilRole`
/// in declaration order, numbered from 1 (membership.proto keeps them aligned); the
/// database stores the same numbers.
extension CouncilKind {
    init(sqlValue: Int) throws {
        guard (1...Self.allCases.count).contains(sqlValue) else { throw ServiceFailure.internal(reference: "council kind \(sqlValue)") }
        self = Self.allCases[sqlValue - 1]
    }

    var sqlValue: Int { Self.allCases.firstIndex(of: self)! + 1 }

    init(wire: MembershipV1.CouncilKind) throws(MembershipError) {
        let raw = Int(wire.rawValue)
        guard (1...Self.allCases.count).contains(raw) else {
            throw .invalidArgument(field: "kind", zh: "议事会类型无效", en: "unknown council kind")
        }
        self = Self.allCases[raw - 1]
    }

    var wire: MembershipV1.CouncilKind { MembershipV1.CouncilKind(rawValue: Int32(sqlValue)) }
}

extension CouncilRole {
    init(sqlValue: Int) throws {
        guard (1...Self.allCases.count).contains(sqlValue) else { throw ServiceFailure.internal(reference: "council role \(sqlValue)") }
        self = Self.allCases[sqlValue - 1]
    }

    var sqlValue: Int { Self.allCases.firstIndex(of: self)! + 1 }

    init(wire: MembershipV1.CouncilRole) throws(MembershipError) {
        let raw = Int(wire.rawValue)
        guard (1...Self.allCases.count).contains(raw) else {
            throw .invalidArgument(field: "role", zh: "角色无效", en: "unknown council role")
        }
        self = Self.allCases[raw - 1]
    }

    var wire: MembershipV1.CouncilRole { MembershipV1.CouncilRole(rawValue: Int32(sqlValue)) }

    /// Chair, honorary chair, office, supervision group and fixed members are published
    /// for 公示 before they take their seats (004); ad-hoc members and observers join for a
    /// topic or a sitting and take their seat at once.
    var needsNotice: Bool { isStanding }
}

/// `membership.councils.status`.
enum CouncilStatus: Int {
    case forming = 1, inNotice = 2, constituted = 3, dissolved = 4

    var wire: MembershipV1.CouncilStatus { MembershipV1.CouncilStatus(rawValue: Int32(rawValue)) }
}

/// `membership.seats.status`.
enum SeatStatus: Int {
    case nominated = 1, inNotice = 2, seated = 3, ended = 4, withdrawn = 5

    var wire: MembershipV1.SeatStatus { MembershipV1.SeatStatus(rawValue: Int32(rawValue)) }
    static let open = "(1, 2, 3)"
}
