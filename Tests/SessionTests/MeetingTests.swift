import AgendaAPI
import Foundation
import SessionAPI
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinTesting

@Suite(.sessionService("session_meet", region: 41), .serialized)
struct MeetingTests {
    @Test("a meeting from a published plan snapshots its invitees; agenda hears the topic is in meeting; a non-invitee cannot check in")
    func meetingFromPlan() async throws {
        let harness = try SessionHarness.current
        let county = harness.county()
        let topic = try await county.plannedTopic()
        let meeting = try await county.meeting([topic])
        #expect(meeting.state == .scheduled && meeting.form == .deliberation && meeting.place == "村委会议室")
        #expect(meeting.invitees.count == 11)
        #expect(meeting.invitees.filter { $0.role == .fixedMember }.count == 9)
        #expect(meeting.invitees.first { $0.person == "王工" }?.role == .adHocMember)
        #expect(meeting.invitees.first { $0.person == "王工" }?.topicId == topic.id)
        #expect(meeting.invitees.first { $0.person == "镇干部列席" }?.role == .observer)
        #expect(meeting.quorum?.met == false && meeting.quorum?.figures.first?.required == 5)
        await expectStatus(.failedPrecondition, rule: "meeting.not_invited", "路人甲") {
            try await county.api.checkIn(.init(meetingId: meeting.id, person: "路人甲"), options: county.admin)
        }
        // 民主议事会 is not open to residents.
        await expectStatus(.failedPrecondition, rule: "meeting.closed_to_residents") {
            try await county.api.checkIn(.init(meetingId: meeting.id, person: "村民甲", resident: true), options: county.admin)
        }
        // Check-in is idempotent.
        let first = try await county.api.checkIn(.init(meetingId: meeting.id, person: "委员1"), options: county.admin)
        let again = try await county.api.checkIn(.init(meetingId: meeting.id, person: "委员1"), options: county.admin)
        #expect(first.checkedInAt == again.checkedInAt)
        let deliverer = harness.deliverer()
        try await eventually(deliver: deliverer) { try await county.agendaState(topic.id) == .inMeeting }
        // The same topic cannot be scheduled when it has no plan; an unknown topic is NOT_FOUND.
        await expectStatus(.notFound) {
            try await county.api.scheduleMeeting(
                .init(unitPath: county.village, topicIds: [UUID().uuidString.lowercased()], host: "h", recorder: "r"), options: county.admin)
        }
    }

    @Test("without quorum only an information session, which takes no decision (the counts named); with quorum decisions go ahead")
    func quorum() async throws {
        let county = try SessionHarness.current.county()
        let topic = try await county.plannedTopic()
        let meeting = try await county.meeting([topic])
        for person in ["委员1", "委员2", "委员3", "委员4", "王工"] {
            _ = try await county.api.checkIn(.init(meetingId: meeting.id, person: person), options: county.admin)
        }
        let refused = await expectStatus(.failedPrecondition, rule: "meeting.no_quorum", "4/9") {
            try await county.api.openMeeting(.init(meetingId: meeting.id), options: county.admin)
        }
        #expect(refused?.detail?.figures.contains { $0.name == "quorum.fixed_members.present" && $0.value == "4" } == true)
        let info = try await county.api.openMeeting(.init(meetingId: meeting.id, informationSession: true), options: county.admin)
        #expect(info.state == .informationSession && info.quorum?.met == false && info.present == 5)
        // Opinions are recorded; decisions are refused, naming the counts.
        _ = try await county.api.recordOpinion(
            .init(meetingId: meeting.id, topicId: topic.id, speaker: "委员1", position: .support, text: "同意修缮"), options: county.admin)
        await expectStatus(.failedPrecondition, rule: "meeting.no_quorum", "4/9") {
            try await county.api.endRound(.init(meetingId: meeting.id, topicId: topic.id, outcome: .consensus, summary: "修"), options: county.admin)
        }
        await expectStatus(.failedPrecondition, rule: "meeting.no_quorum") {
            try await county.api.openVote(.init(meetingId: meeting.id, topicId: topic.id, question: "是否修缮"), options: county.admin)
        }
        _ = try await county.api.closeMeeting(.init(meetingId: meeting.id), options: county.admin)

        // A later meeting of the same topic with five fixed members is quorate and decides.
        let second = try await county.meeting([topic])
        let opened = try await county.sit(second, ["委员1", "委员2", "委员3", "委员4", "委员5"])
        #expect(opened.state == .open && opened.quorum?.met == true)
        let progress = try await county.api.endRound(
            .init(meetingId: second.id, topicId: topic.id, outcome: .consensus, summary: "同意按方案修缮村道"), options: county.admin)
        #expect(progress.stage == .resolved && !progress.resultId.isEmpty && progress.rounds.count == 1)
        let result = try await county.api.getResult(.init(resultId: progress.resultId), options: county.admin)
        #expect(result.basis == .consensus && result.adopted && result.state == .draft && result.text == "同意按方案修缮村道")
    }

