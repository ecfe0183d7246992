import AgendaAPI
import Foundation
import SessionRules
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 协商议事会议 — scheduling from the published meeting plans (or for escalated topics),
/// check-in, opening with or without quorum, closing (issue 10 §2, §3).
struct MeetingOperations {
    let scope: CallScope
    let environment: SessionEnvironment

    private var tx: PostgresTransaction { scope.tx }
    var store: MeetingStore { MeetingStore(scope: scope, quorumRules: environment.quorum) }

    /// An invitee being snapshotted.
    private struct Invite {
        var person: String
        var name: String
        var role: InviteeRole
        var topicID: String
        var household: String
    }

    private struct ScheduledTopic {
        var id: UUID
        var unitPath: String
        var title: String
        var planID: String
        /// Agenda's topic is planned: the meeting moves it to "in meeting".
        var firstMeeting: Bool
    }

    func schedule(_ request: SessionV1.ScheduleMeetingRequest) async throws -> SessionV1.Meeting {
        let unit = try Validate.unit(request.unitPath, caller: scope.caller)
        let body: Body = request.body.rawValue == 0 ? .consultation : try Validate.code(request.body, field: "body")
        let host = try Validate.text(request.host, field: "host", limit: 100, required: true)
        let recorder = try Validate.text(request.recorder, field: "recorder", limit: 100, required: true)
        guard (1...20).contains(request.topicIds.count) else {
            throw SessionError.invalidArgument(field: "topic_ids", zh: "须列出1至20个议题", en: "name 1 to 20 topics")
        }
        var topicIDs: [UUID] = []
        for raw in request.topicIds {
            let id = try Validate.target(raw, field: "topic_ids", what: "topic")
            if !topicIDs.contains(id) { topicIDs.append(id) }
        }
        var place = try Validate.text(request.place, field: "place", limit: 200)
        var meetingAt = try request.meetingAt.map { stamp throws(SessionError) in try stamp.instant(field: "meeting_at") }
        var form: MeetingForm? = request.form.rawValue == 0 ? nil : try Validate.code(request.form, field: "form")
        var invites: [Invite] = []
        var topics: [ScheduledTopic] = []
        var councilID = ""
        let households = Int(request.households)
        guard households >= 0, households <= 1_000_000 else {
            throw SessionError.invalidArgument(field: "households", zh: "户数无效", en: "not a household count")
        }

        if body == .consultation {
            guard let directory = environment.topics else {
                throw RPCError(code: .unavailable, message: "the agenda service is not configured (TONGXIN_SESSION_AGENDA_ADDRESS)")
            }
            let progress = try await ProgressStore(scope: scope).find(topicIDs)
            for id in topicIDs {
                let topic = try await directory.topic(id.canonicalText, for: scope.caller)
                guard let topicPath = try? UnitPath(topic.unitPath), topicPath.isWithin(unit) else {
                    throw SessionError.invalidArgument(
                        field: "topic_ids", zh: "议题 \(id.canonicalText) 不属于会议所在单元", en: "topic \(id.canonicalText) lies outside the meeting's unit")
                }
                if let known = progress[id], known.stage != .deliberating {
                    throw SessionError.failedPrecondition(
                        rule: "meeting.topic_state", zh: "议题「\(topic.title)」已\(known.stage.nameZH)，不再召开协商会议",
                        en: "topic \(id.canonicalText) is \(known.stage.nameEN); no further consultation")
                }
                guard topic.state == AgendaTopic.planned || topic.state == AgendaTopic.inMeeting, let plan = topic.plan else {
                    throw SessionError.failedPrecondition(
                        rule: "meeting.no_plan", zh: "议题「\(topic.title)」尚未公布议事方案，不能召开会议",
                        en: "topic \(id.canonicalText) has no published meeting plan",
                        figures: [.init("topic.state", String(topic.state))])
                }
                if meetingAt == nil { meetingAt = plan.meetingAt }
                if place.isEmpty { place = plan.place }
                if form == nil { form = plan.form }
                if councilID.isEmpty { councilID = plan.councilID }
                topics.append(ScheduledTopic(id: id, unitPath: topic.unitPath, title: topic.title, planID: plan.id,
                                             firstMeeting: topic.state == AgendaTopic.planned))
                if plan.councilID.isEmpty || environment.rosters == nil {
                    for participant in plan.participants {
                        let role: InviteeRole
                        switch participant.role {
                        case 1: role = .fixedMember
                        case 5: role = .observer
                        default: role = .adHocMember
                        }
                        invites.append(Invite(person: participant.person, name: participant.person, role: role,
                                              topicID: role == .adHocMember ? id.canonicalText : "", household: ""))
                    }
                }
            }
            if !councilID.isEmpty, let rosters = environment.rosters, let at = meetingAt {
                // 名册: the council's members at the meeting time, with these topics' ad-hoc members.
                let members = try await rosters.roster(council: councilID, at: at, topics: topicIDs.map(\.canonicalText), for: scope.caller)
                invites = members.map { Invite(person: $0.person, name: $0.name, role: $0.role, topicID: $0.topicID, household: "") } + invites
            }
        } else {
            let progress = try await ProgressStore(scope: scope).find(topicIDs)
            for id in topicIDs {
                guard let known = progress[id] else { throw SessionError.notFound(what: "topic") }
                guard known.stage == .escalated, known.escalatedTo == body else {
                    throw SessionError.failedPrecondition(
                        rule: "meeting.not_escalated", zh: "议题「\(known.title)」未提交\(body.nameZH)",
                        en: "topic \(id.canonicalText) has not been escalated to the \(body.nameEN)")
                }
                topics.append(ScheduledTopic(id: id, unitPath: known.unitPath, title: known.title, planID: "", firstMeeting: false))
            }
            guard meetingAt != nil else { throw SessionError.missing("meeting_at") }
            guard (1...10_000).contains(request.members.count) else {
                throw SessionError.invalidArgument(field: "members", zh: "须列出1至10000名应到成员", en: "list 1 to 10,000 members")
            }
            for member in request.members {
                invites.append(Invite(
                    person: try Validate.text(member.person, field: "members.person", limit: 100, required: true),
                    name: try Validate.text(member.name, field: "members.name", limit: 100),
                    role: .bodyMember, topicID: "",
                    household: try Validate.text(member.household, field: "members.household", limit: 100)))
            }
            if body == .villagersAssembly, households == 0 {
                throw SessionError.invalidArgument(field: "households", zh: "村民会议须给出户数", en: "a villagers' assembly needs the household count")
            }
            do {
                try BodyRules.of(body).checkNotice(
                    calledOn: LocalDate(containing: scope.now, in: environment.timeZone),
                    meetingOn: LocalDate(containing: meetingAt!, in: environment.timeZone))
            } catch {
                throw SessionError.precondition(error)
            }
        }
        for observer in request.observers {
            invites.append(Invite(
                person: try Validate.text(observer.person, field: "observers.person", limit: 100, required: true),
                name: try Validate.text(observer.name, field: "observers.name", limit: 100), role: .observer, topicID: "", household: ""))
        }
        guard let at = meetingAt else { throw SessionError.missing("meeting_at") }
        guard !invites.isEmpty else {
            throw SessionError.failedPrecondition(rule: "meeting.no_invitees", zh: "会议没有应到人员", en: "the meeting has nobody invited")
        }
        // One invitee per person: the first role found (roster before plan, members before observers).
        var seen: Set<String> = []
        invites = invites.filter { seen.insert($0.person).inserted }
        let meetingForm = form ?? .deliberation
        if request.onDemocracyDay {
            try await DemocracyDayOperations(scope: scope, environment: environment).requireDemocracyDay(unit, at: at)
        }

        let id = UUID()
        let county = unit.countyCode
        _ = try await tx.execute(
            """
            INSERT INTO session.meetings (county_code, id, unit_path, body, form, meeting_at, place, host, recorder, council_id, state,
                                          households, on_democracy_day, created_at, created_by)
            VALUES ($1, $2, $3::ltree, $4, $5, $6, $7, $8, $9, $10, \(MeetingState.scheduled.rawValue), $11, $12, $13, $14)
            """,
            [.text(county), .uuid(id), .text(unit.description), body.postgresValue, meetingForm.postgresValue, .timestamp(at),
             .text(place), .text(host), .text(recorder), .text(councilID), .int(Int64(households)), .bool(request.onDemocracyDay),
             .timestamp(scope.now), .text(scope.caller.principal)])
        _ = try await tx.execute(
            """
            INSERT INTO session.meeting_topics (county_code, meeting_id, topic_id, unit_path, position, title, plan_id)
            SELECT $1, $2, t.id::uuid, $3::ltree, t.position, t.title, t.plan FROM unnest($4::text[], $5::text[], $6::text[])
                   WITH ORDINALITY AS t(id, title, plan, position)
            """,
            [.text(county), .uuid(id), .text(unit.description), .textArray(topics.map(\.id.canonicalText)), .textArray(topics.map(\.title)),
             .textArray(topics.map(\.planID))])
        _ = try await tx.execute(
            """
            INSERT INTO session.invitees (county_code, meeting_id, person, unit_path, name, role, topic_id, household)
            SELECT $1, $2, i.person, $3::ltree, i.name, i.role, i.topic, i.household
              FROM unnest($4::text[], $5::text[], $6::int8[], $7::text[], $8::text[]) AS i(person, name, role, topic, household)
            """,
            [.text(county), .uuid(id), .text(unit.description), .textArray(invites.map(\.person)), .textArray(invites.map(\.name)),
             .intArray(invites.map { Int64($0.role.rawValue) }), .textArray(invites.map(\.topicID)), .textArray(invites.map(\.household))])
        let progress = ProgressStore(scope: scope)
        for topic in topics {
            if body == .consultation {
                try await progress.begin(topic.id, unitPath: topic.unitPath, title: topic.title, maxRounds: environment.rounds.maxRounds)
            }
            if topic.firstMeeting {
                try Outbox.enqueue(into: SessionOutbox.table, in: tx, message: try SessionOutbox.advanceTopic(
                    topic.id.canonicalText, to: .inMeeting, note: "协商议事会议 \(id.canonicalText)", unitPath: topic.unitPath,
                    countyCode: county))
            }
        }
        try await scope.audit("ScheduleMeeting", target: "meeting/\(id.canonicalText)", unitPath: unit.description,
                              ["body": String(body.rawValue), "topics": topics.map(\.id.canonicalText).joined(separator: ","),
                               "invitees": String(invites.count)])
        return try await store.view(try await store.find(id)).wire()
    }

