import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// 行政单元 — one row of `membership.units` (DOMAIN.md §"Places").
struct UnitRecord: PostgresRecord {
    var id: UUID
    var code: String
    var name: String
    var level: AdministrativeLevel
    var parentID: UUID?
    var path: String
    var tenantPath: String
    /// The division code of the root of this unit's tree (its county or city): the
    /// distribution key every row belonging to the unit carries (0006_county_distribution.sql).
    var countyCode: String
    var households: Int
    var retiredAt: Date?
    var createdAt: Date
    var updatedAt: Date

    static let columns = """
        id, division_code, name, level, parent_id, unit_path::text AS unit_path, \
        tenant_path::text AS tenant_path, county_code, household_count, retired_at, created_at, updated_at
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        code = try row["division_code"].decode(String.self)
        name = try row["name"].decode(String.self)
        level = try row["level"].decode(AdministrativeLevel.self)
        parentID = try row["parent_id"].decode(UUID?.self)
        path = try row["unit_path"].decode(String.self)
        tenantPath = try row["tenant_path"].decode(String.self)
        countyCode = try row["county_code"].decode(String.self)
        households = try row["household_count"].decode(Int.self)
        retiredAt = try row["retired_at"].decode(Date?.self)
        createdAt = try row["created_at"].decode(Date.self)
        updatedAt = try row["updated_at"].decode(Date.self)
    }

    var isRetired: Bool { retiredAt != nil }

    var wire: MembershipV1.Unit {
        MembershipV1.Unit(
            id: id.lowercased, divisionCode: code, name: name, level: level.wire,
            parentId: parentID?.lowercased ?? "", path: path, householdCount: Int64(households),
            retired: isRetired, retiredAt: retiredAt.map(CommonV1.Timestamp.init),
            createdAt: CommonV1.Timestamp(createdAt), updatedAt: CommonV1.Timestamp(updatedAt)
        )
    }

    /// The ltree label of a unit: `u` and its division code (labels must start with a letter
    /// to read well; the code alone keeps them unique).
    static func label(code: String) -> String { "u" + code }

    /// The tenant of person uniqueness for a unit at `level` under `parent`: the town, or the
    /// unit itself at town level and above.
    static func tenantPath(level: AdministrativeLevel, path: String, parent: UnitRecord?) -> String {
        if level <= .town { return path }
        return parent?.tenantPath ?? path
    }
}

extension UUID {
    var lowercased: String { canonicalText }
}

/// `membership.units.level` holds MembershipRules' explicit codes (1 county/city … 4 group);
/// any other stored value is a decoding error, never a group.
extension AdministrativeLevel: PostgresDecodable, PostgresArrayElement, PostgresEnum {
    public var storedValue: Int { code }
    public init?(storedValue: Int) { self.init(code: storedValue) }

    var wire: MembershipV1.UnitLevel {
        switch self {
        case .countyCity: .county
        case .town: .town
        case .village: .village
        case .group: .group
        }
    }

    /// The level a request names, `nil` when unspecified.
    init?(wire: MembershipV1.UnitLevel) throws(MembershipError) {
        switch wire {
        case .unspecified: return nil
        case .county: self = .countyCity
        case .town: self = .town
        case .village: self = .village
        case .group: self = .group
        case .unrecognized: throw .invalidArgument(field: "level", zh: "层级无效", en: "unknown unit level")
        }
    }
}
