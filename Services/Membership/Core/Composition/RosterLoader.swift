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
        let statuses = includeNominees ? "(1, 2, 3)" : "(3)"
        let rows = try await tx.query(
            """
            SELECT \(PersonRecord.columns), s.role, s.topic_id, u.level AS unit_level
              FROM membership.seats AS s
              JOIN membership.people AS p ON p.id = s.person_id
              JOIN membership.units AS u ON u.id = p.unit_id
             WHERE s.council_id = $1 AND s.status IN \(statuses)
             ORDER BY s.nominated_at, s.id
            """,
            [.uuid(council.id)])
        var members: [CouncilMember] = []
        for row in rows {
            let person = try PersonRecord(row: row)
            let isGroup = try row["unit_level"].decode(Int.self) == AdministrativeLevel.group.sqlValue
            let topic = try row["topic_id"].decode(String.self)
            members.append(CouncilMember(
                person: person.rulesPerson(groupID: isGroup ? person.unitID.lowercased : nil),
                role: try CouncilRole(sqlValue: try row["role"].decode(Int.self)),
                topicID: topic.isEmpty ? nil : topic))
        }
        return CouncilComposition(kind: council.kind, members: members, context: try await context(of: council, members: members))
    }

    private func context(of council: CouncilRecord, members: [CouncilMember]) async throws -> UnitContext {
        let groups = try await tx.query(
            """
            SELECT id, household_count FROM membership.units
             WHERE unit_path <@ $1::ltree AND level = $2 AND retired_at IS NULL ORDER BY unit_path
            """,
            [.text(council.unitPath), .int(Int64(AdministrativeLevel.group.sqlValue))])
        let villagerGroups = try groups.map {
            VillagerGroup(id: try $0["id"].decode(UUID.self).lowercased, households: try $0["household_count"].decode(Int.self))
        }
        let committeeRows = try await tx.query(
            """
            SELECT id FROM membership.people
             WHERE unit_path <@ $1::ltree AND posts && ARRAY['villagersCommitteeDirector', 'villagersCommitteeMember']
            """,
            [.text(council.unitPath)])
        let committee = try committeeRows.map { try $0["id"].decode(UUID.self).lowercased }
        let people = Array(Set(members.map(\.person.id) + committee))
        var kinship: [KinshipLink] = []
        if !people.isEmpty {
            let links = try await tx.query(
                "SELECT person_id, relative_id, relation FROM membership.kinships WHERE person_id::text = ANY($1)",
                [.textArray(people)])
            for link in links {
                guard let relation = KinshipRelation(rawValue: try link["relation"].decode(String.self)) else { continue }
                kinship.append(KinshipLink(
                    person: try link["person_id"].decode(UUID.self).lowercased,
                    relative: try link["relative_id"].decode(UUID.self).lowercased,
                    relation: relation))
            }
        }
        return UnitContext(villagerGroups: villagerGroups, villagersCommittee: committee, kinship: kinship)
    }
}
