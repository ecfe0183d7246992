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

    func history(_ request: MembershipV1.GetMembershipHistoryRequest) async throws -> MembershipV1.GetMembershipHistoryResponse {
        let council = try await CouncilStore(tx: scope.tx).find(request.councilId)
        var binds: [PostgresValue] = [.uuid(council.id)]
        var condition = "s.council_id = $1"
        if !request.personId.isEmpty {
            binds.append(.uuid(try Validate.id(request.personId, field: "person_id")))
            condition += " AND s.person_id = $2"
        }
        let page = try Paging(request.page)
        let offset = try page.offset()
        let rows = try await scope.tx.query(
            Counted<SeatRecord>.self,
            """
            SELECT \(Counted<SeatRecord>.columns) FROM \(SeatRecord.from)
             WHERE \(condition) ORDER BY s.term_number, s.nominated_at, s.id LIMIT \(page.size + 1) OFFSET \(offset)
            """, binds)
        return MembershipV1.GetMembershipHistoryResponse(
            seats: rows.prefix(page.size).map(\.record.wire),
            page: CommonV1.PageInfo(
                nextPageToken: rows.count > page.size ? String(offset + page.size) : "",
                totalCount: Int64(rows.first?.total ?? 0)))
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
              FROM membership.seats AS s JOIN membership.people AS p ON p.id = s.person_id
             WHERE s.council_id = $1 AND s.seated_at IS NOT NULL AND s.seated_at <= $2
               AND (s.ended_at IS NULL OR s.ended_at > $2)
               AND (s.role <> $3 OR s.topic_id = $4)
             ORDER BY s.role, p.name, s.id
            """,
            [.uuid(council.id), .timestamp(instant), CouncilRole.adHocMember.postgresValue, .text(topic.isEmpty ? "\u{1}" : topic)])
        var term = council.termNumber
        var entries: [MembershipV1.RosterEntry] = []
        for row in rows {
            let person = row.person
            term = row.termNumber
            entries.append(MembershipV1.RosterEntry(
                seatId: row.seatID.lowercased, personId: person.id.lowercased, name: person.name,
                role: row.role.wire, topicId: row.topicID,
                gender: person.gender.wire, partyMember: person.partyMember,
                grassrootsCadre: person.grassrootsCadre, sector: person.sector.rawValue, posts: person.posts.map(\.rawValue),
                voting: row.role != .observer))
        }
        return MembershipV1.GetRosterResponse(
            councilId: council.id.lowercased, at: CommonV1.Timestamp(instant), termNumber: Int32(term), entries: entries)
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
