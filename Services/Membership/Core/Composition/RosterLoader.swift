import Foundation
import MembershipRules
import TongxinPostgres

/// Builds the input of ``CompositionChecker`` for a council from the database: its members
/// with the attributes rules count, and the unit facts some rules need (villager groups
/// with households, the villagers' committee, recorded close-relative links).
struct RosterLoader {
    let tx: PostgresTransaction

    /// The seats counted: seated ones, plus nominated and in-notice ones with `includeNominees`.
    func composition(of council: CouncilRecord, includeNominees: Bool) async throws -> CouncilComposition {
        let counted: [MembershipState] = includeNominees ? MembershipState.allCases.filter(\.isOpen) : [.seated]
        let rows = try await tx.query(
            MemberRow.self,
            """
            SELECT \(MemberRow.columns)
              FROM membership.seats AS s
              JOIN membership.people AS p ON p.county_code = s.county_code AND p.id = s.person_id
              JOIN membership.units AS u ON u.county_code = p.county_code AND u.id = p.unit_id
             WHERE s.council_id = $1 AND s.status IN \(MembershipState.sqlList(counted))
             ORDER BY s.nominated_at, s.id
            """,
            [.uuid(council.id)])
        let members = rows.map { row in
            CouncilMember(
                person: row.person.rulesPerson(groupID: row.unitLevel == .group ? row.person.unitID.lowercased : nil),
                role: row.role,
                topicID: row.topicID.isEmpty ? nil : row.topicID,
                fromOutsideUnit: !UnitOperations.isUnitPath(row.person.unitPath, under: council.unitPath))
        }
        let memberHouseholds = rows.compactMap { row in
            row.person.household.isEmpty
                ? nil : HouseholdRecord(unitID: row.person.unitID.lowercased, unitPath: row.person.unitPath, household: row.person.household)
        }
        return try await composition(of: council, members: members, memberHouseholds: memberHouseholds)
    }

    private func composition(
        of council: CouncilRecord, members: [CouncilMember], memberHouseholds: [HouseholdRecord]
    ) async throws -> CouncilComposition {
        let (context, committeeHouseholds) = try await context(of: council, members: members)
        // One household recorded at nested units (the village and one of its groups) is one
        // household: both sides are keyed by the outermost unit it is recorded at.
        let canonical = Self.canonicalHouseholds(memberHouseholds + committeeHouseholds)
        var merged = context
        merged.households = context.households.mapValues { canonical[$0] ?? $0 }
        let rekeyed = members.map { member in
            var member = member
            if let household = member.person.householdID { member.person.householdID = canonical[household] ?? household }
            return member
        }
        return CouncilComposition(kind: council.kind, members: rekeyed, context: merged)
    }

    /// A household as recorded: the registering unit and the identifier inside it.
    struct HouseholdRecord: Hashable {
        var unitID: String
        var unitPath: String
        var household: String
        /// As ``PersonRecord/rulesPerson(groupID:)`` spells it: `<unit id>/<household>`.
        var key: HouseholdID { "\(unitID)/\(household)" }
    }

    /// 同户 across nested units (issue 8 §2): a household identifier is "inside the unit" it is
    /// recorded at, and a villager group's units lie inside its village, so the same
    /// identifier recorded at the village and at one of its groups names one household — a
    /// director registered at the village and a relative registered at the group with the
    /// same household number are one household for art. 32. Each key is mapped to the key
    /// at the outermost unit, among those recorded, that contains its own unit with the same
    /// identifier; two sibling groups' identical numbers stay apart (each group numbers its
    /// own households) unless the village records that household too.
    static func canonicalHouseholds(_ records: [HouseholdRecord]) -> [HouseholdID: HouseholdID] {
        var mapping: [HouseholdID: HouseholdID] = [:]
        for (_, same) in Dictionary(grouping: Set(records), by: \.household) where same.count > 1 {
            for record in same {
                let outermost = same
                    .filter { UnitOperations.isUnitPath(record.unitPath, under: $0.unitPath) }
                    .min { ($0.unitPath.count, $0.unitPath) < ($1.unitPath.count, $1.unitPath) }
                if let outermost, outermost.unitID != record.unitID { mapping[record.key] = outermost.key }
            }
        }
        return mapping
    }

