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
            """
            SELECT \(SeatRecord.columns), count(*) OVER () AS total FROM \(SeatRecord.from)
             WHERE \(condition) ORDER BY s.term_number, s.nominated_at, s.id LIMIT \(page.size + 1) OFFSET \(offset)
            """, binds)
        return MembershipV1.GetMembershipHistoryResponse(
            seats: try rows.prefix(page.size).map { try SeatRecord(row: $0).wire },
            page: CommonV1.PageInfo(
                nextPageToken: rows.count > page.size ? String(offset + page.size) : "",
                totalCount: Int64(try rows.first?["total"].decode(Int.self) ?? 0)))
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
            """
            SELECT \(PersonRecord.columns), s.id AS seat_id, s.role, s.topic_id, s.term_number
              FROM membership.seats AS s JOIN membership.people AS p ON p.id = s.person_id
             WHERE s.council_id = $1 AND s.seated_at IS NOT NULL AND s.seated_at <= $2
               AND (s.ended_at IS NULL OR s.ended_at > $2)
               AND (s.role <> $3 OR s.topic_id = $4)
             ORDER BY s.role, p.name, s.id
            """,
            [.uuid(council.id), .timestamp(instant), .int(Int64(CouncilRole.adHocMember.sqlValue)), .text(topic.isEmpty ? "\u{1}" : topic)])
        var term = council.termNumber
        var entries: [MembershipV1.RosterEntry] = []
        for row in rows {
            let person = try PersonRecord(row: row)
            let role = try CouncilRole(sqlValue: try row["role"].decode(Int.self))
            term = try row["term_number"].decode(Int.self)
            entries.append(MembershipV1.RosterEntry(
                seatId: try row["seat_id"].decode(UUID.self).lowercased, personId: person.id.lowercased, name: person.name,
                role: role.wire, topicId: try row["topic_id"].decode(String.self),
                gender: MembershipV1.Gender(rawValue: Int32(person.gender)), partyMember: person.partyMember,
                grassrootsCadre: person.grassrootsCadre, sector: person.sector, posts: person.posts,
                voting: role != .observer))
        }
        return MembershipV1.GetRosterResponse(
            councilId: council.id.lowercased, at: CommonV1.Timestamp(instant), termNumber: Int32(term), entries: entries)
    }
}
