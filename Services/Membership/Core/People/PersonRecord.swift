import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 人员 — one row of `membership.people` (issue 3 §2). Phone and ID number stay sealed
/// unless the caller may read personal data.
struct PersonRecord: PostgresRecord {
    var id: UUID
    var unitID: UUID
    var unitPath: String
    /// The county of the person's unit (the distribution key).
    var countyCode: String
    var name: String
    var gender: Gender
    var birthYear: Int?
    var phoneCipher: [UInt8]?
    var phoneMasked: String
    var idCipher: [UInt8]?
    var idMasked: String
    var household: String
    var partyMember: Bool
    var grassrootsCadre: Bool
    var sector: Sector
    var posts: [Post]
    var createdAt: Date
    var updatedAt: Date

    static let columns = """
        p.id, p.unit_id, p.unit_path::text AS unit_path, p.county_code, p.name, p.gender, p.birth_year, p.phone_cipher, \
        p.phone_masked, p.id_cipher, p.id_masked, p.household, p.party_member, p.grassroots_cadre, p.sector, \
        p.posts, p.created_at, p.updated_at
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        unitID = try row["unit_id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        countyCode = try row["county_code"].decode(String.self)
        name = try row["name"].decode(String.self)
        gender = try row["gender"].decode(Gender.self)
        birthYear = try row["birth_year"].decode(Int?.self)
        phoneCipher = try row["phone_cipher"].decode([UInt8]?.self)
        phoneMasked = try row["phone_masked"].decode(String.self)
        idCipher = try row["id_cipher"].decode([UInt8]?.self)
        idMasked = try row["id_masked"].decode(String.self)
        household = try row["household"].decode(String.self)
        partyMember = try row["party_member"].decode(Bool.self)
        grassrootsCadre = try row["grassroots_cadre"].decode(Bool.self)
        sector = try row["sector"].decode(Sector.self)
        posts = try row["posts"].decode([Post].self)
        createdAt = try row["created_at"].decode(Date.self)
        updatedAt = try row["updated_at"].decode(Date.self)
    }

    /// Where a sealed value of this person lives: the ciphertext is bound to the row and
    /// the column, so it cannot be moved to another person or field.
    static func binding(_ id: UUID, _ column: String) -> PIIVault.Binding {
        PIIVault.Binding(table: "membership.people", column: column, row: id.lowercased)
    }

    /// Whether the row holds personal data a reveal would show.
    var hasPII: Bool { phoneCipher != nil || idCipher != nil }

    /// The wire form: masked to the last four characters (`*******5678`,
    /// `**************123X`) unless `vault` is given, i.e. unless the caller holds
    /// `pii.read` (and the reveal is audited by the caller of this). Rows stored with the
    /// older, longer masks (`138****5678`) are re-masked here, so no caller without
    /// `pii.read` sees more than four characters.
    func wire(revealingWith vault: PIIVault?) throws -> MembershipV1.Person {
        var phone = PIIMask.lastFour(phoneMasked)
        var idNumber = PIIMask.lastFour(idMasked)
        if let vault {
            if let phoneCipher { phone = try vault.open(phoneCipher, for: Self.binding(id, "phone")) }
            if let idCipher { idNumber = try vault.open(idCipher, for: Self.binding(id, "id_number")) }
        }
        return MembershipV1.Person(
            id: id.lowercased, unitId: unitID.lowercased, name: name, gender: gender.wire,
            birthYear: Int32(birthYear ?? 0), phone: phone, idNumber: idNumber, household: household,
            partyMember: partyMember, grassrootsCadre: grassrootsCadre, sector: sector.rawValue, posts: posts.map(\.rawValue),
            piiVisible: vault != nil, createdAt: CommonV1.Timestamp(createdAt), updatedAt: CommonV1.Timestamp(updatedAt))
    }

    /// The attributes composition rules count (MembershipRules' `Person`), with the villager
    /// group (the person's unit when it is a group) and the household (scoped to the unit).
    func rulesPerson(groupID: String?) -> MembershipRules.Person {
        MembershipRules.Person(
            id: id.lowercased,
            isPartyMember: partyMember,
            isGrassrootsCadre: grassrootsCadre,
            gender: gender,
            sector: sector,
            posts: Set(posts),
            villagerGroupID: groupID,
            householdID: household.isEmpty ? nil : "\(unitID.lowercased)/\(household)"
        )
    }
}