    private func context(of council: CouncilRecord, members: [CouncilMember]) async throws -> (UnitContext, [HouseholdRecord]) {
        let villagerGroups = try await tx.query(
            GroupRow.self,
            """
            SELECT \(GroupRow.columns) FROM membership.units
             WHERE unit_path <@ $1::ltree AND level = $2 AND retired_at IS NULL ORDER BY unit_path
            """,
            [.text(council.unitPath), AdministrativeLevel.group.postgresValue]
        ).map(\.group)
        // The two committees' members living in the unit, with their households (issue 8
        // §2, §3): people of one household are close relatives.
        let committeeRows = try await tx.query(
            CommitteeRow.self,
            """
            SELECT \(CommitteeRow.columns) FROM membership.people
             WHERE unit_path <@ $1::ltree AND posts && $2::text[]
            """,
            [.text(council.unitPath), .textArray(Post.allCases.filter { $0.isVillagersCommitteeMembership || $0.isPartyBranchCommitteeMembership }.map(\.rawValue))])
        let committee = committeeRows.filter { $0.posts.contains(where: \.isVillagersCommitteeMembership) }.map(\.id)
        let partyBranch = committeeRows.filter { $0.posts.contains(where: \.isPartyBranchCommitteeMembership) }.map(\.id)
        var households: [PersonID: HouseholdID] = [:]
        for row in committeeRows { if let household = row.household { households[row.id] = household } }
        let committeeHouseholds = committeeRows.compactMap { row in
            row.rawHousehold.isEmpty ? nil : HouseholdRecord(unitID: row.unitID, unitPath: row.unitPath, household: row.rawHousehold)
        }
        let people = Array(Set(members.map(\.person.id) + committee + partyBranch))
        var kinship: [KinshipLink] = []
        if !people.isEmpty {
            kinship = try await tx.query(
                KinshipRow.self,
                "SELECT \(KinshipRow.columns) FROM membership.kinships WHERE person_id::text = ANY($1)",
                [.textArray(people)]
            ).map(\.link)
        }
        let context = UnitContext(
            villagerGroups: villagerGroups, villagersCommittee: committee, kinship: kinship,
            partyBranchCommittee: partyBranch, households: households,
            unitCode: String(council.unitPath.split(separator: ".").last?.dropFirst() ?? ""))
        return (context, committeeHouseholds)
    }
}

/// `membership.kinships.relation` holds MembershipRules' ``KinshipRelation`` raw values; an
/// unknown one is a decoding error, not a link silently dropped from the rules' view.
extension KinshipRelation: PostgresDecodable, PostgresArrayElement, PostgresEnum {}

extension RosterLoader {
    /// A seat's person with the role, topic and the level of the person's unit.
    struct MemberRow: PostgresRecord {
        var person: PersonRecord
        var role: CouncilRole
        var topicID: String
        var unitLevel: AdministrativeLevel

        static let columns = "\(PersonRecord.columns), s.role, s.topic_id, u.level AS unit_level"

        init(row: PostgresRow) throws {
            person = try PersonRecord(row: row)
            role = try row["role"].decode(CouncilRole.self)
            topicID = try row["topic_id"].decode(String.self)
            unitLevel = try row["unit_level"].decode(AdministrativeLevel.self)
        }
    }

    struct GroupRow: PostgresRecord {
        var group: VillagerGroup
        static let columns = "id, household_count"
        init(row: PostgresRow) throws {
            group = VillagerGroup(id: try row["id"].decode(UUID.self).lowercased, households: try row["household_count"].decode(Int.self))
        }
    }

    /// A member of one of the two village committees, by posts, with their household as
    /// ``PersonRecord/rulesPerson(groupID:)`` spells it (`<unit id>/<household>`).
    struct CommitteeRow: PostgresRecord {
        var id: PersonID
        var posts: [Post]
        var household: HouseholdID?
        var unitID: String
        var unitPath: String
        var rawHousehold: String
        static let columns = "id, posts, unit_id, unit_path::text AS unit_path, household"
        init(row: PostgresRow) throws {
            id = try row["id"].decode(UUID.self).lowercased
            posts = try row["posts"].decode([Post].self)
            unitID = try row["unit_id"].decode(UUID.self).lowercased
            unitPath = try row["unit_path"].decode(String.self)
            rawHousehold = try row["household"].decode(String.self)
            self.household = rawHousehold.isEmpty ? nil : "\(unitID)/\(rawHousehold)"
        }
    }

    struct KinshipRow: PostgresRecord {
        var link: KinshipLink
        static let columns = "person_id, relative_id, relation"
        init(row: PostgresRow) throws {
            link = KinshipLink(
                person: try row["person_id"].decode(UUID.self).lowercased,
                relative: try row["relative_id"].decode(UUID.self).lowercased,
                relation: try row["relation"].decode(KinshipRelation.self))
        }
    }
}
