import Foundation
import SessionAPI
import TongxinRPC
import TongxinSchemas
import TongxinService

/// The session service's part of the dossier, read over its RPC (a service never reads
/// another's tables): the meetings that sat on the topic, their attendance, the topic's
/// opinions, rounds and votes, the result formed, its publication, objections and filing.
///
/// Reads: `ListMeetings` by topic (oldest meeting first once sorted), then one `GetMinutes`
/// per meeting — the meeting with its invitees and, per topic, opinions, rounds, votes and
/// results in one answer — and `ListObjections` per result. Each call carries a one-minute
/// token for audience `session` with the caller's principal and scope and only
/// `session.read`, so the session service's row-level security answers exactly what the
/// caller may see.
///
/// Personal data: council members, hosts and recorders act in office and are named as the
/// minutes name them; villagers are not — a villagers' assembly's members, a speaker who was
/// no named invitee (a resident at an open meeting) and objectors are masked (张三 → 张*).
public struct SessionDossierSource: DossierSource {
    let api: SessionV1.Session.Client
    let tokens: TokenAuthority
    let clock: any ServiceClock

    public init(client: RPCClient, tokens: TokenAuthority, clock: any ServiceClock = SystemClock()) {
        self.api = SessionV1.Session.Client(client)
        self.tokens = tokens
        self.clock = clock
    }

    private func options(for caller: Caller) -> CallOptions {
        let token = tokens.issue(Caller(
            principal: caller.principal, unitPath: caller.unitPath, permissions: ["session.read"], audience: "session",
            now: Int64(clock.now().timeIntervalSince1970), lifetime: 60, issuer: "supervision"))
        var metadata = Metadata()
        metadata.authorization = "Bearer " + token
        return CallOptions(timeout: .seconds(5), metadata: metadata)
    }

    /// What the session service keeps of one topic, gathered from its meetings' minutes.
    struct Record {
        var minutes: [SessionV1.Minutes] = []
        var opinions: [(meeting: SessionV1.Meeting, opinion: SessionV1.Opinion)] = []
        var rounds: [SessionV1.Round] = []
        var votes: [SessionV1.Vote] = []
        var results: [SessionV1.Result] = []
    }

    public func sections(topic id: UUID, for caller: Caller) async -> [DossierSection] {
        let options = options(for: caller)
        let topic = id.canonicalText
        let specs = Dictionary(uniqueKeysWithValues: DossierLayout.session.map { ($0.key, $0) })
        var record = Record()
        do {
            var meetings: [SessionV1.Meeting] = []
            var token = ""
            for _ in 0..<20 {
                let page = try await api.listMeetings(
                    SessionV1.ListMeetingsRequest(page: CommonV1.PageRequest(pageSize: 100, pageToken: token), topicId: topic), options: options)
                meetings += page.meetings
                token = page.page?.nextPageToken ?? ""
                if token.isEmpty { break }
            }
            meetings.sort { ($0.meetingAt?.seconds ?? 0, $0.id) < ($1.meetingAt?.seconds ?? 0, $1.id) }
            for meeting in meetings {
                let minutes = try await api.getMinutes(SessionV1.GetMinutesRequest(meetingId: meeting.id), options: options)
                record.minutes.append(minutes)
                for part in minutes.topics where part.topicId == topic {
                    record.opinions += part.opinions.map { (minutes.meeting ?? meeting, $0) }
                    record.rounds += part.rounds
                    record.votes += part.votes
                    for result in part.results where !record.results.contains(where: { $0.id == result.id }) {
                        record.results.append(result)
                    }
                }
            }
        } catch {
            return DossierLayout.session.map { Self.failed($0, error) }
        }
        var sections: [DossierSection] = []
        sections.append(DossierSection(specs["meetings"]!, entries: meetingEntries(record)))
        sections.append(DossierSection(specs["attendance"]!, entries: attendanceEntries(record)))
        sections.append(DossierSection(specs["opinions"]!, entries: opinionEntries(record)))
        sections.append(DossierSection(specs["rounds"]!, entries: roundEntries(record)))
        sections.append(DossierSection(specs["votes"]!, entries: voteEntries(record)))
        sections.append(DossierSection(specs["outcome"]!, entries: outcomeEntries(record)))
        sections.append(DossierSection(specs["publication"]!, entries: publicationEntries(record)))
        do {
            var objections: [SessionV1.Objection] = []
            for result in record.results {
                objections += try await api.listObjections(SessionV1.ListObjectionsRequest(resultId: result.id), options: options).objections
            }
            sections.append(DossierSection(specs["objections"]!, entries: objectionEntries(objections, record)))
        } catch {
            sections.append(Self.failed(specs["objections"]!, error))
        }
        sections.append(DossierSection(specs["filing"]!, entries: filingEntries(record)))
        return sections
    }

