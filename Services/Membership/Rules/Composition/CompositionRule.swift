/// 组成规则 — one rule about who may sit on a council, as data.
///
/// DOMAIN.md §1: "Composition rules differ by kind and are configurable per deployment".
/// So a rule is a value: a kind with its parameters and source, encoded as flat JSON
/// with a `kind` discriminator, for example
/// `{"kind":"share","id":"composition.cadre_share","filter":{"grassrootsCadre":true},
///   "threshold":{"comparison":"atMost","numerator":1,"denominator":3},
///   "base":"fixedMembers","source":"004"}`,
/// so that a deployment or a unit overrides it without code (``CompositionRuleOverride``).
/// The payload types document each kind and its sources.
public enum CompositionRule: Sendable, Hashable {
    case memberCount(MemberCountRule)
    case share(ShareRule)
    case perVillagerGroup(PerGroupRule)
    case roleCount(RoleCountRule)
    case seatHolder(SeatHolderRule)
    case requiredPost(RequiredPostRule)
    case allowedSectors(AllowedSectorsRule)
    case committeeKinExclusion(CommitteeKinExclusionRule)
    case householdsPerRepresentative(HouseholdsPerRepresentativeRule)
    case residence(ResidenceRule)

    /// The stable rule id; violations of this rule carry it, and overrides replace by it.
    public var id: String {
        switch self {
        case .memberCount(let rule): rule.id
        case .share(let rule): rule.id
        case .perVillagerGroup(let rule): rule.id
        case .roleCount(let rule): rule.id
        case .seatHolder(let rule): rule.id
        case .requiredPost(let rule): rule.id
        case .allowedSectors(let rule): rule.id
        case .committeeKinExclusion(let rule): rule.id
        case .householdsPerRepresentative(let rule): rule.id
        case .residence(let rule): rule.id
        }
    }

    /// Where the rule comes from.
    public var source: String {
        switch self {
        case .memberCount(let rule): rule.source
        case .share(let rule): rule.source
        case .perVillagerGroup(let rule): rule.source
        case .roleCount(let rule): rule.source
        case .seatHolder(let rule): rule.source
        case .requiredPost(let rule): rule.source
        case .allowedSectors(let rule): rule.source
        case .committeeKinExclusion(let rule): rule.source
        case .householdsPerRepresentative(let rule): rule.source
        case .residence(let rule): rule.source
        }
    }
}

extension CompositionRule {
    /// 约束力 — binding unless the rule says advisory (``RuleSeverity``).
    public var severity: RuleSeverity {
        let declared: RuleSeverity? = switch self {
        case .memberCount(let rule): rule.severity
        case .share(let rule): rule.severity
        case .perVillagerGroup(let rule): rule.severity
        case .roleCount(let rule): rule.severity
        case .seatHolder(let rule): rule.severity
        case .requiredPost(let rule): rule.severity
        case .allowedSectors(let rule): rule.severity
        case .committeeKinExclusion(let rule): rule.severity
        case .householdsPerRepresentative(let rule): rule.severity
        case .residence(let rule): rule.severity
        }
        return declared ?? .binding
    }
}

extension CompositionRule: Codable {
    /// The JSON discriminator, one per case.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case memberCount, share, perVillagerGroup, roleCount, seatHolder
        case requiredPost, allowedSectors, committeeKinExclusion, householdsPerRepresentative, residence
    }

    private enum CodingKeys: String, CodingKey { case kind }

    public var kind: Kind {
        switch self {
        case .memberCount: .memberCount
        case .share: .share
        case .perVillagerGroup: .perVillagerGroup
        case .roleCount: .roleCount
        case .seatHolder: .seatHolder
        case .requiredPost: .requiredPost
        case .allowedSectors: .allowedSectors
        case .committeeKinExclusion: .committeeKinExclusion
        case .householdsPerRepresentative: .householdsPerRepresentative
        case .residence: .residence
        }
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(Kind.self, forKey: .kind) {
        case .memberCount: self = try .memberCount(MemberCountRule(from: decoder))
        case .share: self = try .share(ShareRule(from: decoder))
        case .perVillagerGroup: self = try .perVillagerGroup(PerGroupRule(from: decoder))
        case .roleCount: self = try .roleCount(RoleCountRule(from: decoder))
        case .seatHolder: self = try .seatHolder(SeatHolderRule(from: decoder))
        case .requiredPost: self = try .requiredPost(RequiredPostRule(from: decoder))
        case .allowedSectors: self = try .allowedSectors(AllowedSectorsRule(from: decoder))
        case .committeeKinExclusion: self = try .committeeKinExclusion(CommitteeKinExclusionRule(from: decoder))
        case .householdsPerRepresentative:
            self = try .householdsPerRepresentative(HouseholdsPerRepresentativeRule(from: decoder))
        case .residence: self = try .residence(ResidenceRule(from: decoder))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(kind, forKey: .kind)
        switch self {
        case .memberCount(let rule): try rule.encode(to: encoder)
        case .share(let rule): try rule.encode(to: encoder)
        case .perVillagerGroup(let rule): try rule.encode(to: encoder)
        case .roleCount(let rule): try rule.encode(to: encoder)
        case .seatHolder(let rule): try rule.encode(to: encoder)
        case .requiredPost(let rule): try rule.encode(to: encoder)
        case .allowedSectors(let rule): try rule.encode(to: encoder)
        case .committeeKinExclusion(let rule): try rule.encode(to: encoder)
        case .householdsPerRepresentative(let rule): try rule.encode(to: encoder)
        case .residence(let rule): try rule.encode(to: encoder)
        }
    }
}
