import AgendaAPI
import ArgumentParser
import Foundation
import SessionAPI
import TongxinRPC
import TongxinSchemas
import TongxinService

/// A sitting of the session service for `cast-vote` and `get-minutes`: an urgent topic in a
/// county of the agenda service (``AgendaFixture``, units registered in membership first when
/// it runs), adopted, with a meeting plan of `voters` fixed members 委员1…N; a meeting
/// scheduled from it in the session service, everyone checked in, opened, and a vote opened.
///
/// - `cast-vote`: every call is one CastVote by one of the `voters` members, round robin, so
///   `--concurrency 200` is 200 voters voting at once; the vote is changeable, so after the
///   first round of ballots a call replaces its voter's ballot (the same checks and locks, an
///   UPDATE instead of two INSERTs).
/// - `get-minutes`: the vote closed, `opinions` opinions recorded; every call generates the
///   minutes (structured and text, with the digest) of the 200-member meeting.
struct SessionFixture {
    var meetingID: String
    var voteID: String
    var options: CallOptions
    var voters: Int

    static func create(
        client: RPCClient, agendaPort: Int, membershipPort: Int?, voters: Int, opinions: Int, closeVote: Bool
    ) async throws -> SessionFixture {
        guard let secret = ProcessInfo.processInfo.environment["TONGXIN_AUTH_SECRET"] else {
            throw ValidationError("the session methods need TONGXIN_AUTH_SECRET (see .tongxin/secrets.env)")
        }
        let agendaFixture = try await AgendaFixture.create(membershipPort: membershipPort)
        let village = agendaFixture.villages[0]
        let agendaClient = RPCClient(configuration: .init(host: "127.0.0.1", port: agendaPort, connectTimeout: .seconds(2)))
        defer { Task { await agendaClient.close() } }
        let authority = TokenAuthority(
            secret: Array(secret.utf8),
            keyID: ProcessInfo.processInfo.environment["TONGXIN_AUTH_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? TokenAuthority.defaultSecretKeyID)
        func options(_ audience: String, _ permissions: Set<String>) -> CallOptions {
            var metadata = Metadata()
            metadata.authorization = "Bearer " + authority.issue(Caller(
                principal: "tongxin-bench", unitPath: agendaFixture.countyPath, permissions: permissions, audience: audience,
                now: Int64(Date().timeIntervalSince1970), lifetime: TokenAuthority.defaultMaximumLifetime, issuer: "tongxin-bench"))
            return CallOptions(timeout: .seconds(30), metadata: metadata)
        }
        let agendaOptions = options("agenda", ["agenda.read", "agenda.write"])
        let agenda = AgendaV1.Agenda.Client(agendaClient)
        let topic = try await agenda.createTopic(
            .init(unitPath: village, title: "基准议题：旧院落改造", category: .infrastructure, scale: .urgent, source: .partyCommittee),
            options: agendaOptions)
        _ = try await agenda.approveTopic(
            .init(topicId: topic.id, meetingOn: .init(year: 2025, month: 3, day: 3), present: ["两委1"], ballots: [.init(voter: "两委1", vote: .for)]),
            options: agendaOptions)
        let members = (1...voters).map { "委员\($0)" }
        _ = try await agenda.publishMeetingPlan(
            .init(topicId: topic.id, meetingAt: CommonV1.Timestamp(seconds: Int64(Date().timeIntervalSince1970) + 3600, nanos: 0),
                  place: "村委会议室", form: .deliberation, participants: members.map { .init(person: $0, role: .fixedMember) }, agenda: ["表决"]),
            options: agendaOptions)

        let sessionOptions = options("session", ["session.read", "session.write", "session.vote"])
        let session = SessionV1.Session.Client(client)
        let meeting = try await session.scheduleMeeting(
            .init(unitPath: village, topicIds: [topic.id], host: "tongxin-bench", recorder: "tongxin-bench"), options: sessionOptions)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for slice in 0..<16 {
                group.addTask {
                    for member in members.enumerated() where member.offset % 16 == slice {
                        _ = try await session.checkIn(.init(meetingId: meeting.id, person: member.element), options: sessionOptions)
                    }
                }
            }
            try await group.waitForAll()
        }
        _ = try await session.openMeeting(.init(meetingId: meeting.id), options: sessionOptions)
        for index in 0..<opinions {
            _ = try await session.recordOpinion(
                .init(meetingId: meeting.id, topicId: topic.id, speaker: members[index % members.count], position: .init(rawValue: Int32(1 + index % 4)),
                      text: "基准发言 \(index)：关于旧院落改造的意见和建议"),
                options: sessionOptions)
        }
        let vote = try await session.openVote(
            .init(meetingId: meeting.id, topicId: topic.id, question: "是否同意旧院落改造方案", method: .open,
                  threshold: .init(fraction: .init(numerator: 90, denominator: 100), over: .eligible, inclusive: true), changeable: true),
            options: sessionOptions)
        if closeVote {
            for member in members.prefix(voters * 9 / 10) {
                _ = try await session.castVote(.init(voteId: vote.id, voter: member, choice: .for), options: sessionOptions)
            }
            _ = try await session.closeVote(.init(voteId: vote.id), options: sessionOptions)
        }
        return SessionFixture(meetingID: meeting.id, voteID: vote.id, options: sessionOptions, voters: voters)
    }

    func castCall(_ client: RPCClient) -> @Sendable () async throws -> Void {
        let api = SessionV1.Session.Client(client)
        let counter = PersonCounter()
        let voters = voters
        let voteID = voteID
        let options = options
        return {
            let index = counter.next()
            _ = try await api.castVote(
                .init(voteId: voteID, voter: "委员\(1 + index % voters)", choice: index % 5 == 0 ? .against : .for), options: options)
        }
    }

    func minutesCall(_ client: RPCClient) -> @Sendable () async throws -> Void {
        let api = SessionV1.Session.Client(client)
        let request = SessionV1.GetMinutesRequest(meetingId: meetingID)
        let options = options
        return {
            let minutes = try await api.getMinutes(request, options: options)
            guard minutes.text.count > 100 else { throw ValidationError("minutes of \(minutes.text.count) characters") }
        }
    }
}
