import Foundation
import TongxinService
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// 公示 — one row of `membership.notices`.
struct NoticeRecord: Sendable {
    var id: UUID
    var councilID: UUID
    var unitPath: String
    var status: Int
    var publishedAt: Date
    var firstDay: LocalDate
    var lastDay: LocalDate
    var closesAt: Date

    static let columns = """
        id, council_id, unit_path::text AS unit_path, status, published_at, first_day::text AS first_day, \
        last_day::text AS last_day, closes_at
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        councilID = try row["council_id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        status = try row["status"].decode(Int.self)
        publishedAt = try row["published_at"].decode(Date.self)
        guard let first = LocalDate(sqlText: try row["first_day"].decode(String.self)),
              let last = LocalDate(sqlText: try row["last_day"].decode(String.self))
        else { throw ServiceFailure.internal(reference: "notice dates") }
        firstDay = first
        lastDay = last
        closesAt = try row["closes_at"].decode(Date.self)
    }

    var isOpen: Bool { status == 1 }

    /// Open for objections at `instant`: from publication until the end of the last day.
    func acceptsObjections(at instant: Date) -> Bool { instant >= publishedAt && instant < closesAt }
}

/// 异议 — one row of `membership.objections`.
struct ObjectionRecord: Sendable {
    var id: UUID
    var noticeID: UUID
    var seatID: UUID?
    var objectorName: String
    var objectorPersonID: UUID?
    var reason: String
    var filedAt: Date
    var outcome: Int
    var resolution: String
    var resolvedBy: String
    var resolvedAt: Date?

    static let columns = """
        id, notice_id, seat_id, objector_name, objector_person_id, reason, filed_at, outcome, resolution, \
        resolved_by, resolved_at
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        noticeID = try row["notice_id"].decode(UUID.self)
        seatID = try row["seat_id"].decode(UUID?.self)
        objectorName = try row["objector_name"].decode(String.self)
        objectorPersonID = try row["objector_person_id"].decode(UUID?.self)
        reason = try row["reason"].decode(String.self)
        filedAt = try row["filed_at"].decode(Date.self)
        outcome = try row["outcome"].decode(Int.self)
        resolution = try row["resolution"].decode(String.self)
        resolvedBy = try row["resolved_by"].decode(String.self)
        resolvedAt = try row["resolved_at"].decode(Date?.self)
    }

    var wire: MembershipV1.Objection {
        MembershipV1.Objection(
            id: id.lowercased, noticeId: noticeID.lowercased, seatId: seatID?.lowercased ?? "", objectorName: objectorName,
            objectorPersonId: objectorPersonID?.lowercased ?? "", reason: reason, filedAt: CommonV1.Timestamp(filedAt),
            outcome: MembershipV1.ObjectionOutcome(rawValue: Int32(outcome)), resolution: resolution, resolvedBy: resolvedBy,
            resolvedAt: resolvedAt.map(CommonV1.Timestamp.init))
    }

    /// MembershipRules' view, for ``ConfirmationGate``: the nominee is the seat id.
    var rulesObjection: Objection {
        Objection(
            id: id.lowercased, nomineeID: seatID?.lowercased, raisedAt: filedAt,
            status: outcome == 1 ? .upheld : outcome == 2 ? .dismissed : .open)
    }
}
