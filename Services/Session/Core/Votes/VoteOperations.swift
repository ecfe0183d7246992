import Foundation
import SessionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

struct VoteRecord: PostgresRecord {
    var id: UUID
    var meetingID: UUID
    var topicID: UUID
    var unitPath: String
    var countyCode: String
    var question: String
    var method: BallotMethod
    var rule: VoteRule
    var changeable: Bool
    var state: VoteState
    var figures: VoteFigures
    var paper: BallotCounts
    var electronic: BallotCounts?
    var passed: Bool?
    var required: Int?
    var resultID: UUID?
    var openedAt: Date
    var closedAt: Date?
    var ballotsCast: Int

    static let columns = """
        v.id, v.meeting_id, v.topic_id, v.unit_path::text AS unit_path, v.county_code, v.question, v.method, v.numerator, v.denominator, \
        v.inclusive, v.base, v.changeable, v.state, v.eligible, v.present, v.households, v.paper_for, v.paper_against, v.paper_abstain, \
        v.e_for, v.e_against, v.e_abstain, v.passed, v.required, v.result_id, v.opened_at, v.closed_at, \
        (SELECT count(*) FROM session.voters w WHERE w.county_code = v.county_code AND w.vote_id = v.id AND w.origin = 1) \
          + v.paper_for + v.paper_against + v.paper_abstain AS ballots_cast
        """

    init(row: PostgresRow) throws {
        id = try row["id"].decode(UUID.self)
        meetingID = try row["meeting_id"].decode(UUID.self)
        topicID = try row["topic_id"].decode(UUID.self)
        unitPath = try row["unit_path"].decode(String.self)
        countyCode = try row["county_code"].decode(String.self)
        question = try row["question"].decode(String.self)
        method = try row["method"].decode(BallotMethod.self)
        let numerator = try row["numerator"].decode(Int.self)
        let denominator = try row["denominator"].decode(Int.self)
        let inclusive = try row["inclusive"].decode(Bool.self)
        let base = try row["base"].decode(ThresholdBase.self)
        do {
            rule = try VoteRule.validated(numerator: numerator, denominator: denominator, inclusive: inclusive, base: base)
        } catch {
            throw PostgresError(kind: .decoding, message: "stored vote threshold \(numerator)/\(denominator) is invalid")
        }
        changeable = try row["changeable"].decode(Bool.self)
        state = try row["state"].decode(VoteState.self)
        figures = VoteFigures(
            eligible: try row["eligible"].decode(Int.self), present: try row["present"].decode(Int.self),
            households: try row["households"].decode(Int.self))
        paper = BallotCounts(
            inFavour: try row["paper_for"].decode(Int.self), against: try row["paper_against"].decode(Int.self),
            abstaining: try row["paper_abstain"].decode(Int.self))
        if let inFavour = try row["e_for"].decode(Int?.self) {
            electronic = BallotCounts(
                inFavour: inFavour, against: try row["e_against"].decode(Int?.self) ?? 0, abstaining: try row["e_abstain"].decode(Int?.self) ?? 0)
        }
        passed = try row["passed"].decode(Bool?.self)
        required = try row["required"].decode(Int?.self)
        resultID = try row["result_id"].decode(UUID?.self)
        openedAt = try row["opened_at"].decode(Date.self)
        closedAt = try row["closed_at"].decode(Date?.self)
        ballotsCast = try row["ballots_cast"].decode(Int.self)
    }

    var wire: SessionV1.Vote {
        var tally: SessionV1.Tally?
        if let electronic, let passed {
            let outcome = rule.evaluate(inFavour: (electronic + paper).inFavour, figures: figures)
            tally = SessionV1.Tally(
                electronic: electronic.wire, paper: paper.wire, total: (electronic + paper).wire, baseCount: Int32(figures.base(rule.base)),
                eligible: Int32(figures.eligible), present: Int32(figures.present), households: Int32(figures.households),
                required: Int32(required ?? outcome.required), passed: passed,
                explanation: CommonV1.LocalizedText(
                    zh: Tally(electronic: electronic, paper: paper, outcome: outcome).descriptionZH,
                    en: Tally(electronic: electronic, paper: paper, outcome: outcome).descriptionEN))
        }
        return SessionV1.Vote(
            id: id.canonicalText, meetingId: meetingID.canonicalText, topicId: topicID.canonicalText, question: question,
            method: SessionCore.wire(method), threshold: rule.wire, changeable: changeable, state: SessionCore.wire(state),
            eligible: Int32(figures.eligible), present: Int32(figures.present), households: Int32(figures.households),
            ballotsCast: Int32(ballotsCast), tally: tally, openedAt: CommonV1.Timestamp(openedAt), closedAt: closedAt.map(CommonV1.Timestamp.init),
            resultId: resultID?.canonicalText ?? "")
    }
}