    func get(_ request: SessionV1.GetMeetingRequest) async throws -> SessionV1.Meeting {
        try await store.view(try await store.find(request.meetingId)).wire()
    }

    /// Newest first, keyed by (created_at, id); without invitees. With `topic_id`, only
    /// the meetings that sat on that topic.
    func list(_ request: SessionV1.ListMeetingsRequest) async throws -> SessionV1.ListMeetingsResponse {
        let under = request.unitPath.isEmpty ? try Validate.scope(of: scope.caller) : try Validate.unit(request.unitPath, caller: scope.caller)
        let page = try KeysetPage(request.page, keyParts: 2)
        var binds: [PostgresValue] = [.text(under.description), .text(under.countyCode)]
        var filters = ["m.county_code = $2", "m.unit_path <@ $1::ltree"]
        if !request.topicId.isEmpty {
            binds.append(.uuid(try Validate.id(request.topicId, field: "topic_id")))
            filters.append(
                "EXISTS (SELECT 1 FROM session.meeting_topics t WHERE t.county_code = m.county_code AND t.meeting_id = m.id AND t.topic_id = $\(binds.count))")
        }
        if let after = try page.binds([.timestamp, .uuid]) {
            binds += after
            filters.append("(m.created_at, m.id) < ($\(binds.count - 1), $\(binds.count))")
        }
        let listing = try await tx.listing(
            MeetingRecord.self, page: page, key: { [KeysetPage.key($0.createdAt), $0.id.canonicalText] },
            { columns in
                "SELECT \(columns) FROM session.meetings m WHERE \(filters.joined(separator: " AND ")) ORDER BY m.county_code, m.created_at DESC, m.id DESC LIMIT \(page.fetchLimit)"
            }, binds)
        var meetings: [SessionV1.Meeting] = []
        for meeting in listing.rows { meetings.append(try await store.view(meeting).wire(withInvitees: false)) }
        return SessionV1.ListMeetingsResponse(meetings: meetings, page: listing.info)
    }

