import Foundation
import GatewayRules
import MembershipAPI
import SessionAPI
import TongxinRPC
import TongxinSchemas
import TongxinService

/// 数据开放 — the open-data export of what is public: published results and public notices
/// of a unit's subtree in a period, as JSON or CSV, personal data masked (issue 12 item 6).
/// Anyone may ask (`public.read`; an anonymous caller names the unit by division code).
///
/// **Section-based**: each kind of public record is an ``OpenDataSection`` owned by the
/// service that owns the data, which masks it itself (it knows what is personal): `notices`
/// are membership's 公示 (`ListPublicNotices`: nominees' names masked to their first
/// character, objections only counted); `results` are the session service's published and
/// filed results (公开结果, `ListPublishedResults`: no names at all, votes by their counts).
/// A section whose service is not routed or cannot be reached is unavailable, naming the
/// service, and every other section is still exported (degrading per section). Records are read as the caller (or `anonymous`) acting at the unit, with only
/// `public.read`.
struct OpenDataExport {
    let calls: ServiceCalls
    let units: UnitDirectory
    let timeZone: TimeZone

    static let sections: [any OpenDataSection] = [PublicNoticesSection(), PublishedResultsSection()]
    /// The longest period one export covers.
    static let maxDays = 366

    func export(_ request: GatewayV1.ExportOpenDataRequest, context: ServerCallContext) async throws -> GatewayV1.ExportOpenDataResponse {
        let caller = Caller.bound
        let unit: UnitPath
        if let caller, let scope = UnitPath(caller.unitPath) {
            unit = request.divisionCode.isEmpty ? scope : try await units.resolve(
                request.divisionCode, within: scope, principal: caller.principal, deadline: context.deadline, traceID: context.traceID)
        } else {
            guard !request.divisionCode.isEmpty else {
                throw AppealOperations.invalid("division_code", "the unit's 12-digit division code (anonymous callers name the unit)")
            }
            unit = try await units.resolvePublic(request.divisionCode, deadline: context.deadline, traceID: context.traceID)
        }
        guard let from = request.from, let until = request.until, let start = instant(from), let end = instant(until), start < end,
              end.timeIntervalSince(start) <= Double(Self.maxDays) * 86400
        else {
            throw AppealOperations.invalid("from", "a day before `until`, at most \(Self.maxDays) days apart (both required)")
        }
        let csv: Bool
        switch request.format {
        case .unspecified, .json: csv = false
        case .csv: csv = true
        default: throw AppealOperations.invalid("format", "JSON or CSV")
        }
        let names = request.sections.isEmpty ? Self.sections.map(\.name) : request.sections
        var chosen: [any OpenDataSection] = []
        for name in names {
            guard let section = Self.sections.first(where: { $0.name == name }) else {
                throw AppealOperations.invalid("sections", "some of \(Self.sections.map(\.name).joined(separator: ", "))")
            }
            if !chosen.contains(where: { $0.name == name }) { chosen.append(section) }
        }
        let query = OpenDataQuery(unit: unit, from: start, until: end, principal: caller?.principal ?? "anonymous", calls: calls,
                                  deadline: context.deadline, traceID: context.traceID)
        let results = await withTaskGroup(of: (Int, Result<[[String]], any Error>).self) { group in
            for (index, section) in chosen.enumerated() {
                group.addTask {
                    do { return (index, .success(try await section.records(query))) } catch { return (index, .failure(error)) }
                }
            }
            var results: [Int: Result<[[String]], any Error>] = [:]
            for await (index, result) in group { results[index] = result }
            return results
        }
        var sections: [GatewayV1.ExportSection] = []
        for (index, section) in chosen.enumerated() {
            switch results[index] {
            case .success(let records)?:
                sections.append(GatewayV1.ExportSection(
                    name: section.name, available: true, recordCount: Int32(records.count),
                    contentType: csv ? "text/csv; charset=utf-8" : "application/json",
                    content: csv ? OpenDataFormat.csv(section.columns, records) : OpenDataFormat.json(section.columns, records)))
            case .failure(let error as SectionUnavailable)?:
                sections.append(GatewayV1.ExportSection(name: section.name, available: false, unavailableReason: error.reason))
            case .failure(let error as RPCError)? where [.unavailable, .deadlineExceeded, .unimplemented].contains(error.code):
                sections.append(GatewayV1.ExportSection(
                    name: section.name, available: false,
                    unavailableReason: "the \(section.service) service cannot be reached now (\(error.code)); retry later"))
            case .failure(let error)?:
                throw error
            case nil:
                sections.append(GatewayV1.ExportSection(name: section.name, available: false, unavailableReason: "not read"))
            }
        }
        return GatewayV1.ExportOpenDataResponse(divisionCode: DivisionCode.isValid(request.divisionCode)
                                                    ? request.divisionCode : String(unit.labels.last?.dropFirst() ?? ""),
                                                unitPath: unit.description, from: from, until: until, sections: sections)
    }

    /// The start of `day` in the deployment's time zone (China Standard Time).
    private func instant(_ day: CommonV1.Date) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: Int(day.year), month: Int(day.month), day: Int(day.day))
        guard (1900...2999).contains(day.year), (1...12).contains(day.month), (1...31).contains(day.day),
              components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}

/// What a section is asked for.
struct OpenDataQuery: Sendable {
    let unit: UnitPath
    let from: Date
    let until: Date
    let principal: String
    let calls: ServiceCalls
    let deadline: ContinuousClock.Instant?
    let traceID: String?
}