    // MARK: Sections

    func meetingEntries(_ record: Record) -> [DossierEntry] {
        let entries = record.minutes.compactMap { minutes -> DossierEntry? in
            guard let meeting = minutes.meeting else { return nil }
            return DossierEntry(
                at: meeting.meetingAt?.date, kind: "\(meeting.body)",
                summary: "\(Self.body(meeting)) · \(meeting.place)",
                fields: [("id", meeting.id), ("unit", meeting.unitPath), ("form", Self.form(meeting.form)), ("place", meeting.place),
                         ("host", meeting.host), ("recorder", meeting.recorder), ("state", Self.meetingState(meeting.state)),
                         ("on_democracy_day", meeting.onDemocracyDay ? "是 / yes" : ""),
                         ("opened_at", meeting.openedAt.map { DossierEntry.format($0.date) } ?? ""),
                         ("closed_at", meeting.closedAt.map { DossierEntry.format($0.date) } ?? ""),
                         ("topics", String(meeting.topicIds.count)), ("minutes_sha256", minutes.digest),
                         ("minutes_signed_off", minutes.signedOff ? "是 / yes" : "否 / no")])
        }
        return entries.isEmpty ? [Self.none("议题未上会 / the topic has not met")] : entries
    }

    func attendanceEntries(_ record: Record) -> [DossierEntry] {
        let entries = record.minutes.compactMap { minutes -> DossierEntry? in
            guard let meeting = minutes.meeting else { return nil }
            let voting = meeting.invitees.filter { $0.role != .observer }
            let present = voting.filter(\.present)
            let observers = meeting.invitees.filter { $0.role == .observer && $0.present }
            return DossierEntry(
                at: meeting.openedAt?.date ?? meeting.meetingAt?.date, kind: meeting.quorum?.met == true ? "quorate" : "not_quorate",
                summary: "应到 \(voting.count) 人，实到 \(present.count) 人；列席 \(observers.count) 人；到会群众 \(meeting.residentsPresent) 人"
                    + " / \(present.count) of \(voting.count) present, \(observers.count) observers, \(meeting.residentsPresent) residents",
                fields: [("meeting", meeting.id), ("present", present.map(Self.display).joined(separator: "、")),
                         ("absent", voting.filter { !$0.present }.map(Self.display).joined(separator: "、")),
                         ("observers", observers.map(Self.display).joined(separator: "、")),
                         ("households", meeting.households > 0 ? String(meeting.households) : ""),
                         ("quorum", meeting.quorum.map { "\($0.explanation?.zh ?? "") / \($0.explanation?.en ?? "")" } ?? "")])
        }
        return entries.isEmpty ? [Self.none("无签到记录 / nobody checked in")] : entries
    }

    func opinionEntries(_ record: Record) -> [DossierEntry] {
        let entries = record.opinions.map { meeting, opinion in
            DossierEntry(
                at: opinion.recordedAt?.date, kind: "\(opinion.position)",
                summary: opinion.text,
                fields: [("meeting", opinion.meetingId), ("round", String(opinion.round)), ("speaker", Self.speaker(opinion.speaker, in: meeting)),
                         ("position", Self.position(opinion.position)), ("corrects", opinion.corrects),
                         ("superseded", opinion.superseded ? "已更正 / corrected later" : "")])
        }
        return entries.isEmpty ? [Self.none("无发言记录 / no opinions recorded")] : entries
    }

    func roundEntries(_ record: Record) -> [DossierEntry] {
        let entries = record.rounds.map { round in
            DossierEntry(
                at: round.endedAt?.date, kind: "\(round.outcome)", summary: "第\(round.number)轮：\(Self.outcome(round.outcome))",
                fields: [("meeting", round.meetingId), ("number", String(round.number)), ("summary", round.summary)])
        }
        return entries.isEmpty ? [Self.none("无协商轮次 / no round ended")] : entries
    }

