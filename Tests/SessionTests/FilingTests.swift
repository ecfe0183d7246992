import AgendaAPI
import Foundation
import SessionAPI
import SessionCore
import Testing
import TongxinPostgres
import TongxinRPC
import TongxinSchemas
import TongxinTesting

@Suite(.sessionService("session_file", region: 43), .serialized)
struct FilingTests {
    /// Five villagers in households H1…H5 and five in H6…H10 (one each).
    static let villagers = (1...10).map { SessionV1.Invitee(person: "村民\($0)", name: "村民\($0)", household: "H\($0)") }

    @Test("failed rounds escalate to the villagers' assembly, where exactly half present is not quorate; its vote is published, objected to, filed; the outbox reaches agenda and a supervision endpoint that was down")
    func escalationToFiling() async throws {
        let harness = try SessionHarness.current
        let county = harness.county()
        let topic = try await county.plannedTopic("宅基地调整")
        let meeting = try await county.sit(try await county.meeting([topic]), (1...6).map { "委员\($0)" })
        // Two rounds without consensus (the suite allows two): the topic escalates.
        let first = try await county.api.endRound(
            .init(meetingId: meeting.id, topicId: topic.id, outcome: .notReached, summary: "分歧较大"), options: county.admin)
        #expect(first.stage == .deliberating && first.nextRound == 2)
        _ = try await county.api.recordOpinion(
            .init(meetingId: meeting.id, topicId: topic.id, speaker: "委员3", position: .oppose, text: "不同意调整"), options: county.admin)
        let second = try await county.api.endRound(
            .init(meetingId: meeting.id, topicId: topic.id, outcome: .notReached, summary: "仍未达成共识"), options: county.admin)
        #expect(second.stage == .escalated && second.escalatedTo == .villagersAssembly && second.rounds.count == 2)
        await expectStatus(.failedPrecondition, rule: "round.topic_stage") {
            try await county.api.endRound(.init(meetingId: meeting.id, topicId: topic.id, outcome: .consensus, summary: "x"), options: county.admin)
        }
        _ = try await county.api.closeMeeting(.init(meetingId: meeting.id), options: county.admin)

        // The assembly: 10 days' notice (Organic Law art. 21).
        let now = harness.session.clock.now()
        await expectStatus(.failedPrecondition, rule: "body.notice") {
            try await county.api.scheduleMeeting(
                .init(unitPath: county.village, body: .villagersAssembly, topicIds: [topic.id], host: "主任", recorder: "文书",
                      members: Self.villagers, households: 10, meetingAt: stamp(now.addingTimeInterval(9 * 86400)), place: "村广场"),
                options: county.admin)
        }
        let assembly = try await county.api.scheduleMeeting(
            .init(unitPath: county.village, body: .villagersAssembly, topicIds: [topic.id], host: "主任", recorder: "文书",
                  members: Self.villagers, households: 10, meetingAt: stamp(now.addingTimeInterval(11 * 86400)), place: "村广场"),
            options: county.admin)
        for person in (1...5).map({ "村民\($0)" }) {
            _ = try await county.api.checkIn(.init(meetingId: assembly.id, person: person), options: county.admin)
        }
        // 5 of 10 villagers is exactly half (过半数 needs 6); 5 of 10 households is short of two thirds (7).
        await expectStatus(.failedPrecondition, rule: "meeting.no_quorum", "5/10") {
            try await county.api.openMeeting(.init(meetingId: assembly.id), options: county.admin)
        }
        _ = try await county.api.checkIn(.init(meetingId: assembly.id, person: "村民6"), options: county.admin)
        let opened = try await county.api.openMeeting(.init(meetingId: assembly.id), options: county.admin)
        #expect(opened.state == .open && opened.quorum?.met == true)
        // The assembly decides by 过半数 of those present (6): 4 in favour passes.
        let vote = try await county.api.openVote(
            .init(meetingId: assembly.id, topicId: topic.id, question: "是否同意宅基地调整方案", method: .secret), options: county.admin)
        #expect(vote.threshold?.inclusive == false && vote.threshold?.over == .present && vote.present == 6)
        for index in 1...4 {
            _ = try await county.api.castVote(.init(voteId: vote.id, voter: "村民\(index)", choice: .for), options: county.caller("村民\(index)"))
        }
        _ = try await county.api.castVote(.init(voteId: vote.id, voter: "村民5", choice: .against), options: county.caller("村民5"))
        let closed = try await county.api.closeVote(.init(voteId: vote.id), options: county.admin)
        #expect(closed.tally?.passed == true && closed.tally?.required == 4)
        // A secret ballot's choices name nobody.
        let named = try await harness.session.superuser.query(
            "SELECT count(*) FROM session.ballots WHERE vote_id = $1 AND voter IS NOT NULL", [.uuid(UUID(uuidString: vote.id)!)])
        #expect(try named.first?[0].decode(Int.self) == 0)
        _ = try await county.api.closeMeeting(.init(meetingId: assembly.id), options: county.admin)

        // Publication, objection, filing.
        let resultID = closed.resultId
        await expectStatus(.failedPrecondition, rule: "result.not_published") {
            try await county.api.fileResult(.init(resultId: resultID), options: county.admin)
        }
        let published = try await county.api.publishResult(.init(resultId: resultID), options: county.admin)
        #expect(published.state == .published && published.noticeDays == 5)
        let lastDay = try #require(published.noticeLastDay)
        await expectStatus(.failedPrecondition, rule: "result.notice_running", "\(lastDay.year)") {
            try await county.api.fileResult(.init(resultId: resultID), options: county.admin)
        }
        await expectStatus(.failedPrecondition, rule: "result.published") {
            try await county.api.amendResult(.init(resultId: resultID, text: "改"), options: county.admin)
        }
        let objection = try await county.api.raiseObjection(
            .init(resultId: resultID, text: "调整方案未公示附图"), options: county.caller("村民7", ["session.vote", "session.read"]))
        #expect(objection.objector == "村民7" && objection.state == .open)
        harness.session.clock.advance(by: 6 * 86400)
        await expectStatus(.failedPrecondition, rule: "objection.not_in_notice") {
            try await county.api.raiseObjection(.init(resultId: resultID, text: "晚了"), options: county.caller("村民8"))
        }
        await expectStatus(.failedPrecondition, rule: "result.open_objection") {
            try await county.api.fileResult(.init(resultId: resultID), options: county.admin)
        }
        _ = try await county.api.resolveObjection(
            .init(objectionId: objection.id, upheld: false, answer: "附图已在公示栏补充张贴"), options: county.admin)

        // Supervision is down when the result is filed.
        let filed = try await county.api.fileResult(.init(resultId: resultID), options: county.admin)
        #expect(filed.state == .filed && !filed.filingId.isEmpty)
        #expect(try await county.api.fileResult(.init(resultId: resultID), options: county.admin).filingId == filed.filingId)
        await expectStatus(.failedPrecondition, rule: "result.filed") {
            try await county.api.amendResult(.init(resultId: resultID, text: "改"), options: county.admin)
        }
        await #expect(throws: (any Error).self) {
            try await harness.session.superuser.execute("UPDATE session.results SET text = 'x' WHERE id = $1", [.uuid(UUID(uuidString: resultID)!)])
        }
        let deliverer = harness.deliverer()
        try await eventually(deliver: deliverer) { try await county.agendaState(topic.id) == .filed }
        let failedPass = try await deliverer.deliverPending()
        #expect(failedPass.delivered == 0)
        let waiting = try await harness.session.superuser.query(
            "SELECT attempts, last_error FROM session.outbox WHERE destination = 'supervision' AND delivered_at IS NULL AND ordering_key = $1",
            [.text("filing/" + filed.filingId)])
        #expect(waiting.count == 1)
        #expect(try waiting.first?["attempts"].decode(Int.self) ?? 0 >= 1)
        #expect(harness.supervision.received.filter { $0.filingId == filed.filingId }.isEmpty)

