import Crypto
import Foundation
import SessionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 会议纪要 (issue 10 §8): generated from the record — attendance, opinions, rounds, votes,
/// outcomes — as structured data and as text, the same text for the same record; signed
/// off by the host and the recorder (each signature keeps the digest of the text signed,
/// so a later correction shows as a signature of another text).
struct MinutesOperations {
    let scope: CallScope
    let environment: SessionEnvironment

    private var tx: PostgresTransaction { scope.tx }
    private var meetings: MeetingStore { MeetingStore(scope: scope, quorumRules: environment.quorum) }

    func get(_ request: SessionV1.GetMinutesRequest) async throws -> SessionV1.Minutes {
        try await minutes(try await meetings.find(request.meetingId))
    }

    func minutes(_ meeting: MeetingRecord) async throws -> SessionV1.Minutes {
        let view = try await meetings.view(meeting)
        let binds: [PostgresValue] = [.text(meeting.countyCode), .uuid(meeting.id)]
        let rows = try await tx.queries([
            ("SELECT \(OpinionRecord.columns) FROM session.opinions o WHERE o.county_code = $1 AND o.meeting_id = $2 ORDER BY o.recorded_at, o.id", binds),
            ("SELECT \(RoundRecord.columns) FROM session.rounds r WHERE r.county_code = $1 AND r.meeting_id = $2 ORDER BY r.topic_id, r.number", binds),
            ("SELECT \(VoteRecord.columns) FROM session.votes v WHERE v.county_code = $1 AND v.meeting_id = $2 ORDER BY v.opened_at, v.id", binds),
            ("SELECT \(ResultRecord.columns) FROM session.results r WHERE r.county_code = $1 AND r.meeting_id = $2 ORDER BY r.created_at, r.id", binds),
            ("SELECT role, signer, digest, signed_at FROM session.minutes_signatures WHERE county_code = $1 AND meeting_id = $2 ORDER BY role", binds),
        ])
        let opinions = try rows[0].map(OpinionRecord.init(row:))
        let rounds = try rows[1].map(RoundRecord.init(row:))
        let votes = try rows[2].map(VoteRecord.init(row:))
        let results = try rows[3].map(ResultRecord.init(row:))
        let topics = view.topics.map { topic in
            SessionV1.MinutesTopic(
                topicId: topic.topicID.canonicalText, title: topic.title,
                opinions: opinions.filter { $0.topicID == topic.topicID }.map(\.wire),
                rounds: rounds.filter { $0.topicID == topic.topicID }.map(\.wire),
                votes: votes.filter { $0.topicID == topic.topicID }.map(\.wire),
                results: results.filter { $0.topicID == topic.topicID }.map(\.wire))
        }
        let text = Self.render(view: view, opinions: opinions, rounds: rounds, votes: votes, results: results, timeZone: environment.timeZone)
        let digest = Self.digest(text)
        let signatures = try rows[4].map { row in
            SessionV1.Signature(
                role: SessionV1.SignatoryRole(rawValue: Int32(try row["role"].decode(Int.self))), signer: try row["signer"].decode(String.self),
                signedAt: CommonV1.Timestamp(try row["signed_at"].decode(Date.self)), digest: try row["digest"].decode(String.self))
        }
        let signedOff = Set(signatures.filter { $0.digest == digest }.map(\.role.rawValue)) == [1, 2]
        return SessionV1.Minutes(meeting: view.wire(), topics: topics, text: text, digest: digest, signatures: signatures, signedOff: signedOff)
    }

    /// 签字: the meeting's host (role HOST) or recorder (RECORDER) signs the minutes as they
    /// stand, once the meeting is closed. Signing the same text again changes nothing.
    func sign(_ request: SessionV1.SignMinutesRequest) async throws -> SessionV1.Minutes {
        guard request.role.rawValue == 1 || request.role.rawValue == 2 else { throw SessionError.missing("role") }
        let meeting = try await meetings.find(request.meetingId, lock: "FOR UPDATE OF m")
        guard meeting.state == .closed else {
            throw SessionError.failedPrecondition(rule: "minutes.meeting_open", zh: "会议结束后方可签署纪要", en: "minutes are signed after the meeting closes")
        }
        let signatory = request.role.rawValue == 1 ? meeting.host : meeting.recorder
        guard scope.caller.principal == signatory else {
            throw SessionError.failedPrecondition(
                rule: "minutes.not_signatory", zh: "纪要须由\(request.role.rawValue == 1 ? "主持人" : "记录人") \(signatory) 本人签署",
                en: "the minutes are signed by the \(request.role.rawValue == 1 ? "host" : "recorder") \(signatory) in person")
        }
        let current = try await minutes(meeting)
        _ = try await tx.execute(
            """
            INSERT INTO session.minutes_signatures AS s (county_code, meeting_id, role, unit_path, signer, digest, signed_at)
            VALUES ($1, $2, $3, $4::ltree, $5, $6, $7)
            ON CONFLICT (county_code, meeting_id, role) DO UPDATE SET signer = excluded.signer, digest = excluded.digest, signed_at = excluded.signed_at
             WHERE s.digest <> excluded.digest
            """,
            [.text(meeting.countyCode), .uuid(meeting.id), .int(Int64(request.role.rawValue)), .text(meeting.unitPath), .text(signatory),
             .text(current.digest), .timestamp(scope.now)])
        try await scope.audit("SignMinutes", target: "meeting/\(meeting.id.canonicalText)", unitPath: meeting.unitPath,
                              ["role": String(request.role.rawValue), "digest": current.digest])
        return try await minutes(meeting)
    }