    func voteEntries(_ record: Record) -> [DossierEntry] {
        let entries = record.votes.map { vote in
            let total = vote.tally?.total
            var fields: [(String, String)] = [
                ("id", vote.id), ("meeting", vote.meetingId),
                ("method", vote.method == .secret ? "无记名投票 / secret ballot" : "记名表决 / open ballot"),
                ("state", vote.state == .closed ? "已结束 / closed" : "进行中 / open"),
                ("threshold", vote.threshold.map(Self.threshold) ?? ""),
                ("eligible", String(vote.eligible)), ("present", String(vote.present)), ("ballots_cast", String(vote.ballotsCast)),
            ]
            if let tally = vote.tally {
                fields += [("in_favour", String(total?.inFavour ?? 0)), ("against", String(total?.against ?? 0)),
                           ("abstaining", String(total?.abstaining ?? 0)), ("required", String(tally.required)),
                           ("passed", tally.passed ? "通过 / passed" : "未通过 / not passed"),
                           ("explanation", tally.explanation.map { "\($0.zh) / \($0.en)" } ?? "")]
            }
            return DossierEntry(at: vote.closedAt?.date ?? vote.openedAt?.date, kind: vote.state == .closed ? "closed" : "open",
                                summary: vote.question, fields: fields)
        }
        return entries.isEmpty ? [Self.none("未付表决 / no vote was taken")] : entries
    }

    func outcomeEntries(_ record: Record) -> [DossierEntry] {
        let entries = record.results.map { result in
            DossierEntry(
                at: result.createdAt?.date, kind: result.adopted ? "adopted" : "not_adopted", summary: result.text,
                fields: [("id", result.id), ("meeting", result.meetingId),
                         ("basis", result.basis == .vote ? "表决 / vote" : "协商一致 / consensus"),
                         ("round", result.round > 0 ? String(result.round) : ""), ("vote", result.voteId),
                         ("adopted", result.adopted ? "通过 / adopted" : "未通过 / not adopted"), ("state", Self.resultState(result.state))])
        }
        return entries.isEmpty ? [Self.none("尚未形成协商结果 / no result was formed")] : entries
    }

    func publicationEntries(_ record: Record) -> [DossierEntry] {
        let entries = record.results.compactMap { result -> DossierEntry? in
            guard let published = result.publishedAt else { return nil }
            let lastDay = result.noticeLastDay.map(Self.day) ?? ""
            return DossierEntry(
                at: published.date, kind: "published",
                summary: "公开结果，公示 \(result.noticeDays) 天至 \(lastDay) / published, \(result.noticeDays) days' notice until \(lastDay)",
                fields: [("result", result.id), ("notice_days", String(result.noticeDays)), ("notice_last_day", lastDay),
                         ("notice_ends_at", result.noticeEndsAt.map { DossierEntry.format($0.date) } ?? ""),
                         ("open_objections", String(result.openObjections))])
        }
        return entries.isEmpty ? [Self.none("结果未公开 / the result was not published")] : entries
    }

    func objectionEntries(_ objections: [SessionV1.Objection], _ record: Record) -> [DossierEntry] {
        let entries = objections.map { objection in
            DossierEntry(
                at: objection.raisedAt?.date, kind: Self.objectionState(objection.state), summary: objection.text,
                fields: [("result", objection.resultId), ("objector", Self.mask(objection.objector)), ("answer", objection.answer),
                         ("resolved_at", objection.resolvedAt.map { DossierEntry.format($0.date) } ?? "")])
        }
        return entries.isEmpty ? [Self.none("公示期内无异议 / no objection was raised")] : entries
    }

    func filingEntries(_ record: Record) -> [DossierEntry] {
        let entries = record.results.compactMap { result -> DossierEntry? in
            guard let filed = result.filedAt, !result.filingId.isEmpty else { return nil }
            return DossierEntry(
                at: filed.date, kind: "filed", summary: "备案登记 \(result.filingId) / filed with the two committees",
                fields: [("filing", result.filingId), ("result", result.id)])
        }
        return entries.isEmpty ? [Self.none("尚未备案登记 / not filed")] : entries
    }

