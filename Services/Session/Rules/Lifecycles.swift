import Foundation

/// 会议状态 — scheduled → open (quorate, deciding) or information session (no quorum, no
/// decision) → closed.
public enum MeetingState: Int, Sendable, Hashable, CaseIterable, Codable {
    case scheduled = 1, open, informationSession, closed

    public var nameZH: String {
        switch self {
        case .scheduled: "待召开"
        case .open: "进行中"
        case .informationSession: "情况通报会（未达法定人数）"
        case .closed: "已结束"
        }
    }

    public var nameEN: String {
        switch self {
        case .scheduled: "scheduled"
        case .open: "open"
        case .informationSession: "information session"
        case .closed: "closed"
        }
    }
}

public enum MeetingLifecycle {
    static let edges: [MeetingState: Set<MeetingState>] = [
        .scheduled: [.open, .informationSession, .closed],
        .open: [.closed],
        .informationSession: [.closed],
        .closed: [],
    ]

    /// - `meeting.transition`: not an edge.
    public static func transition(from: MeetingState, to: MeetingState) throws(DomainViolation) -> MeetingState {
        guard edges[from, default: []].contains(to) else {
            throw DomainViolation(
                rule: "meeting.transition", field: nil, zh: "会议不能从「\(from.nameZH)」变为「\(to.nameZH)」",
                en: "a meeting cannot go from \(from.nameEN) to \(to.nameEN)")
        }
        return to
    }

    /// Opening: quorate → open; not quorate → an information session when asked for, else
    /// `meeting.no_quorum` naming the counts.
    public static func open(quorum: QuorumOutcome, informationSession: Bool) throws(DomainViolation) -> MeetingState {
        if quorum.met { return .open }
        guard informationSession else {
            throw DomainViolation(
                rule: "meeting.no_quorum", field: nil,
                zh: "未达到法定人数，只能作为情况通报会召开：\(quorum.descriptionZH)",
                en: "no quorum; the meeting can only be opened as an information session: \(quorum.descriptionEN)")
        }
        return .informationSession
    }

    /// Check-in: open until the meeting closes.
    public static func checkIn(_ state: MeetingState) throws(DomainViolation) {
        if state == .closed {
            throw DomainViolation(rule: "meeting.closed", field: nil, zh: "会议已结束，不能签到", en: "the meeting is closed")
        }
    }

    /// A decision (a round's end, a vote) needs an open, quorate meeting.
    /// - `meeting.not_open`: scheduled or closed;
    /// - `meeting.no_quorum`: an information session takes no decision.
    public static func decide(_ state: MeetingState, quorum: QuorumOutcome) throws(DomainViolation) {
        switch state {
        case .open:
            return
        case .informationSession:
            throw DomainViolation(
                rule: "meeting.no_quorum", field: nil,
                zh: "会议未达到法定人数，不能作出决定：\(quorum.descriptionZH)",
                en: "the meeting has no quorum and takes no decision: \(quorum.descriptionEN)")
        case .scheduled, .closed:
            throw DomainViolation(
                rule: "meeting.not_open", field: nil, zh: "会议「\(state.nameZH)」，不能作出决定",
                en: "the meeting is \(state.nameEN); no decision can be taken")
        }
    }
}

/// 表决状态 — open until closed, never reopened.
public enum VoteState: Int, Sendable, Hashable, CaseIterable, Codable {
    case open = 1, closed
}

public enum VoteLifecycle {
    /// - `vote.closed`: a ballot (electronic or paper) after the close.
    public static func cast(_ state: VoteState) throws(DomainViolation) {
        guard state == .open else {
            throw DomainViolation(rule: "vote.closed", field: nil, zh: "表决已结束，不能再投票", en: "the vote is closed")
        }
    }

    /// A vote's configuration: a secret ballot is never changeable (nothing links a choice
    /// to its voter, so nothing could be replaced).
    public static func configure(method: BallotMethod, changeable: Bool) throws(DomainViolation) {
        if method == .secret, changeable {
            throw DomainViolation(
                rule: "vote.secret_changeable", field: "changeable",
                zh: "无记名投票不能改票", en: "a secret ballot cannot be changeable")
        }
    }
}

/// 协商结果状态 — draft (amendable) → published (the notice period runs) → filed
/// (immutable); an upheld objection sends a published result back to draft.
public enum ResultState: Int, Sendable, Hashable, CaseIterable, Codable {
    case draft = 1, published, filed