/// One kind of public record in the export, owned (and masked) by one service.
protocol OpenDataSection: Sendable {
    /// The section's name in requests and answers (`notices`).
    var name: String { get }
    /// The service that owns the records.
    var service: String { get }
    /// The columns (CSV header, JSON keys), in order.
    var columns: [String] { get }
    /// The records published in the query's unit subtree and period, one value per column.
    func records(_ query: OpenDataQuery) async throws -> [[String]]
}

/// The section cannot be exported now; `reason` says why (the other sections still are).
struct SectionUnavailable: Error {
    var reason: String
}

/// 公示 — membership's public notices (`ListPublicNotices`, masked by membership).
struct PublicNoticesSection: OpenDataSection {
    let name = "notices"
    let service = "membership"
    let columns = ["notice_id", "council_name", "council_kind", "unit_name", "division_code", "status", "published_at",
                   "first_day", "last_day", "nominees", "nominee_count", "objection_count"]

    func records(_ query: OpenDataQuery) async throws -> [[String]] {
        var records: [[String]] = []
        var token = ""
        for _ in 0..<100 {
            let page = try await query.calls.call(
                service, MembershipV1.Membership.Method.listPublicNotices,
                MembershipV1.ListPublicNoticesRequest(
                    publishedFrom: ChangeFeed.timestamp(query.from), publishedUntil: ChangeFeed.timestamp(query.until),
                    page: .init(pageSize: 500, pageToken: token)),
                principal: query.principal, unitPath: query.unit.description, permissions: [GatewayPermission.publicRead],
                deadline: query.deadline, traceID: query.traceID)
            for notice in page.notices {
                records.append([
                    notice.noticeId, notice.councilName, "\(notice.councilKind)", notice.unitName, notice.divisionCode, "\(notice.status)",
                    OpenDataFormat.iso8601(notice.publishedAt), OpenDataFormat.day(notice.firstDay), OpenDataFormat.day(notice.lastDay),
                    notice.nominees.map { "\($0.maskedName)(\($0.role))" }.joined(separator: ";"), String(notice.nominees.count),
                    String(notice.objectionCount),
                ])
            }
            token = page.page?.nextPageToken ?? ""
            if token.isEmpty { break }
        }
        return records
    }
}

/// 公开结果 — the session service's published and filed results (`ListPublishedResults`,
/// `public.read`), as their public notice shows them: the topic's title, the text, consensus
/// or vote (by its counts), the meeting's time, the notice period, the filing, objections
/// counted — nobody's name (the session service leaves speakers, voters and objectors out).
/// Drafts, and results an upheld objection sent back, are not public. A gateway that does
/// not route the session service answers the section unavailable, naming it.
struct PublishedResultsSection: OpenDataSection {
    let name = "results"
    let service = "session"
    let columns = ["result_id", "topic_id", "topic_title", "division_code", "basis", "adopted", "state", "meeting_at", "published_at",
                   "notice_days", "notice_last_day", "filed_at", "votes_for", "votes_against", "votes_abstaining", "objection_count", "text"]

    func records(_ query: OpenDataQuery) async throws -> [[String]] {
        guard query.calls.routes(service) else {
            throw SectionUnavailable(reason: "published results come from the session service, which this deployment does not route")
        }
        var records: [[String]] = []
        var token = ""
        for _ in 0..<100 {
            let page = try await query.calls.call(
                service, SessionV1.Session.Method.listPublishedResults,
                SessionV1.ListPublishedResultsRequest(
                    publishedFrom: ChangeFeed.timestamp(query.from), publishedUntil: ChangeFeed.timestamp(query.until),
                    page: .init(pageSize: 500, pageToken: token)),
                principal: query.principal, unitPath: query.unit.description, permissions: [GatewayPermission.publicRead],
                deadline: query.deadline, traceID: query.traceID)
            for result in page.results {
                records.append([
                    result.resultId, result.topicId, result.title, result.divisionCode, "\(result.basis)", String(result.adopted),
                    "\(result.state)", OpenDataFormat.iso8601(result.meetingAt), OpenDataFormat.iso8601(result.publishedAt),
                    String(result.noticeDays), OpenDataFormat.day(result.noticeLastDay), OpenDataFormat.iso8601(result.filedAt),
                    result.votes.map { String($0.inFavour) } ?? "", result.votes.map { String($0.against) } ?? "",
                    result.votes.map { String($0.abstaining) } ?? "", String(result.objectionCount), result.text,
                ])
            }
            token = page.page?.nextPageToken ?? ""
            if token.isEmpty { break }
        }
        return records
    }
}

/// JSON and CSV of a section's records.
enum OpenDataFormat {
    /// An array of objects with the columns as keys, in column order.
    static func json(_ columns: [String], _ records: [[String]]) -> String {
        let encoder = JSONEncoder()
        func quoted(_ text: String) -> String {
            (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
        }
        let objects = records.map { record in
            "{" + zip(columns, record).map { "\(quoted($0)):\(quoted($1))" }.joined(separator: ",") + "}"
        }
        return "[" + objects.joined(separator: ",") + "]"
    }

    /// RFC 4180 with a header line; a field that a spreadsheet would run as a formula
    /// (starting with = + - @) gets a leading apostrophe.
    static func csv(_ columns: [String], _ records: [[String]]) -> String {
        func field(_ text: String) -> String {
            var text = text
            if let first = text.first, "=+-@".contains(first) { text = "'" + text }
            guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return ([columns] + records).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    static func iso8601(_ timestamp: CommonV1.Timestamp?) -> String {
        guard let timestamp else { return "" }
        return ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double(timestamp.seconds)))
    }

    static func day(_ date: CommonV1.Date?) -> String {
        guard let date else { return "" }
        return String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
    }
}
