import AgendaRules
import Foundation
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 议前调研 and 议事方案 (issue 9 §6, §7; 004 议前调研): research records attached to a topic,
/// and the meeting plan published in the unit ahead of the meeting.
struct PreparationOperations {
    let scope: CallScope
    let scales: ScaleRules
    let timeZone: TimeZone
    var councils: (any CouncilDirectory)? = nil

    private var tx: PostgresTransaction { scope.tx }
    private var store: TopicStore { TopicStore(scope: scope) }

    /// Records research on an adopted topic; the first record moves it from approved to
    /// researching. Research may be added until the meeting (researching or planned).
    func addResearch(_ request: AgendaV1.AddResearchRecordRequest) async throws -> AgendaV1.ResearchRecord {
        let kind: ResearchKind = try Validate.code(request.kind, field: "kind")
        let summary = try Validate.text(request.summary, field: "summary", limit: 8000, required: true)
        guard request.attachments.count <= 50 else {
            throw AgendaError.invalidArgument(field: "attachments", zh: "附件不超过50个", en: "at most 50 attachments")
        }
        let attachments = try request.attachments.map { value throws(AgendaError) in
            try Validate.text(value, field: "attachments", limit: 500, required: true)
        }
        guard let day = request.conductedOn else { throw AgendaError.missing("conducted_on") }
        let conductedOn = try Validate.date(day, field: "conducted_on")
        let topic = try await store.find(request.topicId, forUpdate: true)
        switch topic.state {
        case .approved: try await store.move(topic, to: .researching)
        case .researching, .planned: break
        default:
            throw AgendaError.failedPrecondition(
                rule: "research.state", zh: "议题「\(topic.state.nameZH)」，不能再登记议前调研",
                en: "research is recorded on an adopted topic before its meeting, not on one that is \(topic.state.nameEN)")
        }
        let record = try await tx.queryOne(
            ResearchRecordRow.self,
            """
            INSERT INTO agenda.research_records (county_code, id, topic_id, unit_path, kind, summary, attachments, conducted_on, recorded_at)
            VALUES ($1, $2, $3, $4::ltree, $5, $6, $7, $8::date, $9)
            RETURNING \(ResearchRecordRow.columns)
            """,
            [.text(topic.countyCode), .uuid(UUID()), .uuid(topic.id), .text(topic.unitPath), kind.postgresValue, .text(summary),
             .textArray(attachments), .text(conductedOn.sqlText), .timestamp(scope.now)])
        guard let record else { throw AgendaError.notFound(what: "topic") }
        try await scope.audit("AddResearchRecord", target: "topic/\(topic.id.canonicalText)", unitPath: topic.unitPath,
                              ["research": record.id.canonicalText, "kind": String(kind.rawValue)])
        return record.wire
    }

    func listResearch(_ request: AgendaV1.ListResearchRecordsRequest) async throws -> AgendaV1.ListResearchRecordsResponse {
        let topic = try await store.find(request.topicId)
        let records = try await tx.query(
            ResearchRecordRow.self,
            "SELECT \(ResearchRecordRow.columns) FROM agenda.research_records WHERE county_code = $1 AND topic_id = $2 ORDER BY recorded_at, id",
            [.text(topic.countyCode), .uuid(topic.id)])
        return AgendaV1.ListResearchRecordsResponse(records: records.map(\.wire))
    }