        // The session service restarts (a new deliverer on a new pool); supervision comes up.
        let restartedPool = try harness.session.database.pool(role: "session_svc")
        let restarted = harness.deliverer(pool: restartedPool)
        try await harness.supervision.listen()
        try await eventually(deliver: restarted) { !harness.supervision.received.filter { $0.filingId == filed.filingId }.isEmpty }
        for _ in 0..<3 { _ = try await restarted.deliverPending() }
        let cases = harness.supervision.received.filter { $0.filingId == filed.filingId }
        #expect(cases.count == 1)
        #expect(cases.first?.resultId == resultID && cases.first?.topicId == topic.id && cases.first?.unitPath == county.village)
        #expect(cases.first?.title == "宅基地调整" && cases.first?.meetingId == assembly.id)
        let pending = try await harness.session.superuser.query("SELECT count(*) FROM session.outbox WHERE delivered_at IS NULL")
        #expect(try pending.first?[0].decode(Int.self) == 0)
        await restartedPool.close()

        // The minutes of the assembly, signed off by host and recorder.
        let minutes = try await county.api.getMinutes(.init(meetingId: assembly.id), options: county.admin)
        #expect(minutes.text.contains("村民会议会议纪要") && minutes.text.contains("同意 4/6") && minutes.text.contains("宅基地调整"))
        #expect(minutes.topics.first?.votes.count == 1 && !minutes.signedOff)
        await expectStatus(.failedPrecondition, rule: "minutes.not_signatory") {
            try await county.api.signMinutes(.init(meetingId: assembly.id, role: .host), options: county.admin)
        }
        _ = try await county.api.signMinutes(.init(meetingId: assembly.id, role: .host), options: county.caller("主任"))
        let signed = try await county.api.signMinutes(.init(meetingId: assembly.id, role: .recorder), options: county.caller("文书"))
        #expect(signed.signedOff && signed.signatures.count == 2 && signed.digest == minutes.digest)
        // The consultation's minutes show both rounds and the opinion.
        let consultation = try await county.api.getMinutes(.init(meetingId: meeting.id), options: county.admin)
        #expect(consultation.text.contains("第2轮结果：未达成共识") && consultation.text.contains("委员3（反对）：不同意调整"))
    }

    @Test("an upheld objection sends the result back to draft, to be amended and published again")
    func upheldObjection() async throws {
        let harness = try SessionHarness.current
        let county = harness.county()
        let topic = try await county.plannedTopic("路灯安装")
        let meeting = try await county.sit(try await county.meeting([topic]), (1...5).map { "委员\($0)" })
        let progress = try await county.api.endRound(
            .init(meetingId: meeting.id, topicId: topic.id, outcome: .consensus, summary: "安装路灯十盏"), options: county.admin)
        _ = try await county.api.publishResult(.init(resultId: progress.resultId, noticeDays: 3), options: county.admin)
        let objection = try await county.api.raiseObjection(.init(resultId: progress.resultId, objector: "村民甲", text: "数量不够"), options: county.admin)
        _ = try await county.api.resolveObjection(.init(objectionId: objection.id, upheld: true, answer: "增加至十二盏"), options: county.admin)
        let draft = try await county.api.getResult(.init(resultId: progress.resultId), options: county.admin)
        #expect(draft.state == .draft && draft.openObjections == 0)
        let amended = try await county.api.amendResult(.init(resultId: progress.resultId, text: "安装路灯十二盏"), options: county.admin)
        #expect(amended.text == "安装路灯十二盏")
        let republished = try await county.api.publishResult(.init(resultId: progress.resultId), options: county.admin)
        #expect(republished.state == .published && republished.noticeDays == 5)
        harness.session.clock.advance(by: 6 * 86400)
        let filed = try await county.api.fileResult(.init(resultId: progress.resultId), options: county.admin)
        #expect(filed.state == .filed)
        try await eventually(deliver: harness.deliverer()) { try await county.agendaState(topic.id) == .filed }
    }
}