extension BallotCounts {
    var wire: SessionV1.BallotCounts {
        SessionV1.BallotCounts(inFavour: Int32(inFavour), against: Int32(against), abstaining: Int32(abstaining))
    }
}

extension VoteRule {
    var wire: SessionV1.VoteThreshold {
        SessionV1.VoteThreshold(
            fraction: CommonV1.Fraction(numerator: Int64(threshold.numerator), denominator: Int64(threshold.denominator)),
            over: SessionCore.wire(base), inclusive: inclusive)
    }
}

/// 表决 (issue 10 §6): open with the electorate fixed, cast (one per voter, changeable
/// where configured), paper ballots counted in by the recorder, close with the tally.
struct VoteOperations {
    let scope: CallScope
    let environment: SessionEnvironment

    private var tx: PostgresTransaction { scope.tx }
    private var meetings: MeetingStore { MeetingStore(scope: scope, quorumRules: environment.quorum) }

    func find(_ raw: String, lock: String = "") async throws -> VoteRecord {
        let id = try Validate.target(raw, field: "vote_id", what: "vote")
        let county = try Validate.scope(of: scope.caller).countyCode
        let vote = try await tx.queryOne(
            VoteRecord.self, "SELECT \(VoteRecord.columns) FROM session.votes v WHERE v.county_code = $1 AND v.id = $2\(lock.isEmpty ? "" : " " + lock)",
            [.text(county), .uuid(id)])
        guard let vote else { throw SessionError.notFound(what: "vote") }
        return vote
    }

    func open(_ request: SessionV1.OpenVoteRequest) async throws -> SessionV1.Vote {
        let question = try Validate.text(request.question, field: "question", limit: 1000, required: true)
        let method: BallotMethod = request.method.rawValue == 0 ? .open : try Validate.code(request.method, field: "method")
        do {
            try VoteLifecycle.configure(method: method, changeable: request.changeable)
        } catch {
            throw SessionError.invalid(error)
        }
        let topicID = try Validate.target(request.topicId, field: "topic_id", what: "topic")
        let meeting = try await meetings.find(request.meetingId, lock: "FOR SHARE OF m")
        let view = try await meetings.requireDeciding(meeting)
        try meetings.requireTopic(view, topicID)
        let rule: VoteRule
        if let threshold = request.threshold {
            let base: ThresholdBase = try Validate.code(threshold.over, field: "threshold.over")
            guard let fraction = threshold.fraction else { throw SessionError.missing("threshold.fraction") }
            do {
                rule = try VoteRule.validated(
                    numerator: Int(clamping: fraction.numerator), denominator: Int(clamping: fraction.denominator), inclusive: threshold.inclusive, base: base)
            } catch {
                throw SessionError.invalid(error)
            }
        } else {
            rule = meeting.body == .consultation ? environment.consultationDecision : BodyRules.of(meeting.body).decision
        }
        if rule.base == .households, meeting.households == 0 {
            throw SessionError.invalidArgument(
                field: "threshold.over", zh: "会议未登记户数，不能以户为基数", en: "the meeting has no household count to serve as the base")
        }
        let topic = try await ProgressStore(scope: scope).find(topicID, lock: true)
        let allowed = meeting.body == .consultation ? topic.stage == .deliberating : (topic.stage == .escalated && topic.escalatedTo == meeting.body)
        guard allowed else {
            throw SessionError.failedPrecondition(
                rule: "vote.topic_stage", zh: "议题已\(topic.stage.nameZH)，不能在本次会议表决", en: "the topic is \(topic.stage.nameEN); it is not voted on here")
        }
        let electorate = view.invitees.filter { $0.role.votes }
        let figures = VoteFigures(eligible: electorate.count, present: electorate.filter(\.present).count, households: meeting.households)
        let id = UUID()
        _ = try await tx.execute(
            """
            INSERT INTO session.votes (county_code, id, meeting_id, topic_id, unit_path, question, method, numerator, denominator, inclusive, base,
                                       changeable, state, eligible, present, households, opened_at)
            VALUES ($1, $2, $3, $4, $5::ltree, $6, $7, $8, $9, $10, $11, $12, \(VoteState.open.rawValue), $13, $14, $15, $16)
            """,
            [.text(meeting.countyCode), .uuid(id), .uuid(meeting.id), .uuid(topicID), .text(meeting.unitPath), .text(question),
             method.postgresValue, .int(Int64(rule.threshold.numerator)), .int(Int64(rule.threshold.denominator)), .bool(rule.inclusive),
             rule.base.postgresValue, .bool(request.changeable), .int(Int64(figures.eligible)), .int(Int64(figures.present)),
             .int(Int64(figures.households)), .timestamp(scope.now)])
        _ = try await tx.execute(
            """
            INSERT INTO session.vote_electorate (county_code, vote_id, voter, unit_path, present)
            SELECT $1, $2, e.voter, $3::ltree, e.present_text = 't' FROM unnest($4::text[], $5::text[]) AS e(voter, present_text)
            """,
            [.text(meeting.countyCode), .uuid(id), .text(meeting.unitPath), .textArray(electorate.map(\.person)),
             .textArray(electorate.map { $0.present ? "t" : "f" })])
        try await scope.audit("OpenVote", target: "vote/\(id.canonicalText)", unitPath: meeting.unitPath,
                              ["topic": topicID.canonicalText, "eligible": String(figures.eligible), "present": String(figures.present),
                               "threshold": rule.descriptionEN])
        return try await find(id.canonicalText).wire
    }

