import Foundation
import SessionRules
import TongxinPostgres
import TongxinRPC
import TongxinSchemas

/// 协商议事会议 — one row of `session.meetings` (alias `m`).
struct MeetingRecord: PostgresRecord {
    var id: UUID
    var unitPath: String
    var countyCode: String
    var body: Body
    var form: MeetingForm
    var meetingAt: Date
    var place: String
    var host: String
    var recorder: String
    var councilID: String
    var state: MeetingState
    var households: Int
    var onDemocracyDay: Bool
    var openedAt: Date?
    var closedAt: Date?
    var createdAt: Date

    static let columns = """
        m.id, m.unit_path::text AS unit_path, m.county_code, m.body, m.form, m.meeting_at, m.place, m.host, m.recorder, \
        m.council_id, m.state, m.households, m.on_democracy_day, m.opened_at, m.closed_at, m.created_at
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        countyCode = try row["county_code"].decode(String.self)
        body = try row["body"].decode(Body.self)
        form = try row["form"].decode(MeetingForm.self)
        meetingAt = try row["meeting_at"].decode(Date.self)
        place = try row["place"].decode(String.self)
        host = try row["host"].decode(String.self)
        recorder = try row["recorder"].decode(String.self)
        councilID = try row["council_id"].decode(String.self)
        state = try row["state"].decode(MeetingState.self)
        households = try row["households"].decode(Int.self)
        onDemocracyDay = try row["on_democracy_day"].decode(Bool.self)
        openedAt = try row["opened_at"].decode(Date?.self)
        closedAt = try row["closed_at"].decode(Date?.self)
        createdAt = try row["created_at"].decode(Date.self)
    }
}

/// An invitee with whether they checked in.
struct InviteeRow: PostgresRecord {
    var person: String
    var name: String
    var role: InviteeRole
    var topicID: String
    var household: String
    var present: Bool
    var presentHousehold: String

    static let columns = """
        i.person, i.name, i.role, i.topic_id, i.household, (a.person IS NOT NULL) AS present, \
        COALESCE(NULLIF(a.household, ''), i.household) AS present_household
        """

    init(row: PostgresRow) throws {
        person = try row["person"].decode(String.self)
        name = try row["name"].decode(String.self)
        role = try row["role"].decode(InviteeRole.self)
        topicID = try row["topic_id"].decode(String.self)
        household = try row["household"].decode(String.self)
        present = try row["present"].decode(Bool.self)
        presentHousehold = try row["present_household"].decode(String.self)
    }

    var wire: SessionV1.Invitee {
        SessionV1.Invitee(person: person, name: name, role: SessionCore.wire(role), topicId: topicID, household: household, present: present)
    }
}

struct MeetingTopicRow: PostgresRecord {
    var topicID: UUID
    var title: String
    var planID: String

    static let columns = "t.topic_id, t.title, t.plan_id"

    init(row: PostgresRow) throws {
        topicID = try row["topic_id"].decode(UUID.self)
        title = try row["title"].decode(String.self)
        planID = try row["plan_id"].decode(String.self)
    }
}

/// A meeting with its topics, invitees, attendance and quorum.
struct MeetingView {
    var meeting: MeetingRecord
    var topics: [MeetingTopicRow]
    var invitees: [InviteeRow]
    var residentsPresent: Int
    var quorum: QuorumOutcome

    var presentCount: Int { invitees.filter(\.present).count }

    static func counts(_ invitees: [InviteeRow], households: Int) -> QuorumCounts {
        let fixed = invitees.filter { $0.role == .fixedMember }
        let voting = invitees.filter { $0.role.votes }
        let householdsPresent = Set(voting.filter { $0.present && !$0.presentHousehold.isEmpty }.map(\.presentHousehold)).count
        return QuorumCounts(
            fixedMembers: fixed.count, fixedMembersPresent: fixed.filter(\.present).count,
            members: voting.count, membersPresent: voting.filter(\.present).count,
            households: households, householdsPresent: householdsPresent)
    }

    func wire(withInvitees: Bool = true) -> SessionV1.Meeting {
        SessionV1.Meeting(
            id: meeting.id.canonicalText, unitPath: meeting.unitPath, body: SessionCore.wire(meeting.body), form: SessionCore.wire(meeting.form),
            topicIds: topics.map(\.topicID.canonicalText), meetingAt: CommonV1.Timestamp(meeting.meetingAt), place: meeting.place,
            host: meeting.host, recorder: meeting.recorder, councilId: meeting.councilID,
            invitees: withInvitees ? invitees.map(\.wire) : [], state: SessionCore.wire(meeting.state),
            present: Int32(presentCount), residentsPresent: Int32(residentsPresent), quorum: quorum.wire,
            households: Int32(meeting.households), onDemocracyDay: meeting.onDemocracyDay,
            openedAt: meeting.openedAt.map(CommonV1.Timestamp.init), closedAt: meeting.closedAt.map(CommonV1.Timestamp.init),
            createdAt: CommonV1.Timestamp(meeting.createdAt))
    }
}

extension QuorumOutcome {
    var wire: SessionV1.Quorum {
        SessionV1.Quorum(
            met: met,
            figures: figures.map { figure in
                SessionV1.QuorumFigure(
                    baseName: figure.clause.base.rawValue, count: Int32(figure.outcome.count), baseCount: Int32(figure.outcome.base),
                    threshold: CommonV1.Fraction(numerator: Int64(figure.clause.threshold.numerator), denominator: Int64(figure.clause.threshold.denominator)),
                    inclusive: figure.clause.threshold.comparison == .atLeast, met: figure.met, required: Int32(figure.required))
            },
            explanation: CommonV1.LocalizedText(zh: descriptionZH, en: descriptionEN))
    }

    /// The counts as error figures (`quorum.fixed_members.present` = "4", … ).
    var errorFigures: [ErrorDetail.Figure] {
        figures.flatMap { figure in
            [ErrorDetail.Figure("quorum.\(figure.clause.base.rawValue).present", String(figure.outcome.count)),
             ErrorDetail.Figure("quorum.\(figure.clause.base.rawValue).of", String(figure.outcome.base)),
             ErrorDetail.Figure("quorum.\(figure.clause.base.rawValue).required", String(figure.required))]
        }
    }
}
