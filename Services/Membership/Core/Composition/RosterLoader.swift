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
                topicID: row.topicID.isEmpty ? nil : row.topicID)
        }
        return CouncilComposition(kind: council.kind, members: members, context: try await context(of: council, members: members))
    }

    private func context(of council: CouncilRecord, members: [CouncilMember]) async throws -> UnitContext {
        let villagerGroups = try await tx.query(
            GroupRow.self,
            """
            SELECT \(GroupRow.columns) FROM membership.units
             WHERE unit_path <@ $1::ltree AND level = $2 AND retired_at IS NULL ORDER BY unit_path
            """,
            [.text(council.unitPath), AdministrativeLevel.group.postgresValue]
        ).map(\.group)
        let committee = try await tx.query(
            IDRow.self,
            """
            SELECT id AS id FROM membership.people
             WHERE unit_path <@ $1::ltree AND posts && ARRAY['villagersCommitteeDirector', 'villagersCommitteeMember']
            """,
            [.text(council.unitPath)]
        ).map(\.id.lowercased)
        let people = Array(Set(members.map(\.person.id) + committee))
        var kinship: [KinshipLink] = []
        if !people.isEmpty {
            kinship = try await tx.query(
                KinshipRow.self,
                "SELECT \(KinshipRow.columns) FROM membership.kinships WHERE person_id::text = ANY($1)",
                [.textArray(people)]
            ).map(\.link)
        }
        return UnitContext(villagerGroups: villagerGroups, villagersCommittee: committee, kinship: kinship)
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

    struct IDRow: PostgresRecord {
        var id: UUID
        static let columns = "id"
        init(row: PostgresRow) throws { id = try row["id"].decode(UUID.self) }
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
