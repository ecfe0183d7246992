import Foundation
import MembershipRules
import TongxinPostgres
import TongxinSchemas

/// 公示 — one row of `membership.notices`.
struct NoticeRecord: PostgresRecord {
    var id: UUID
    var councilID: UUID
    var unitPath: String
    /// The county of the council's unit (the distribution key).
    var countyCode: String
    var status: NoticeStatus
    var publishedAt: Date
    var firstDay: LocalDate
    var lastDay: LocalDate
    var closesAt: Date
    var confirmedAt: Date?
    var confirmedBy: String?
    var decisionMeeting: String
    var decidedOn: LocalDate?
    var electionID: UUID?
    var acceptedAdvisories: String
    var advisoryAcceptance: String

    static let columns = """
        id, council_id, unit_path::text AS unit_path, county_code, status, published_at, first_day::text AS first_day, \
        last_day::text AS last_day, closes_at, confirmed_at, confirmed_by, decision_meeting, decided_on::text AS decided_on, \
        election_id, accepted_advisories::text AS accepted_advisories, advisory_acceptance
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        councilID = try row["council_id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        countyCode = try row["county_code"].decode(String.self)
        status = try row["status"].decode(NoticeStatus.self)
        publishedAt = try row["published_at"].decode(Date.self)
        firstDay = try row["first_day"].decode(LocalDate.self)
        lastDay = try row["last_day"].decode(LocalDate.self)
        closesAt = try row["closes_at"].decode(Date.self)
        confirmedAt = try row["confirmed_at"].decode(Date?.self)
        confirmedBy = try row["confirmed_by"].decode(String?.self)
        decisionMeeting = try row["decision_meeting"].decode(String.self)
        decidedOn = try row["decided_on"].decode(LocalDate?.self)
        electionID = try row["election_id"].decode(UUID?.self)
        acceptedAdvisories = try row["accepted_advisories"].decode(String.self)
        advisoryAcceptance = try row["advisory_acceptance"].decode(String.self)
    }

    /// How the list was confirmed (issue 8 §1, §8, §9), once it was.
    var confirmation: MembershipV1.Confirmation? {
        guard status == .confirmed else { return nil }
        let advisories = (try? JSONDecoder().decode([RuleViolation].self, from: Data(acceptedAdvisories.utf8))) ?? []
        return MembershipV1.Confirmation(
            confirmedBy: confirmedBy ?? "", confirmedAt: confirmedAt.map(CommonV1.Timestamp.init),
            decisionMeeting: decisionMeeting, decidedOn: decidedOn.map(CommonV1.Date.init),
            electionId: electionID?.lowercased ?? "", acceptedAdvisories: advisories.map(\.wire),
            advisoryAcceptance: advisoryAcceptance)
    }

    var isOpen: Bool { status == .open }

    /// Open for objections at `instant`: from publication until the end of the last day.
    func acceptsObjections(at instant: Date) -> Bool { instant >= publishedAt && instant < closesAt }
}

/// 异议 — one row of `membership.objections`.
struct ObjectionRecord: PostgresRecord {
    var id: UUID
    var noticeID: UUID
    var seatID: UUID?
    var objectorName: String
    var objectorPersonID: UUID?
    var reason: String
    var filedAt: Date
    var outcome: Objection.Status
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
        outcome = try row["outcome"].decode(Objection.Status.self)
        resolution = try row["resolution"].decode(String.self)
        resolvedBy = try row["resolved_by"].decode(String.self)
        resolvedAt = try row["resolved_at"].decode(Date?.self)
    }

    var wire: MembershipV1.Objection {
        MembershipV1.Objection(
            id: id.lowercased, noticeId: noticeID.lowercased, seatId: seatID?.lowercased ?? "", objectorName: objectorName,
            objectorPersonId: objectorPersonID?.lowercased ?? "", reason: reason, filedAt: CommonV1.Timestamp(filedAt),
            outcome: outcome.wire, resolution: resolution, resolvedBy: resolvedBy,
            resolvedAt: resolvedAt.map(CommonV1.Timestamp.init))
    }

    /// MembershipRules' view, for ``ConfirmationGate``: the nominee is the seat id.
    var rulesObjection: Objection {
        Objection(
            id: id.lowercased, nomineeID: seatID?.lowercased, raisedAt: filedAt,
            status: outcome)
    }
}