    public var nameZH: String {
        switch self {
        case .draft: "协商意见（未公开）"
        case .published: "公示中"
        case .filed: "已备案"
        }
    }

    public var nameEN: String {
        switch self {
        case .draft: "draft"
        case .published: "published"
        case .filed: "filed"
        }
    }
}

public enum ResultLifecycle {
    static func filedViolation() -> DomainViolation {
        DomainViolation(rule: "result.filed", field: nil, zh: "结果已备案登记，不能再修改", en: "the result is filed and cannot change")
    }

    /// Amending: drafts only.
    public static func amend(_ state: ResultState) throws(DomainViolation) {
        switch state {
        case .draft: return
        case .filed: throw filedViolation()
        case .published:
            throw DomainViolation(
                rule: "result.published", field: nil, zh: "结果公示中，不能修改（异议成立后方可修改）",
                en: "the result is under notice; it changes only after an upheld objection")
        }
    }

    /// Publishing: drafts only (a published result answers unchanged, a filed one refuses).
    public static func publish(_ state: ResultState) throws(DomainViolation) -> Bool {
        switch state {
        case .draft: return true
        case .published: return false
        case .filed: throw filedViolation()
        }
    }

    /// Raising an objection: only while the notice period runs.
    /// - `objection.not_in_notice`: outside the period (before publication, after its end, filed).
    public static func object(_ state: ResultState, period: CivilCodePeriod?, at instant: Date) throws(DomainViolation) {
        guard state == .published, let period, period.isOpen(at: instant) else {
            throw DomainViolation(
                rule: "objection.not_in_notice", field: nil, zh: "只能在公示期内提出异议",
                en: "objections are raised during the notice period only")
        }
    }

    /// Filing (备案登记): published, the notice period over, no open objection.
    /// - `result.filed`: already filed (callers answer a repeat unchanged before asking);
    /// - `result.not_published`: a draft;
    /// - `result.notice_running`: the period has not ended (naming its end);
    /// - `result.open_objection`: an objection awaits its answer.
    public static func file(_ state: ResultState, period: CivilCodePeriod?, openObjections: Int, at instant: Date) throws(DomainViolation) {
        switch state {
        case .filed: throw filedViolation()
        case .draft:
            throw DomainViolation(rule: "result.not_published", field: nil, zh: "结果尚未公开，不能备案", en: "the result has not been published")
        case .published: break
        }
        guard let period else {
            throw DomainViolation(rule: "result.not_published", field: nil, zh: "结果尚未公开，不能备案", en: "the result has not been published")
        }
        guard period.hasEnded(at: instant) else {
            throw DomainViolation(
                rule: "result.notice_running", field: nil,
                zh: "公示期至 \(period.lastDay) 届满，届满后方可备案", en: "the notice period runs through \(period.lastDay); file after it ends")
        }
        guard openObjections == 0 else {
            throw DomainViolation(
                rule: "result.open_objection", field: nil,
                zh: "尚有 \(openObjections) 件异议未处理，不能备案", en: "\(openObjections) objection(s) still open; resolve them before filing")
        }
    }
}


/// 公开结果的公示期 — default 5 days (004), counted as the Civil Code counts periods.
public struct PublicationPolicy: Sendable, Hashable {
    public var defaultDays: Int
    public var maxDays: Int
    public var holidays: HolidayCalendar
    public var timeZone: TimeZone

    public init(defaultDays: Int = 5, maxDays: Int = 60, holidays: HolidayCalendar = .none, timeZone: TimeZone = .chinaStandard) {
        self.defaultDays = defaultDays
        self.maxDays = maxDays
        self.holidays = holidays
        self.timeZone = timeZone
    }

    /// The notice period of a result published at `publishedAt` for `days` (0: the default).
    /// - `publication.days`: outside 1…maxDays.
    public func period(publishedAt: Date, days: Int) throws(DomainViolation) -> CivilCodePeriod {
        let days = days == 0 ? defaultDays : days
        guard (1...maxDays).contains(days) else {
            throw DomainViolation(
                rule: "publication.days", field: "notice_days", zh: "公示期应为1至\(maxDays)日", en: "notice of 1 to \(maxDays) days")
        }
        return try CivilCodePeriod(startsAt: publishedAt, days: days, holidays: holidays, timeZone: timeZone, field: "notice_days")
    }
}