    /// 签到: an invitee, or a resident at a meeting open to residents. Idempotent.
    func checkIn(_ request: SessionV1.CheckInRequest) async throws -> SessionV1.Attendance {
        let person = try Validate.text(request.person, field: "person", limit: 100, required: true)
        var household = try Validate.text(request.household, field: "household", limit: 100)
        let meeting = try await store.find(request.meetingId, lock: "FOR SHARE OF m")
        do {
            try MeetingLifecycle.checkIn(meeting.state)
        } catch {
            throw SessionError.precondition(error)
        }
        if request.resident {
            guard meeting.body == .consultation, meeting.form.isOpenToResidents else {
                throw SessionError.failedPrecondition(
                    rule: "meeting.closed_to_residents", zh: "\(meeting.form.nameZH)不向居民开放签到",
                    en: "this meeting's form is not open to residents")
            }
        } else {
            let invitee = try await tx.query(
                "SELECT household FROM session.invitees WHERE county_code = $1 AND meeting_id = $2 AND person = $3",
                [.text(meeting.countyCode), .uuid(meeting.id), .text(person)])
            guard let row = invitee.first else {
                throw SessionError.failedPrecondition(
                    rule: "meeting.not_invited", zh: "\(person) 不在本次会议的应到人员名单中",
                    en: "\(person) is not invited to this meeting", figures: [.init("person", person)])
            }
            if household.isEmpty { household = try row["household"].decode(String.self) }
        }
        let stored = try await tx.query(
            """
            WITH inserted AS (
                INSERT INTO session.attendance (county_code, meeting_id, person, resident, unit_path, household, checked_in_at, recorded_by)
                VALUES ($1, $2, $3, $4, $5::ltree, $6, $7, $8)
                ON CONFLICT (county_code, meeting_id, resident, person) DO NOTHING
                RETURNING household, checked_in_at
            )
            SELECT household, checked_in_at, true AS fresh FROM inserted
            UNION ALL
            SELECT household, checked_in_at, false FROM session.attendance
             WHERE county_code = $1 AND meeting_id = $2 AND resident = $4 AND person = $3
            """,
            [.text(meeting.countyCode), .uuid(meeting.id), .text(person), .bool(request.resident), .text(meeting.unitPath),
             .text(household), .timestamp(scope.now), .text(scope.caller.principal)])
        guard let row = stored.first else { throw SessionError.notFound(what: "meeting") }
        if try row["fresh"].decode(Bool.self) {
            try await scope.audit("CheckIn", target: "meeting/\(meeting.id.canonicalText)", unitPath: meeting.unitPath,
                                  ["person": person, "resident": String(request.resident)])
        }
        return SessionV1.Attendance(
            meetingId: meeting.id.canonicalText, person: person, resident: request.resident,
            household: try row["household"].decode(String.self), checkedInAt: CommonV1.Timestamp(try row["checked_in_at"].decode(Date.self)))
    }

