import AgendaAPI
import Foundation
import SessionAPI
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinTesting

@Suite(.sessionService("session_vote", region: 42), .serialized)
struct VoteTests {
    /// Casts `n` electronic ballots by 委员1…委员n with `choice`, from index `from`.
    static func cast(_ county: County, _ vote: SessionV1.Vote, from: Int, count: Int, _ choice: SessionV1.Choice) async throws {
        for index in from..<(from + count) {
            _ = try await county.api.castVote(.init(voteId: vote.id, voter: "委员\(index)", choice: choice), options: county.caller("委员\(index)"))
        }
    }

    @Test("thresholds at their boundaries, electronic and paper ballots together: 90 of 100 passes 90%以上 and 89 fails; 50 of 100 fails 过半数 and 51 passes")
    func boundaries() async throws {
        let county = try SessionHarness.current.county()
        var topics: [AgendaV1.Topic] = []
        for title in ["旧院落改造A", "旧院落改造B", "停车位规划C", "停车位规划D"] {
            topics.append(try await county.plannedTopic(title, members: 100, expert: false))
        }
        let meeting = try await county.meeting(topics)
        let opened = try await county.sit(meeting, (1...100).map { "委员\($0)" })
        #expect(opened.present == 100 && opened.quorum?.met == true)
        let ninety = SessionV1.VoteThreshold(fraction: .init(numerator: 90, denominator: 100), over: .eligible, inclusive: true)
        let majority = SessionV1.VoteThreshold(fraction: .init(numerator: 1, denominator: 2), over: .present, inclusive: false)
        let recorder = county.caller("记录人")
        // (topic, threshold, for, against): 10 electronic ballots in favour, the rest on paper.
        let cases: [(AgendaV1.Topic, SessionV1.VoteThreshold, Int32, Int32, Bool)] = [
            (topics[0], ninety, 90, 10, true), (topics[1], ninety, 89, 11, false),
            (topics[2], majority, 50, 50, false), (topics[3], majority, 51, 49, true),
        ]
        for (topic, threshold, inFavour, against, passes) in cases {
            let vote = try await county.api.openVote(
                .init(meetingId: meeting.id, topicId: topic.id, question: "是否通过「\(topic.title)」", method: .open, threshold: threshold),
                options: county.admin)
            #expect(vote.eligible == 100 && vote.present == 100)  // the observer does not vote
            try await Self.cast(county, vote, from: 1, count: 10, .for)
            _ = try await county.api.recordPaperBallots(
                .init(voteId: vote.id, counts: .init(inFavour: inFavour - 10, against: against, abstaining: 0)), options: recorder)
            let closed = try await county.api.closeVote(.init(voteId: vote.id), options: county.admin)
            let tally = try #require(closed.tally)
            #expect(tally.passed == passes, "\(topic.title): \(tally.explanation?.zh ?? "")")
            #expect(tally.electronic?.inFavour == 10 && tally.paper?.inFavour == inFavour - 10 && tally.total?.inFavour == inFavour)
            let result = try await county.api.getResult(.init(resultId: closed.resultId), options: county.admin)
            #expect(result.basis == .vote && result.adopted == passes && result.voteId == vote.id)
        }
    }

    @Test("the eligible base counts the whole electorate, the absent expert included: 9 of 10 is exactly 90% and passes, with the figures shown")
    func figures() async throws {
        let county = try SessionHarness.current.county()
        let topic = try await county.plannedTopic(members: 9)
        let meeting = try await county.sit(try await county.meeting([topic]), (1...9).map { "委员\($0)" })
        let vote = try await county.api.openVote(
            .init(meetingId: meeting.id, topicId: topic.id, question: "是否启动改造",
                  threshold: .init(fraction: .init(numerator: 9, denominator: 10), over: .eligible, inclusive: true)),
            options: county.admin)
        // Electorate: 9 members and the expert = 10; 9 of 10 is exactly 90%.
        try await Self.cast(county, vote, from: 1, count: 9, .for)
        let closed = try await county.api.closeVote(.init(voteId: vote.id), options: county.admin)
        #expect(closed.tally?.passed == true && closed.tally?.baseCount == 10 && closed.tally?.required == 9)
        #expect(closed.tally?.explanation?.zh.contains("不少于十分之九") == true)
    }

