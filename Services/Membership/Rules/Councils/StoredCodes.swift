/// The stable numbers kinds, roles and levels are stored and sent as.
///
/// These enums are named by strings in JSON (configuration, rule overrides), but the
/// database (`smallint` columns with CHECK ranges) and membership.proto number them. The
/// numbers are spelled out case by case so that inserting a case can never renumber the
/// stored rows — never derived from the position in `allCases`.
extension CouncilKind {
    /// `membership.councils.kind`, `rule_overrides.kind`; `CouncilKind` of membership.proto.
    public var code: Int {
        switch self {
        case .townCouncil: 1
        case .villageCouncil: 2
        case .villageAffairsCouncil: 3
        case .residentsCouncil: 4
        case .compoundCouncil: 5
        case .cppccLiaisonGroup: 6
        case .villagersCouncil: 7
        case .supervisionCommittee: 8
        case .villagersRepresentativesMeeting: 9
        }
    }

    /// The kind stored as `code`, nil for a code no kind has.
    public init?(code: Int) {
        guard let kind = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = kind
    }
}

extension CouncilRole {
    /// `membership.seats.role`; `CouncilRole` of membership.proto.
    public var code: Int {
        switch self {
        case .chair: 1
        case .honoraryChair: 2
        case .office: 3
        case .supervisionGroup: 4
        case .fixedMember: 5
        case .adHocMember: 6
        case .observer: 7
        }
    }

    /// The role stored as `code`, nil for a code no role has.
    public init?(code: Int) {
        guard let role = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = role
    }
}

extension AdministrativeLevel {
    /// `membership.units.level`: 1 county/city, 2 town/street, 3 village/community,
    /// 4 villager group/compound.
    public var code: Int {
        switch self {
        case .countyCity: 1
        case .town: 2
        case .village: 3
        case .group: 4
        }
    }

    /// The level stored as `code`, nil for a code no level has.
    public init?(code: Int) {
        guard let level = Self.allCases.first(where: { $0.code == code }) else { return nil }
        self = level
    }
}