    /// Opens with quorum; without, only as an information session when asked for
    /// (FAILED_PRECONDITION `meeting.no_quorum` naming the counts otherwise). Idempotent.
    func open(_ request: SessionV1.OpenMeetingRequest) async throws -> SessionV1.Meeting {
        let meeting = try await store.find(request.meetingId, lock: "FOR UPDATE OF m")
        let view = try await store.view(meeting)
        if meeting.state == .open || meeting.state == .informationSession { return view.wire() }
        let next: MeetingState
        do {
            next = try MeetingLifecycle.open(quorum: view.quorum, informationSession: request.informationSession)
        } catch {
            throw SessionError.precondition(error, figures: view.quorum.errorFigures)
        }
        let opened = try await store.move(meeting, to: next, set: "opened_at = $4")
        return try await store.view(opened).wire()
    }

    /// Closes; a meeting with a vote still open is refused (`meeting.open_vote`). Idempotent.
    func close(_ request: SessionV1.CloseMeetingRequest) async throws -> SessionV1.Meeting {
        let meeting = try await store.find(request.meetingId, lock: "FOR UPDATE OF m")
        if meeting.state == .closed { return try await store.view(meeting).wire() }
        let openVotes = try await tx.queryValue(
            Int.self, "SELECT count(*) FROM session.votes WHERE county_code = $1 AND meeting_id = $2 AND state = \(VoteState.open.rawValue)",
            [.text(meeting.countyCode), .uuid(meeting.id)]) ?? 0
        guard openVotes == 0 else {
            throw SessionError.failedPrecondition(
                rule: "meeting.open_vote", zh: "尚有 \(openVotes) 项表决未结束", en: "\(openVotes) vote(s) still open; close them first")
        }
        let closed = try await store.move(meeting, to: .closed, set: "closed_at = $4")
        return try await store.view(closed).wire()
    }
}