    // MARK: Helpers

    static func none(_ summary: String) -> DossierEntry {
        DossierEntry(at: nil, kind: "none", summary: summary)
    }

    /// A section the session service did not answer: the reason, transient unless it
    /// answered that the caller may not see it.
    static func failed(_ spec: DossierLayout.Spec, _ error: any Error) -> DossierSection {
        guard let error = error as? RPCError else {
            return .unavailable(spec, reason: "unavailable: session service: \(error)", transient: true)
        }
        let settled: Set<Status.Code> = [.notFound, .permissionDenied, .invalidArgument]
        return .unavailable(spec, reason: "unavailable: session service answered \(error.code): \(error.message)",
                            transient: !settled.contains(error.code))
    }

    /// 张三 → 张*.
    static func mask(_ name: String) -> String {
        AgendaDossierSource.mask(name)
    }

    /// An invitee as the dossier names them: in office by name, a villager (a body member) masked.
    static func display(_ invitee: SessionV1.Invitee) -> String {
        let name = invitee.name.isEmpty ? invitee.person : invitee.name
        return invitee.role == .bodyMember ? mask(name) : name
    }

    /// A speaker invited in office by name; anyone else (a resident, a villager) masked.
    static func speaker(_ speaker: String, in meeting: SessionV1.Meeting) -> String {
        guard let invitee = meeting.invitees.first(where: { $0.person == speaker }) else { return mask(speaker) }
        return display(invitee)
    }

    static func body(_ meeting: SessionV1.Meeting) -> String {
        switch meeting.body {
        case .villagersAssembly: "村民会议 / villagers' assembly"
        case .representativesMeeting: "村民代表会议 / villagers' representatives' meeting"
        default: "协商议事会议（\(form(meeting.form))）/ consultation"
        }
    }

    static func form(_ form: AgendaV1.MeetingForm) -> String {
        switch form {
        case .democraticTalk: "民主恳谈会"
        case .deliberation: "民主议事会"
        case .hearing: "决策听证会"
        case .villagersForum: "村民论坛"
        case .democraticAppraisal: "民主评议会"
        case .openAir: "坝坝会"
        case .oneToOne: "一对一面对面协商"
        default: "\(form)"
        }
    }

    static func meetingState(_ state: SessionV1.MeetingState) -> String {
        switch state {
        case .scheduled: "已安排 / scheduled"
        case .open: "进行中 / open"
        case .informationSession: "情况通报会 / information session"
        case .closed: "已结束 / closed"
        default: "\(state)"
        }
    }

    static func position(_ position: SessionV1.Position) -> String {
        switch position {
        case .support: "支持 / support"
        case .oppose: "反对 / oppose"
        case .conditional: "有条件支持 / conditional"
        case .neutral: "中立 / neutral"
        default: "\(position)"
        }
    }

    static func outcome(_ outcome: SessionV1.RoundOutcome) -> String {
        switch outcome {
        case .consensus: "达成共识 / consensus"
        case .notReached: "未达成共识 / not reached"
        case .escalate: "提交村民(代表)会议表决 / escalated"
        default: "\(outcome)"
        }
    }

    static func resultState(_ state: SessionV1.ResultState) -> String {
        switch state {
        case .draft: "待公开 / draft"
        case .published: "公示中 / published"
        case .filed: "已备案 / filed"
        default: "\(state)"
        }
    }

    static func objectionState(_ state: SessionV1.ObjectionState) -> String {
        switch state {
        case .open: "open"
        case .dismissed: "dismissed"
        case .upheld: "upheld"
        default: "\(state)"
        }
    }

    static func threshold(_ threshold: SessionV1.VoteThreshold) -> String {
        let over: String
        switch threshold.over {
        case .eligible: over = "有表决权的全体人员 / the electorate"
        case .households: over = "户 / households"
        default: over = "与会人员 / those present"
        }
        let fraction = threshold.fraction.map { "\($0.numerator)/\($0.denominator)" } ?? ""
        return "\(fraction) \(threshold.inclusive ? "以上 / at least" : "超过 / more than") · \(over)"
    }

    static func day(_ date: CommonV1.Date) -> String {
        String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
    }
}
