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
        let people = Array(Set(members.map(\.person.id) + committee + partyBranch))
        var kinship: [KinshipLink] = []
        if !people.isEmpty {
            kinship = try await tx.query(
                KinshipRow.self,
                "SELECT \(KinshipRow.columns) FROM membership.kinships WHERE person_id::text = ANY($1)",
                [.textArray(people)]
            ).map(\.link)
        }
        return UnitContext(
            villagerGroups: villagerGroups, villagersCommittee: committee, kinship: kinship,
            partyBranchCommittee: partyBranch, households: households,
            unitCode: String(council.unitPath.split(separator: ".").last?.dropFirst() ?? ""))
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
        static let columns = "id, posts, unit_id, household"
        init(row: PostgresRow) throws {
            id = try row["id"].decode(UUID.self).lowercased
            posts = try row["posts"].decode([Post].self)
            let unit = try row["unit_id"].decode(UUID.self).lowercased
            let household = try row["household"].decode(String.self)
            self.household = household.isEmpty ? nil : "\(unit)/\(household)"
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