    /// 投票: one ballot per voter of the electorate; a second is ALREADY_EXISTS unless the
    /// vote is changeable (then it replaces the first); after the close FAILED_PRECONDITION.
    /// The vote row is share-locked, so a concurrent close waits for the ballot.
    func cast(_ request: SessionV1.CastVoteRequest) async throws -> SessionV1.CastVoteResponse {
        let named = try Validate.text(request.voter, field: "voter", limit: 100)
        let voter = named.isEmpty ? scope.caller.principal : named
        let choice: Choice = try Validate.code(request.choice, field: "choice")
        let id = try Validate.target(request.voteId, field: "vote_id", what: "vote")
        let county = try Validate.scope(of: scope.caller).countyCode
        let rows = try await tx.query(
            """
            SELECT v.state, v.method, v.changeable, v.unit_path::text AS unit_path,
                   EXISTS (SELECT 1 FROM session.vote_electorate e WHERE e.county_code = v.county_code AND e.vote_id = v.id AND e.voter = $3) AS eligible,
                   (SELECT w.origin FROM session.voters w WHERE w.county_code = v.county_code AND w.vote_id = v.id AND w.voter = $3) AS voted
              FROM session.votes v WHERE v.county_code = $1 AND v.id = $2 FOR SHARE OF v
            """,
            [.text(county), .uuid(id), .text(voter)])
        guard let row = rows.first else { throw SessionError.notFound(what: "vote") }
        let state = try row["state"].decode(VoteState.self)
        let method = try row["method"].decode(BallotMethod.self)
        let changeable = try row["changeable"].decode(Bool.self)
        let unitPath = try row["unit_path"].decode(String.self)
        do {
            try VoteLifecycle.cast(state)
        } catch {
            throw SessionError.precondition(error)
        }
        guard try row["eligible"].decode(Bool.self) else {
            throw SessionError.failedPrecondition(
                rule: "vote.not_in_electorate", zh: "\(voter) 不在本次表决的表决人名单中", en: "\(voter) is not in this vote's electorate",
                figures: [.init("voter", voter)])
        }
        var replaced = false
        if let origin = try row["voted"].decode(Int?.self) {
            guard changeable, origin == 1 else {
                throw SessionError.alreadyExists(field: "voter", zh: "\(voter) 已经投过票", en: "\(voter) has already voted")
            }
            _ = try await tx.execute(
                "UPDATE session.ballots SET choice = $4, cast_at = $5 WHERE county_code = $1 AND vote_id = $2 AND voter = $3",
                [.text(county), .uuid(id), .text(voter), choice.postgresValue, .timestamp(scope.now)])
            replaced = true
        } else {
            let inserted = try await tx.query(
                """
                WITH voter AS (
                    INSERT INTO session.voters (county_code, vote_id, voter, unit_path, origin, voted_at)
                    VALUES ($1, $2, $3, $4::ltree, 1, $7) ON CONFLICT DO NOTHING RETURNING voter
                )
                INSERT INTO session.ballots (county_code, vote_id, id, unit_path, voter, choice, cast_at)
                SELECT $1, $2, $5, $4::ltree, CASE WHEN $8 THEN NULL ELSE voter.voter END, $6, $7 FROM voter
                RETURNING id
                """,
                [.text(county), .uuid(id), .text(voter), .text(unitPath), .uuid(UUID()), choice.postgresValue, .timestamp(scope.now),
                 .bool(method == .secret)])
            guard !inserted.isEmpty else {
                throw SessionError.alreadyExists(field: "voter", zh: "\(voter) 已经投过票", en: "\(voter) has already voted")
            }
        }
        // A secret ballot's audit names the voter, never the choice.
        try await scope.audit("CastVote", target: "vote/\(id.canonicalText)", unitPath: unitPath,
                              method == .secret ? ["voter": voter] : ["voter": voter, "choice": String(choice.rawValue)])
        let cast = try await tx.queryValue(
            Int.self,
            """
            SELECT (SELECT count(*) FROM session.voters w WHERE w.county_code = v.county_code AND w.vote_id = v.id AND w.origin = 1)
                   + v.paper_for + v.paper_against + v.paper_abstain
              FROM session.votes v WHERE v.county_code = $1 AND v.id = $2
            """,
            [.text(county), .uuid(id)]) ?? 0
        return SessionV1.CastVoteResponse(voteId: id.canonicalText, voter: voter, replaced: replaced, ballotsCast: Int32(cast))
    }