    /// 议事方案: publishes the time, place, form, participants and agenda, and moves the topic
    /// to planned — from researching, or straight from approved when urgent (急事快议). The
    /// meeting must lie at least the scale's lead time after the publication (urgent: none).
    func publishPlan(_ request: AgendaV1.PublishMeetingPlanRequest) async throws -> AgendaV1.MeetingPlan {
        guard let at = request.meetingAt else { throw AgendaError.missing("meeting_at") }
        let meetingAt = try at.instant(field: "meeting_at")
        let place = try Validate.text(request.place, field: "place", limit: 200, required: true)
        guard !request.participants.isEmpty, request.participants.count <= 500 else {
            throw AgendaError.invalidArgument(field: "participants", zh: "须列出1至500名参与对象", en: "list 1 to 500 participants")
        }
        let participants = try request.participants.map { participant throws(AgendaError) in
            (person: try Validate.text(participant.person, field: "participants.person", limit: 100, required: true),
             role: try Validate.code(participant.role, field: "participants.role") as ParticipantRole)
        }
        let agenda = try request.agenda.map { value throws(AgendaError) in try Validate.text(value, field: "agenda", limit: 500, required: true) }
        let topic = try await store.find(request.topicId, forUpdate: true)
        let form: MeetingForm = request.form.rawValue == 0 ? topic.form : try Validate.code(request.form, field: "form")
        let policy = scales[topic.scale]
        do {
            try PlanLeadTime.check(publishedAt: scope.now, meetingAt: meetingAt, scale: topic.scale, policy: policy, timeZone: timeZone)
        } catch {
            throw AgendaError.precondition(error, figures: [.init("plan.lead_days", String(policy.planLeadDays))])
        }
        let councilID = try await seatParticipants(participants, council: request.councilId, topic: topic)
        try await store.move(topic, to: .planned)
        let participantJSON = "[" + participants.map { "{\"person\":\(TopicOperations.json($0.person)),\"role\":\($0.role.rawValue)}" }
            .joined(separator: ",") + "]"
        let leadDays = topic.scale == .urgent ? 0 : policy.planLeadDays
        let plan = try await tx.queryOne(
            MeetingPlanRow.self,
            """
            INSERT INTO agenda.meeting_plans (county_code, id, topic_id, unit_path, meeting_at, place, form, participants, agenda,
                                              lead_days, published_at, council_id)
            VALUES ($1, $2, $3, $4::ltree, $5, $6, $7, $8, $9, $10, $11, $12)
            RETURNING \(MeetingPlanRow.columns)
            """,
            [.text(topic.countyCode), .uuid(UUID()), .uuid(topic.id), .text(topic.unitPath), .timestamp(meetingAt), .text(place),
             form.postgresValue, .jsonb(participantJSON), .textArray(agenda), .int(Int64(leadDays)), .timestamp(scope.now),
             .text(councilID)])
        guard let plan else { throw AgendaError.notFound(what: "topic") }
        return plan.wire
    }

    /// 参与对象 on membership's council: the participants named by membership person id are
    /// checked (fixed members must be seated) and the topic's stakeholders, experts and
    /// departments are seated as ad-hoc members for it (列席/特邀, 004: "X" per topic).
    /// Without a council directory (agenda alone) participants are recorded as given.
    ///
    /// The seats are written by membership before this transaction commits and are not
    /// rolled back with it: seating is idempotent (one key per topic and person), so
    /// publishing again after a failure seats nobody twice. A transactional outbox (the
    /// session service's) will take this over.
    private func seatParticipants(
        _ participants: [(person: String, role: ParticipantRole)], council: String, topic: TopicRecord
    ) async throws -> String {
        let council = council.trimmingCharacters(in: .whitespaces)
        let registered = participants.filter { UUID(canonicalText: $0.person) != nil }
        guard let councils else { return council }
        guard !registered.isEmpty else { return council }
        guard !council.isEmpty else {
            throw AgendaError.invalidArgument(
                field: "council_id", zh: "参与对象含在册人员时须指明议事会", en: "name the council when participants are registered people")
        }
        _ = try Validate.id(council, field: "council_id")
        let seated = try await councils.seatedPeople(council: council, for: scope.caller)
        for participant in registered where participant.role == .fixedMember && !seated.contains(participant.person) {
            throw AgendaError.failedPrecondition(
                rule: "plan.not_a_member", zh: "参与对象 \(participant.person) 不是该议事会的在任成员",
                en: "participant \(participant.person) is not a seated member of the council",
                figures: [.init("participant", participant.person)])
        }
        let topicID = topic.id.canonicalText
        for participant in registered where [.stakeholder, .expert, .department].contains(participant.role) {
            try await councils.seatAdHoc(council: council, person: participant.person, topic: topicID, for: scope.caller)
        }
        return council
    }