    @Test("opinions are append-only: a correction keeps the original and marks it superseded")
    func opinions() async throws {
        let county = try SessionHarness.current.county()
        let topic = try await county.plannedTopic()
        let meeting = try await county.sit(try await county.meeting([topic]), (1...5).map { "委员\($0)" })
        let original = try await county.api.recordOpinion(
            .init(meetingId: meeting.id, topicId: topic.id, speaker: "委员2", position: .oppose, text: "资金不足"), options: county.admin)
        #expect(original.round == 1)
        let corrected = try await county.api.correctOpinion(
            .init(opinionId: original.id, position: .conditional, text: "资金落实后支持"), options: county.admin)
        #expect(corrected.corrects == original.id && corrected.speaker == "委员2" && corrected.position == .conditional)
        let listed = try await county.api.listOpinions(.init(meetingId: meeting.id), options: county.admin).opinions
        #expect(listed.count == 2)
        #expect(listed.first { $0.id == original.id }?.superseded == true && listed.first { $0.id == original.id }?.text == "资金不足")
        await expectStatus(.failedPrecondition, rule: "opinion.superseded") {
            try await county.api.correctOpinion(.init(opinionId: original.id, text: "再改"), options: county.admin)
        }
        await expectStatus(.failedPrecondition, rule: "opinion.not_present") {
            try await county.api.recordOpinion(
                .init(meetingId: meeting.id, topicId: topic.id, speaker: "委员9", position: .support, text: "x"), options: county.admin)
        }
        // The database refuses changes whoever asks.
        let superuser = try SessionHarness.current.session.superuser
        await #expect(throws: (any Error).self) {
            try await superuser.execute("UPDATE session.opinions SET text = 'x' WHERE id = $1", [.uuid(UUID(uuidString: original.id)!)])
        }
    }

    @Test("a 坝坝会 lets residents check in, counted apart from the invitees and not toward the quorum; residents may speak; meetings are listed")
    func openAirMeeting() async throws {
        let county = try SessionHarness.current.county()
        let topic = try await county.plannedTopic("广场照明", form: .openAir)
        let meeting = try await county.meeting([topic])
        #expect(meeting.form == .openAir)
        for resident in ["村民甲", "村民乙", "村民丙"] {
            let attendance = try await county.api.checkIn(.init(meetingId: meeting.id, person: resident, resident: true), options: county.admin)
            #expect(attendance.resident)
        }
        _ = try await county.api.checkIn(.init(meetingId: meeting.id, person: "委员1"), options: county.admin)
        let seen = try await county.api.getMeeting(.init(meetingId: meeting.id), options: county.admin)
        #expect(seen.residentsPresent == 3 && seen.present == 1 && seen.quorum?.met == false)
        let opened = try await county.sit(meeting, ["委员2", "委员3", "委员4", "委员5"])
        #expect(opened.quorum?.met == true && opened.residentsPresent == 3)
        let spoken = try await county.api.recordOpinion(
            .init(meetingId: meeting.id, topicId: topic.id, speaker: "村民甲", position: .conditional, text: "灯要装在路口"), options: county.admin)
        #expect(spoken.speaker == "村民甲")
        let progress = try await county.api.getTopicProgress(.init(topicId: topic.id), options: county.admin)
        #expect(progress.stage == .deliberating && progress.nextRound == 1 && progress.maxRounds == 2)
        let listed = try await county.api.listMeetings(.init(unitPath: county.village, page: .init(pageSize: 10)), options: county.admin)
        #expect(listed.meetings.map(\.id) == [meeting.id] && listed.meetings.first?.invitees.isEmpty == true)
        // Another county's clerk sees none of it.
        let stranger = try SessionHarness.current.county()
        await expectStatus(.notFound) {
            try await stranger.api.getMeeting(.init(meetingId: meeting.id), options: stranger.admin)
        }
    }

    @Test("the session schema is distributable by county")
    func distributable() async throws {
        try await assertDistributable(schema: "session", on: try SessionHarness.current.session.superuser)
    }

    @Test("democracy days: a village's first Monday, the coming days, a town's calendar, a meeting off the day refused")
    func democracyDays() async throws {
        let county = try SessionHarness.current.county()
        let rules = county.caller("镇干部", ["session.read", "session.rules", "session.write"])
        let day = try await county.api.setDemocracyDay(.init(unitPath: county.village, kind: .nthWeekday, week: 1, weekday: 1), options: rules)
        #expect(day.description?.zh == "每月第一个星期一")
        _ = try await county.api.setDemocracyDay(.init(unitPath: county.town, kind: .dayOfMonth, day: 15), options: rules)
        let coming = try await county.api.listDemocracyDays(.init(unitPath: county.village, count: 3), options: rules)
        #expect(coming.days == [.init(year: 2025, month: 3, day: 3), .init(year: 2025, month: 4, day: 7), .init(year: 2025, month: 5, day: 5)])
        let calendar = try await county.api.getDemocracyCalendar(.init(unitPath: county.town, year: 2025), options: rules)
        #expect(calendar.entries.count == 2 && calendar.entries.allSatisfy { $0.days.count == 12 })
        #expect(calendar.entries.first { $0.unitPath == county.town }?.days.allSatisfy { $0.day == 15 } == true)
        await expectStatus(.invalidArgument) {
            try await county.api.setDemocracyDay(.init(unitPath: county.village, kind: .dayOfMonth, day: 32), options: rules)
        }
        // The plan's meeting is on 2025-03-04, a Tuesday: not the village's democracy day.
        let topic = try await county.plannedTopic()
        await expectStatus(.failedPrecondition, rule: "meeting.not_democracy_day", "2025-04-07") {
            try await county.api.scheduleMeeting(
                .init(unitPath: county.village, topicIds: [topic.id], host: "h", recorder: "r", onDemocracyDay: true), options: county.admin)
        }
    }
}
