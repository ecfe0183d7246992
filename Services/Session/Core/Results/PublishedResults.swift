import Foundation
import SessionRules
import TongxinPostgres
import TongxinSchemas
import TongxinService

/// 公开结果 as anyone may read them (open data, issue 12 item 6): the results of a unit's
/// subtree published in a period and still published or filed — what the public notice
/// shows and nothing personal: the topic's title, the text, consensus or vote (by its
/// counts), the meeting's time, the notice period, the filing, objections counted. Drafts
/// (and results sent back by an upheld objection) are not public. Permission `public.read`:
/// the gateway's open-data export reads it for anonymous callers too.
struct PublishedResults {
    let scope: CallScope

    struct Row: PostgresRecord {
        var id: UUID
        var unitPath: String
        var topicID: UUID
        var title: String
        var basis: ResultBasis
        var adopted: Bool
        var state: ResultState
        var text: String
        var meetingAt: Date?
        var publishedAt: Date
        var noticeDays: Int
        var noticeLastDay: LocalDate?
        var filedAt: Date?
        var votesFor: Int?
        var votesAgainst: Int?
        var votesAbstaining: Int?
        var objections: Int

        static let columns = """
            r.id, r.unit_path::text AS unit_path, r.topic_id, r.title, r.basis, r.adopted, r.state, r.text, m.meeting_at, r.published_at, \
            r.notice_days, r.notice_last_day::text AS notice_last_day, r.filed_at, \
            (v.e_for + v.paper_for) AS votes_for, (v.e_against + v.paper_against) AS votes_against, \
            (v.e_abstain + v.paper_abstain) AS votes_abstaining, \
            (SELECT count(*) FROM session.objections x \
              WHERE x.county_code = r.county_code AND x.result_id = r.id AND x.raised_at >= r.published_at) AS objections
            """
        static let from = """
            session.results r LEFT JOIN session.meetings m ON m.county_code = r.county_code AND m.id = r.meeting_id \
            LEFT JOIN session.votes v ON v.county_code = r.county_code AND v.id = r.vote_id
            """

        init(row: PostgresRow) throws {
            id = try row["id"].decode(UUID.self)
            unitPath = try row["unit_path"].decode(String.self)
            topicID = try row["topic_id"].decode(UUID.self)
            title = try row["title"].decode(String.self)
            basis = try row["basis"].decode(ResultBasis.self)
            adopted = try row["adopted"].decode(Bool.self)
            state = try row["state"].decode(ResultState.self)
            text = try row["text"].decode(String.self)
            meetingAt = try row["meeting_at"].decode(Date?.self)
            publishedAt = try row["published_at"].decode(Date.self)
            noticeDays = try row["notice_days"].decode(Int.self)
            noticeLastDay = try row.localDate("notice_last_day")
            filedAt = try row["filed_at"].decode(Date?.self)
            votesFor = try row["votes_for"].decode(Int?.self)
            votesAgainst = try row["votes_against"].decode(Int?.self)
            votesAbstaining = try row["votes_abstaining"].decode(Int?.self)
            objections = try row["objections"].decode(Int.self)
        }

        var wire: SessionV1.PublishedResult {
            // A vote held at a unit above the caller's scope is not visible to it: no counts then.
            var votes: SessionV1.BallotCounts?
            if basis == .vote, let votesFor, let votesAgainst, let votesAbstaining {
                votes = SessionV1.BallotCounts(inFavour: Int32(votesFor), against: Int32(votesAgainst), abstaining: Int32(votesAbstaining))
            }
            return SessionV1.PublishedResult(
                resultId: id.canonicalText, unitPath: unitPath, divisionCode: String(unitPath.split(separator: ".").last?.dropFirst() ?? ""),
                topicId: topicID.canonicalText, title: title, basis: SessionCore.wire(basis), adopted: adopted, state: SessionCore.wire(state),
                text: text, meetingAt: meetingAt.map(CommonV1.Timestamp.init), publishedAt: CommonV1.Timestamp(publishedAt),
                noticeDays: Int32(noticeDays), noticeLastDay: noticeLastDay.map(CommonV1.Date.init), filedAt: filedAt.map(CommonV1.Timestamp.init),
                votes: votes, objectionCount: Int32(objections))
        }
    }

    /// Oldest publication first, keyed by (published_at, id).
    func list(_ request: SessionV1.ListPublishedResultsRequest) async throws -> SessionV1.ListPublishedResultsResponse {
        let under = request.unitPath.isEmpty ? try Validate.scope(of: scope.caller) : try Validate.unit(request.unitPath, caller: scope.caller)
        let from = try request.publishedFrom.map { stamp throws(SessionError) in try Validate.instant(stamp, field: "published_from") }
        let until = try request.publishedUntil.map { stamp throws(SessionError) in try Validate.instant(stamp, field: "published_until") }
        if let from, let until, until <= from {
            throw SessionError.invalidArgument(field: "published_until", zh: "须晚于起始时间", en: "must come after published_from")
        }
        let page = try KeysetPage(request.page, keyParts: 2)
        var binds: [PostgresValue] = [.text(under.description), .text(under.countyCode), PostgresValue(from), PostgresValue(until)]
        var after = ""
        if let key = try page.binds([.timestamp, .uuid]) {
            binds += key
            after = " AND (r.published_at, r.id) > ($5::timestamptz, $6::uuid)"
        }
        let listing = try await scope.tx.listing(
            Row.self, page: page, key: { [KeysetPage.key($0.publishedAt), $0.id.canonicalText] },
            { columns in
                """
                SELECT \(columns) FROM \(Row.from)
                 WHERE r.county_code = $2 AND r.unit_path <@ $1::ltree
                   AND r.state IN (\(ResultState.published.rawValue), \(ResultState.filed.rawValue)) AND r.published_at IS NOT NULL
                   AND ($3::timestamptz IS NULL OR r.published_at >= $3) AND ($4::timestamptz IS NULL OR r.published_at < $4)\(after)
                 ORDER BY r.published_at, r.id LIMIT \(page.fetchLimit)
                """
            }, binds)
        return SessionV1.ListPublishedResultsResponse(results: listing.rows.map(\.wire), page: listing.info)
    }
}