    static func digest(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var hex: [UInt8] = []
        hex.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(text.utf8)) {
            hex.append(digits[Int(byte >> 4)])
            hex.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: hex, as: UTF8.self)
    }

    /// `2025-03-04 10:00` in `timeZone`, by integer arithmetic (no formatter per call).
    static func localTime(_ instant: Date, _ timeZone: TimeZone) -> String {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down)) + timeZone.secondsFromGMT(for: instant)
        let days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400
        let minuteOfDay = (seconds - days * 86400) / 60
        let hour = minuteOfDay / 60, minute = minuteOfDay % 60
        return "\(LocalDate(daysSinceEpoch: days)) \(hour < 10 ? "0" : "")\(hour):\(minute < 10 ? "0" : "")\(minute)"
    }

    static func render(
        view: MeetingView, opinions: [OpinionRecord], rounds: [RoundRecord], votes: [VoteRecord], results: [ResultRecord], timeZone: TimeZone
    ) -> String {
        let meeting = view.meeting
        var lines: [String] = []
        lines.append("\(meeting.body == .consultation ? meeting.form.nameZH : meeting.body.nameZH)会议纪要")
        lines.append("时间：\(Self.localTime(meeting.meetingAt, timeZone))")
        if !meeting.place.isEmpty { lines.append("地点：\(meeting.place)") }
        lines.append("主持人：\(meeting.host)　记录人：\(meeting.recorder)")
        let present = view.invitees.filter(\.present)
        let absent = view.invitees.filter { !$0.present && $0.role != .observer }
        lines.append("应到 \(view.invitees.filter { $0.role.votes }.count) 人，实到 \(present.filter { $0.role.votes }.count) 人；列席 \(present.filter { $0.role == .observer }.count) 人；到会群众 \(view.residentsPresent) 人")
        lines.append("出席：" + (present.isEmpty ? "无" : present.map { $0.name.isEmpty ? $0.person : $0.name }.joined(separator: "、")))
        if !absent.isEmpty { lines.append("缺席：" + absent.map { $0.name.isEmpty ? $0.person : $0.name }.joined(separator: "、")) }
        lines.append("法定人数：\(view.quorum.descriptionZH)")
        lines.append("会议状态：\(meeting.state.nameZH)")
        for (index, topic) in view.topics.enumerated() {
            lines.append("")
            lines.append("议题\(ChineseNumerals.text(index + 1))：\(topic.title)")
            let spoken = opinions.filter { $0.topicID == topic.topicID }
            let superseded = Set(spoken.filter(\.superseded).map(\.id))
            for opinion in spoken where !superseded.contains(opinion.id) {
                let note = opinion.corrects == nil ? "" : "（更正）"
                lines.append("  第\(opinion.round)轮 \(opinion.speaker)（\(opinion.position.nameZH)）\(note)：\(opinion.text)")
            }
            for round in rounds where round.topicID == topic.topicID {
                lines.append("  第\(round.number)轮结果：\(round.outcome.nameZH)\(round.summary.isEmpty ? "" : "。" + round.summary)")
            }
            for vote in votes where vote.topicID == topic.topicID {
                let method = vote.method == .secret ? "无记名投票" : "记名表决"
                if let electronic = vote.electronic {
                    let tally = Tally(electronic: electronic, paper: vote.paper, outcome: vote.rule.evaluate(inFavour: (electronic + vote.paper).inFavour, figures: vote.figures))
                    lines.append("  表决（\(method)）：\(vote.question)。\(tally.descriptionZH)")
                } else {
                    lines.append("  表决（\(method)）：\(vote.question)。表决进行中")
                }
            }
            for result in results where result.topicID == topic.topicID {
                lines.append("  协商意见（\(result.basis == .consensus ? "协商一致" : "表决")，\(result.adopted ? "通过" : "未通过")）：\(result.text)")
            }
        }
        return lines.joined(separator: "\n")
    }
}