    /// 纸质选票: the meeting's recorder adds a count of paper ballots (one box at a time),
    /// optionally naming who voted on paper (they may not vote electronically too).
    func recordPaper(_ request: SessionV1.RecordPaperBallotsRequest) async throws -> SessionV1.Vote {
        guard let wire = request.counts else { throw SessionError.missing("counts") }
        guard wire.inFavour >= 0, wire.against >= 0, wire.abstaining >= 0 else {
            throw SessionError.invalidArgument(field: "counts", zh: "票数不能为负", en: "counts are never negative")
        }
        let counts = BallotCounts(inFavour: Int(wire.inFavour), against: Int(wire.against), abstaining: Int(wire.abstaining))
        var voters: [String] = []
        for raw in request.voters {
            let voter = try Validate.text(raw, field: "voters", limit: 100, required: true)
            if !voters.contains(voter) { voters.append(voter) }
        }
        if !voters.isEmpty, voters.count != counts.total {
            throw SessionError.invalidArgument(
                field: "voters", zh: "纸质投票人数 \(voters.count) 与票数 \(counts.total) 不符", en: "\(voters.count) paper voters named for \(counts.total) ballots")
        }
        let vote = try await find(request.voteId, lock: "FOR UPDATE OF v")
        let meeting = try await meetings.find(vote.meetingID)
        guard scope.caller.principal == meeting.recorder else {
            throw SessionError.failedPrecondition(
                rule: "vote.not_recorder", zh: "纸质选票由会议记录人 \(meeting.recorder) 计入", en: "paper ballots are counted in by the meeting's recorder")
        }
        do {
            try VoteLifecycle.cast(vote.state)
            try Tally.checkBallots(total: vote.ballotsCast + counts.total, eligible: vote.figures.eligible)
        } catch {
            throw SessionError.precondition(error, figures: [.init("ballots.cast", String(vote.ballotsCast)), .init("eligible", String(vote.figures.eligible))])
        }
        if !voters.isEmpty {
            let inserted = try await tx.query(
                """
                INSERT INTO session.voters (county_code, vote_id, voter, unit_path, origin, voted_at)
                SELECT $1, $2, e.voter, $3::ltree, 2, $5 FROM session.vote_electorate e
                 WHERE e.county_code = $1 AND e.vote_id = $2 AND e.voter = ANY($4::text[])
                ON CONFLICT DO NOTHING RETURNING voter
                """,
                [.text(vote.countyCode), .uuid(vote.id), .text(vote.unitPath), .textArray(voters), .timestamp(scope.now)])
            if inserted.count != voters.count {
                let fresh = Set(try inserted.map { try $0["voter"].decode(String.self) })
                let rejected = voters.filter { !fresh.contains($0) }
                throw SessionError.alreadyExists(
                    field: "voters", zh: "\(rejected.joined(separator: "、")) 已投票或不在表决人名单中",
                    en: "\(rejected.joined(separator: ", ")) already voted or are not in the electorate")
            }
        }
        _ = try await tx.execute(
            """
            UPDATE session.votes SET paper_for = paper_for + $3, paper_against = paper_against + $4, paper_abstain = paper_abstain + $5
             WHERE county_code = $1 AND id = $2
            """,
            [.text(vote.countyCode), .uuid(vote.id), .int(Int64(counts.inFavour)), .int(Int64(counts.against)), .int(Int64(counts.abstaining))])
        try await scope.audit("RecordPaperBallots", target: "vote/\(vote.id.canonicalText)", unitPath: vote.unitPath,
                              ["for": String(counts.inFavour), "against": String(counts.against), "abstain": String(counts.abstaining)])
        return try await find(request.voteId).wire
    }

