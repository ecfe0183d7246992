import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// 协商议事会 — one row of `membership.councils` with its current term.
struct CouncilRecord: PostgresRecord {
    var id: UUID
    var unitID: UUID
    var unitPath: String
    /// The county of the council's unit (the distribution key).
    var countyCode: String
    var kind: CouncilKind
    var name: String
    var status: CouncilState
    var termNumber: Int
    var termStartsOn: LocalDate?
    var termEndsOn: LocalDate?
    var constitutedAt: Date?
    var createdAt: Date
    var dissolvedAt: Date?
    var dissolutionReason: String

    static let columns = """
        c.id, c.unit_id, c.unit_path::text AS unit_path, c.county_code, c.kind, c.name, c.status, c.term_number, \
        c.constituted_at, c.created_at, t.starts_on::text AS starts_on, t.ends_on::text AS ends_on, \
        c.dissolved_at, c.dissolution_reason
        """
    /// Tenant tables join on the county too, so the join stays inside one shard.
    static let from = """
        membership.councils AS c JOIN membership.terms AS t \
        ON t.county_code = c.county_code AND t.council_id = c.id AND t.number = c.term_number
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        unitID = try row["unit_id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        countyCode = try row["county_code"].decode(String.self)
        kind = try row["kind"].decode(CouncilKind.self)
        name = try row["name"].decode(String.self)
        status = try row["status"].decode(CouncilState.self)
        termNumber = try row["term_number"].decode(Int.self)
        constitutedAt = try row["constituted_at"].decode(Date?.self)
        createdAt = try row["created_at"].decode(Date.self)
        termStartsOn = try row["starts_on"].decode(LocalDate?.self)
        termEndsOn = try row["ends_on"].decode(LocalDate?.self)
        dissolvedAt = try row["dissolved_at"].decode(Date?.self)
        dissolutionReason = try row["dissolution_reason"].decode(String.self)
    }

    /// Whether the council has outlived its term on `today` (MembershipRules decides).
    func hasExpired(on today: LocalDate) -> Bool { status.hasExpired(termLastDay: termEndsOn, on: today) }

    /// The council on the wire; with `today`, a council past its term shows EXPIRED.
    func wire(seats: [SeatRecord] = [], today: LocalDate? = nil) -> MembershipV1.Council {
        MembershipV1.Council(
            id: id.lowercased, unitId: unitID.lowercased, unitPath: unitPath, kind: kind.wire, name: name,
            status: status.wire(termLastDay: termEndsOn, on: today),
            currentTerm: MembershipV1.Term(
                number: Int32(termNumber), startsOn: termStartsOn.map(CommonV1.Date.init),
                endsOn: termEndsOn.map(CommonV1.Date.init), endedAt: nil),
            seats: seats.map(\.wire), constitutedAt: constitutedAt.map(CommonV1.Timestamp.init),
            createdAt: CommonV1.Timestamp(createdAt), dissolvedAt: dissolvedAt.map(CommonV1.Timestamp.init),
            dissolutionReason: dissolutionReason)
    }
}

/// 成员任职记录 — one row of `membership.seats`, with the person's name.
struct SeatRecord: PostgresRecord {
    var id: UUID
    var councilID: UUID
    var personID: UUID
    var personName: String
    var role: CouncilRole
    var topicID: String
    var status: MembershipState
    var termNumber: Int
    var noticeID: UUID?
    var note: String
    var nominatedAt: Date
    var seatedAt: Date?
    var endedAt: Date?
    var endReason: String
    var source: NominationSource
    var electionID: UUID?

    static let columns = """
        s.id, s.council_id, s.person_id, p.name AS person_name, s.role, s.topic_id, s.status, s.term_number, \
        s.notice_id, s.note, s.nominated_at, s.seated_at, s.ended_at, s.end_reason, s.source, s.election_id
        """
    static let from = "membership.seats AS s JOIN membership.people AS p ON p.county_code = s.county_code AND p.id = s.person_id"

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        councilID = try row["council_id"].decode(UUID.self)
        personID = try row["person_id"].decode(UUID.self)
        personName = try row["person_name"].decode(String.self)
        role = try row["role"].decode(CouncilRole.self)
        topicID = try row["topic_id"].decode(String.self)
        status = try row["status"].decode(MembershipState.self)
        termNumber = try row["term_number"].decode(Int.self)
        noticeID = try row["notice_id"].decode(UUID?.self)
        note = try row["note"].decode(String.self)
        nominatedAt = try row["nominated_at"].decode(Date.self)
        seatedAt = try row["seated_at"].decode(Date?.self)
        endedAt = try row["ended_at"].decode(Date?.self)
        endReason = try row["end_reason"].decode(String.self)
        source = try row["source"].decode(NominationSource.self)
        electionID = try row["election_id"].decode(UUID?.self)
    }

    var wire: MembershipV1.Seat {
        MembershipV1.Seat(
            id: id.lowercased, councilId: councilID.lowercased, personId: personID.lowercased, personName: personName,
            role: role.wire, topicId: topicID, status: status.wire, seatedAt: seatedAt.map(CommonV1.Timestamp.init),
            endedAt: endedAt.map(CommonV1.Timestamp.init), endReason: endReason, termNumber: Int32(termNumber), note: note,
            source: source.wire, electionId: electionID?.lowercased ?? "")
    }
}
