/// 行政层级 — the level of a unit in the tree of places (DOMAIN.md, "Places").
///
/// county/city (市/县/区) → town/street (镇/乡/街道) → village/community (村/社区) →
/// villager group / residential compound (村民小组 / 小区·院落). Chengdu's four platform
/// levels — district, street, community, compound (003) — map onto the same four.
public enum AdministrativeLevel: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// 市县区 — the county, county-level city or district; also a prefecture-level city
    /// when a deployment serves a whole city.
    case countyCity
    /// 镇乡街道 — town, township or street (subdistrict).
    case town
    /// 村社区 — administrative village or urban community.
    case village
    /// 村民小组 / 小区院落 — villager group or residential compound.
    case group

    /// The level a unit of this level hangs under, or `nil` for the top of the tree.
    public var parentLevel: AdministrativeLevel? {
        switch self {
        case .countyCity: nil
        case .town: .countyCity
        case .village: .town
        case .group: .village
        }
    }

    /// Whether a unit of this level may be placed under a unit of `parent`'s level.
    ///
    /// One step down the tree, except that a county/district may sit under a
    /// prefecture-level city, both being 市县区 here: a deployment may serve "a whole
    /// city with hundreds of towns" (DOMAIN.md).
    public func canBeChild(of parent: AdministrativeLevel) -> Bool {
        parent == parentLevel || (self == .countyCity && parent == .countyCity)
    }

    /// 中文名.
    public var nameZH: String {
        switch self {
        case .countyCity: "市县区"
        case .town: "镇乡街道"
        case .village: "村社区"
        case .group: "村民小组/小区院落"
        }
    }

    /// English name.
    public var nameEN: String {
        switch self {
        case .countyCity: "county/city"
        case .town: "town/street"
        case .village: "village/community"
        case .group: "villager group/compound"
        }
    }

    private var depth: Int {
        switch self {
        case .countyCity: 0
        case .town: 1
        case .village: 2
        case .group: 3
        }
    }

    /// Higher in the tree compares smaller: `.countyCity < .town`.
    public static func < (lhs: AdministrativeLevel, rhs: AdministrativeLevel) -> Bool {
        lhs.depth < rhs.depth
    }
}