    /// 计票: closes the vote, counts electronic and paper ballots, applies the rule, and forms
    /// the topic's result (basis: vote). Idempotent.
    func close(_ request: SessionV1.CloseVoteRequest) async throws -> SessionV1.Vote {
        let vote = try await find(request.voteId, lock: "FOR UPDATE OF v")
        if vote.state == .closed { return vote.wire }
        let counts = try await tx.query(
            "SELECT choice, count(*) AS n FROM session.ballots WHERE county_code = $1 AND vote_id = $2 GROUP BY choice",
            [.text(vote.countyCode), .uuid(vote.id)])
        var electronic = BallotCounts()
        for row in counts {
            let n = try row["n"].decode(Int.self)
            switch try row["choice"].decode(Choice.self) {
            case .inFavour: electronic.inFavour += n
            case .against: electronic.against += n
            case .abstain: electronic.abstaining += n
            }
        }
        let tally: Tally
        do {
            tally = try Tally.count(electronic: electronic, paper: vote.paper, rule: vote.rule, figures: vote.figures)
        } catch {
            throw SessionError.precondition(error)
        }
        let meeting = try await meetings.find(vote.meetingID)
        let progress = ProgressStore(scope: scope)
        let topic = try await progress.find(vote.topicID, lock: true)
        let text = "\(vote.question)\n表决结果：\(tally.descriptionZH)"
        let resultID = try await ResultStore(scope: scope, publication: environment.publication).create(
            topic: topic, meeting: meeting, basis: .vote, round: 0, vote: vote.id, adopted: tally.outcome.passed, text: text)
        _ = try await tx.execute(
            """
            UPDATE session.votes SET state = \(VoteState.closed.rawValue), e_for = $3, e_against = $4, e_abstain = $5, passed = $6, required = $7,
                   result_id = $8, closed_at = $9
             WHERE county_code = $1 AND id = $2
            """,
            [.text(vote.countyCode), .uuid(vote.id), .int(Int64(electronic.inFavour)), .int(Int64(electronic.against)),
             .int(Int64(electronic.abstaining)), .bool(tally.outcome.passed), .int(Int64(tally.outcome.required)), .uuid(resultID),
             .timestamp(scope.now)])
        _ = try await tx.execute(
            "UPDATE session.topics SET stage = $3, result_id = $4, updated_at = $5 WHERE county_code = $1 AND topic_id = $2",
            [.text(topic.countyCode), .uuid(topic.topicID), TopicStage.decided.postgresValue, .uuid(resultID), .timestamp(scope.now)])
        if meeting.body == .consultation {
            try Outbox.enqueue(into: SessionOutbox.table, in: tx, message: try SessionOutbox.advanceTopic(
                topic.topicID.canonicalText, to: .resolved, note: "表决：\(tally.outcome.passed ? "通过" : "未通过")", unitPath: topic.unitPath,
                countyCode: topic.countyCode))
        }
        try await scope.audit("CloseVote", target: "vote/\(vote.id.canonicalText)", unitPath: vote.unitPath,
                              ["passed": String(tally.outcome.passed), "for": String(tally.total.inFavour), "base": String(tally.outcome.outcome.base)])
        return try await find(request.voteId).wire
    }

    func get(_ request: SessionV1.GetVoteRequest) async throws -> SessionV1.Vote {
        try await find(request.voteId).wire
    }
}