    @Test("one ballot per voter: a second is ALREADY_EXISTS, a changeable vote replaces it, after the close FAILED_PRECONDITION")
    func ballots() async throws {
        let county = try SessionHarness.current.county()
        let first = try await county.plannedTopic("议题一")
        let second = try await county.plannedTopic("议题二")
        let meeting = try await county.sit(try await county.meeting([first, second]), (1...6).map { "委员\($0)" })
        let fixed = try await county.api.openVote(.init(meetingId: meeting.id, topicId: first.id, question: "一"), options: county.admin)
        _ = try await county.api.castVote(.init(voteId: fixed.id, voter: "委员1", choice: .for), options: county.caller("委员1"))
        await expectStatus(.alreadyExists) {
            try await county.api.castVote(.init(voteId: fixed.id, voter: "委员1", choice: .against), options: county.caller("委员1"))
        }
        await expectStatus(.failedPrecondition, rule: "vote.not_in_electorate") {
            try await county.api.castVote(.init(voteId: fixed.id, voter: "镇干部列席", choice: .for), options: county.admin)
        }
        // The caller's own principal when no voter is named.
        let own = try await county.api.castVote(.init(voteId: fixed.id, choice: .against), options: county.caller("委员2"))
        #expect(own.voter == "委员2" && own.ballotsCast == 2)
        // Paper ballots only by the recorder, and naming a voter who voted electronically is refused.
        await expectStatus(.failedPrecondition, rule: "vote.not_recorder") {
            try await county.api.recordPaperBallots(.init(voteId: fixed.id, counts: .init(inFavour: 1)), options: county.admin)
        }
        await expectStatus(.alreadyExists) {
            try await county.api.recordPaperBallots(.init(voteId: fixed.id, counts: .init(inFavour: 1), voters: ["委员1"]), options: county.caller("记录人"))
        }
        _ = try await county.api.recordPaperBallots(.init(voteId: fixed.id, counts: .init(inFavour: 1), voters: ["委员3"]), options: county.caller("记录人"))
        await expectStatus(.alreadyExists) {
            try await county.api.castVote(.init(voteId: fixed.id, voter: "委员3", choice: .for), options: county.caller("委员3"))
        }
        let closed = try await county.api.closeVote(.init(voteId: fixed.id), options: county.admin)
        // 过半数 of the 6 present needs 4: 2 in favour fails.
        #expect(closed.tally?.total?.inFavour == 2 && closed.tally?.total?.against == 1 && closed.tally?.passed == false)
        await expectStatus(.failedPrecondition, rule: "vote.closed") {
            try await county.api.castVote(.init(voteId: fixed.id, voter: "委员4", choice: .for), options: county.caller("委员4"))
        }
        // Closing again answers the same vote.
        #expect(try await county.api.closeVote(.init(voteId: fixed.id), options: county.admin).resultId == closed.resultId)

        await expectStatus(.invalidArgument, rule: "vote.secret_changeable") {
            try await county.api.openVote(
                .init(meetingId: meeting.id, topicId: second.id, question: "二", method: .secret, changeable: true), options: county.admin)
        }
        let changeable = try await county.api.openVote(
            .init(meetingId: meeting.id, topicId: second.id, question: "二", method: .open, changeable: true), options: county.admin)
        _ = try await county.api.castVote(.init(voteId: changeable.id, voter: "委员1", choice: .against), options: county.caller("委员1"))
        let replaced = try await county.api.castVote(.init(voteId: changeable.id, voter: "委员1", choice: .for), options: county.caller("委员1"))
        #expect(replaced.replaced && replaced.ballotsCast == 1)
        let tally = try await county.api.closeVote(.init(voteId: changeable.id), options: county.admin).tally
        #expect(tally?.total?.inFavour == 1 && tally?.total?.against == 0)
    }

    @Test("60 voters at once with a close racing them: every accepted ballot is counted, none after the close")
    func concurrentBallots() async throws {
        let county = try SessionHarness.current.county()
        let topic = try await county.plannedTopic("并发表决", members: 60, expert: false)
        let meeting = try await county.sit(try await county.meeting([topic]), (1...60).map { "委员\($0)" })
        let vote = try await county.api.openVote(
            .init(meetingId: meeting.id, topicId: topic.id, question: "并发", method: .secret), options: county.admin)
        let accepted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 1...60 {
                group.addTask {
                    do {
                        _ = try await county.api.castVote(.init(voteId: vote.id, voter: "委员\(index)", choice: .for), options: county.caller("委员\(index)"))
                        return true
                    } catch let error as RPCError where error.code == .failedPrecondition {
                        return false  // after the close
                    }
                }
            }
            group.addTask {
                try await Task.sleep(for: .milliseconds(20))
                _ = try await county.api.closeVote(.init(voteId: vote.id), options: county.admin)
                return false
            }
            var count = 0
            for try await ok in group where ok { count += 1 }
            return count
        }
        let closed = try await county.api.getVote(.init(voteId: vote.id), options: county.admin)
        #expect(closed.state == .closed)
        #expect(closed.tally?.total?.inFavour == Int32(accepted) && closed.ballotsCast == Int32(accepted))
    }
}