    func getPlan(_ request: AgendaV1.GetMeetingPlanRequest) async throws -> AgendaV1.MeetingPlan {
        let topic = try await store.find(request.topicId)
        let plan = try await tx.queryOne(
            MeetingPlanRow.self, "SELECT \(MeetingPlanRow.columns) FROM agenda.meeting_plans WHERE county_code = $1 AND topic_id = $2",
            [.text(topic.countyCode), .uuid(topic.id)])
        guard let plan else { throw AgendaError.notFound(what: "meeting plan") }
        return plan.wire
    }
}

struct ResearchRecordRow: PostgresRecord {
    var id: UUID
    var topicID: UUID
    var kind: ResearchKind
    var summary: String
    var attachments: [String]
    var conductedOn: LocalDate
    var recordedAt: Date

    static let columns = "id, topic_id, kind, summary, attachments, conducted_on::text AS conducted_on, recorded_at"

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        topicID = try row["topic_id"].decode(UUID.self)
        kind = try row["kind"].decode(ResearchKind.self)
        summary = try row["summary"].decode(String.self)
        attachments = try row["attachments"].decode([String].self)
        guard let conducted = try row.localDate("conducted_on") else {
            throw PostgresError(kind: .decoding, message: "conducted_on is NULL")
        }
        conductedOn = conducted
        recordedAt = try row["recorded_at"].decode(Date.self)
    }

    var wire: AgendaV1.ResearchRecord {
        AgendaV1.ResearchRecord(
            id: id.canonicalText, topicId: topicID.canonicalText, kind: wire(kind), summary: summary, attachments: attachments,
            conductedOn: CommonV1.Date(conductedOn), recordedAt: CommonV1.Timestamp(recordedAt))
    }

    private func wire(_ kind: ResearchKind) -> AgendaV1.ResearchKind { AgendaCore.wire(kind) }
}

struct MeetingPlanRow: PostgresRecord {
    var id: UUID
    var topicID: UUID
    var meetingAt: Date
    var place: String
    var form: MeetingForm
    var participants: [AgendaV1.Participant]
    var agenda: [String]
    var leadDays: Int
    var publishedAt: Date
    var councilID: String

    static let columns = """
        id, topic_id, meeting_at, place, form, \
        ARRAY(SELECT (p->>'role') || ':' || (p->>'person') FROM jsonb_array_elements(participants) p) AS participants, \
        agenda, lead_days, published_at, council_id
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        topicID = try row["topic_id"].decode(UUID.self)
        meetingAt = try row["meeting_at"].decode(Date.self)
        place = try row["place"].decode(String.self)
        form = try row["form"].decode(MeetingForm.self)
        participants = try row["participants"].decode([String].self).map { entry in
            let parts = entry.split(separator: ":", maxSplits: 1).map(String.init)
            return AgendaV1.Participant(
                person: parts.count > 1 ? parts[1] : "", role: AgendaV1.ParticipantRole(rawValue: Int32(parts.first ?? "") ?? 0))
        }
        agenda = try row["agenda"].decode([String].self)
        leadDays = try row["lead_days"].decode(Int.self)
        publishedAt = try row["published_at"].decode(Date.self)
        councilID = try row["council_id"].decode(String.self)
    }

    var wire: AgendaV1.MeetingPlan {
        AgendaV1.MeetingPlan(
            id: id.canonicalText, topicId: topicID.canonicalText, meetingAt: CommonV1.Timestamp(meetingAt), place: place,
            form: AgendaCore.wire(form), participants: participants, agenda: agenda,
            publishedAt: CommonV1.Timestamp(publishedAt), leadDays: Int32(leadDays), councilId: councilID)
    }
}
