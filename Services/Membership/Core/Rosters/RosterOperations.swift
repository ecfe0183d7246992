import TongxinService
import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// 名册 — who sat on a council when (issue 3 §6) and the roster other services count
/// quorums and votes against (§7): fixed seats plus the topic's ad-hoc members, at an
/// instant. Attributes are the people's current ones.
struct RosterOperations {
    let scope: CallScope
    let timeZone: TimeZone

    /// Every seat a council has had (or one person's seats on it), keyset-paged by
    /// `(term_number, nominated_at, id)`. `total_count` is computed on the first page only
    /// (no page token) and 0 on later pages.
    func history(_ request: MembershipV1.GetMembershipHistoryRequest) async throws -> MembershipV1.GetMembershipHistoryResponse {
        let council = try await CouncilStore(tx: scope.tx).find(request.councilId)
        var binds: [PostgresValue] = [.uuid(council.id), .text(council.countyCode)]
        var conditions = ["s.council_id = $1", "s.county_code = $2"]
        if !request.personId.isEmpty {
            binds.append(.uuid(try Validate.id(request.personId, field: "person_id")))
            conditions.append("s.person_id = $\(binds.count)")
        }
        let page = try KeysetPage(request.page, keyParts: 3)
        if let key = try page.binds([.int, .timestamp, .uuid]) {
            binds += key
            let n = binds.count
            conditions.append("(s.term_number, s.nominated_at, s.id) > ($\(n - 2)::integer, $\(n - 1)::timestamptz, $\(n)::uuid)")
        }
        let listing = try await scope.tx.listing(
            SeatRecord.self, page: page, key: { [String($0.termNumber), KeysetPage.key($0.nominatedAt), $0.id.lowercased] },
            { columns in
                """
                SELECT \(columns) FROM \(SeatRecord.from)
                 WHERE \(conditions.joined(separator: " AND "))
                 ORDER BY s.term_number, s.nominated_at, s.id LIMIT \(page.fetchLimit)
                """
            }, binds)
        return MembershipV1.GetMembershipHistoryResponse(seats: listing.rows.map(\.wire), page: listing.info)
    }

    func roster(_ request: MembershipV1.GetRosterRequest) async throws -> MembershipV1.GetRosterResponse {
        let council = try await CouncilStore(tx: scope.tx).find(request.councilId)
        var instant = request.at?.date ?? scope.now
        if let day = try request.on?.localDate(field: "on") {
            // "Members on 2024-05-01": those seated at the end of that day, local time.
            instant = day.adding(days: 1).startInstant(in: timeZone).addingTimeInterval(-0.000_001)
        }
        let topic = try Validate.text(request.topicId, field: "topic_id", limit: 100)
        let rows = try await scope.tx.query(
            RosterRow.self,
            """
            SELECT \(RosterRow.columns)
              FROM membership.seats AS s JOIN membership.people AS p ON p.county_code = s.county_code AND p.id = s.person_id
             WHERE s.council_id = $1 AND s.county_code = $5 AND s.seated_at IS NOT NULL AND s.seated_at <= $2
               AND (s.ended_at IS NULL OR s.ended_at > $2)
               AND (s.role <> $3 OR s.topic_id = $4)
             ORDER BY s.role, p.name, s.id
            """,
            [.uuid(council.id), .timestamp(instant), CouncilRole.adHocMember.postgresValue, .text(topic.isEmpty ? "\u{1}" : topic),
             .text(council.countyCode)])
        var term = council.termNumber
        var entries: [MembershipV1.RosterEntry] = []
        for row in rows {
            let person = row.person
            term = row.termNumber
            entries.append(MembershipV1.RosterEntry(
                seatId: row.seatID.lowercased, personId: person.id.lowercased, name: person.name,
                role: row.role.wire, topicId: row.topicID,
                gender: person.gender.wire, partyMember: person.partyMember,
                grassrootsCadre: person.rulesPerson(groupID: nil).countsAsGrassrootsCadre, sector: person.sector.rawValue, posts: person.posts.map(\.rawValue),
                voting: row.role != .observer))
        }
        // The status today (EXPIRED past the term's last day), so agenda and session see an
        // expired council as such (issue 8 §7).
        let today = LocalDate(containing: scope.now, in: timeZone)
        return MembershipV1.GetRosterResponse(
            councilId: council.id.lowercased, at: CommonV1.Timestamp(instant), termNumber: Int32(term), entries: entries,
            councilStatus: council.status.wire(termLastDay: council.termEndsOn, on: today),
            termEndsOn: council.termEndsOn.map(CommonV1.Date.init))
    }
}

extension RosterOperations {
    /// A seat on the roster: the person, the seat id, role, topic and term.
    struct RosterRow: PostgresRecord {
        var person: PersonRecord
        var seatID: UUID
        var role: CouncilRole
        var topicID: String
        var termNumber: Int

        static let columns = "\(PersonRecord.columns), s.id AS seat_id, s.role, s.topic_id, s.term_number"

        init(row: PostgresRow) throws {
            person = try PersonRecord(row: row)
            seatID = try row["seat_id"].decode(UUID.self)
            role = try row["role"].decode(CouncilRole.self)
            topicID = try row["topic_id"].decode(String.self)
            termNumber = try row["term_number"].decode(Int.self)
        }
    }
}
