import Foundation
import SessionRules
import TongxinPostgres
import TongxinService

/// SQL over `session.meetings` and what hangs off it.
struct MeetingStore {
    let scope: CallScope
    let quorumRules: QuorumRules
    private var tx: PostgresTransaction { scope.tx }

    var county: String {
        get throws { try Validate.scope(of: scope.caller).countyCode }
    }

    func find(_ id: UUID, lock: String = "") async throws -> MeetingRecord {
        let meeting = try await tx.queryOne(
            MeetingRecord.self,
            "SELECT \(MeetingRecord.columns) FROM session.meetings m WHERE m.county_code = $2 AND m.id = $1\(lock.isEmpty ? "" : " " + lock)",
            [.uuid(id), .text(try county)])
        guard let meeting else { throw SessionError.notFound(what: "meeting") }
        return meeting
    }

    func find(_ raw: String, field: String = "meeting_id", lock: String = "") async throws -> MeetingRecord {
        try await find(try Validate.target(raw, field: field, what: "meeting"), lock: lock)
    }

    /// The meeting with topics, invitees (with attendance) and quorum: one round trip.
    func view(_ meeting: MeetingRecord) async throws -> MeetingView {
        let binds: [PostgresValue] = [.text(meeting.countyCode), .uuid(meeting.id)]
        let results = try await tx.queries([
            ("SELECT \(MeetingTopicRow.columns) FROM session.meeting_topics t WHERE t.county_code = $1 AND t.meeting_id = $2 ORDER BY t.position", binds),
            ("""
             SELECT \(InviteeRow.columns) FROM session.invitees i
               LEFT JOIN session.attendance a
                 ON a.county_code = i.county_code AND a.meeting_id = i.meeting_id AND a.person = i.person AND NOT a.resident
              WHERE i.county_code = $1 AND i.meeting_id = $2 ORDER BY i.role, i.person
             """, binds),
            ("SELECT count(*) FROM session.attendance WHERE county_code = $1 AND meeting_id = $2 AND resident", binds),
        ])
        let topics = try results[0].map(MeetingTopicRow.init(row:))
        let invitees = try results[1].map(InviteeRow.init(row:))
        let residents = try results[2].first?[0].decode(Int.self) ?? 0
        let quorum = quorumRules.rule(body: meeting.body, form: meeting.form)
            .evaluate(MeetingView.counts(invitees, households: meeting.households))
        return MeetingView(meeting: meeting, topics: topics, invitees: invitees, residentsPresent: residents, quorum: quorum)
    }

    /// The meeting may decide (open with quorum), or FAILED_PRECONDITION naming the counts.
    func requireDeciding(_ meeting: MeetingRecord) async throws -> MeetingView {
        let view = try await view(meeting)
        do {
            try MeetingLifecycle.decide(meeting.state, quorum: view.quorum)
        } catch {
            throw SessionError.precondition(error, figures: view.quorum.errorFigures)
        }
        return view
    }

    /// The meeting sits on `topic`, or FAILED_PRECONDITION.
    func requireTopic(_ view: MeetingView, _ topic: UUID) throws {
        guard view.topics.contains(where: { $0.topicID == topic }) else {
            throw SessionError.failedPrecondition(
                rule: "meeting.topic", zh: "议题 \(topic.canonicalText) 不在本次会议议程中",
                en: "topic \(topic.canonicalText) is not on this meeting's agenda")
        }
    }

    func move(_ meeting: MeetingRecord, to state: MeetingState, set extra: String = "") async throws -> MeetingRecord {
        let next: MeetingState
        do {
            next = try MeetingLifecycle.transition(from: meeting.state, to: state)
        } catch {
            throw SessionError.precondition(error)
        }
        let moved = try await tx.queryOne(
            MeetingRecord.self,
            """
            UPDATE session.meetings m SET state = $3\(extra.isEmpty ? "" : ", " + extra)
             WHERE m.county_code = $1 AND m.id = $2 RETURNING \(MeetingRecord.columns)
            """,
            [.text(meeting.countyCode), .uuid(meeting.id), next.postgresValue, .timestamp(scope.now)])
        guard let moved else { throw SessionError.notFound(what: "meeting") }
        try await scope.audit(scope.method, target: "meeting/\(meeting.id.canonicalText)", unitPath: meeting.unitPath,
                              ["from": String(meeting.state.rawValue), "to": String(next.rawValue)])
        return moved
    }
}
