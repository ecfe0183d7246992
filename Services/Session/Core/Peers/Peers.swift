import AgendaAPI
import Foundation
import MembershipAPI
import SessionRules
import TongxinRPC
import TongxinSchemas
import TongxinService

/// A topic as the agenda service answers it, with its published meeting plan.
public struct AgendaTopic: Sendable, Hashable {
    public var id: String
    public var unitPath: String
    public var title: String
    /// agenda.proto's TopicState number.
    public var state: Int32
    public var plan: AgendaPlan?

    public init(id: String, unitPath: String, title: String, state: Int32, plan: AgendaPlan?) {
        self.id = id
        self.unitPath = unitPath
        self.title = title
        self.state = state
        self.plan = plan
    }

    /// agenda's TopicState numbers the session service reads.
    public static let planned: Int32 = 4
    public static let inMeeting: Int32 = 5
    public static let escalated: Int32 = 7
}

public struct AgendaPlan: Sendable, Hashable {
    public var id: String
    public var meetingAt: Date
    public var place: String
    public var form: MeetingForm
    /// (person, agenda ParticipantRole number: 1 fixed, 2 stakeholder, 3 expert, 4 department, 5 observer)
    public var participants: [Participant]
    public var councilID: String

    public struct Participant: Sendable, Hashable {
        public var person: String
        public var role: Int32
        public init(person: String, role: Int32) {
            self.person = person
            self.role = role
        }
    }

    public init(id: String, meetingAt: Date, place: String, form: MeetingForm, participants: [Participant], councilID: String) {
        self.id = id
        self.meetingAt = meetingAt
        self.place = place
        self.form = form
        self.participants = participants
        self.councilID = councilID
    }
}

/// 议题与议事方案 — the agenda service's topics and published meeting plans, read when a
/// meeting is scheduled.
public protocol TopicDirectory: Sendable {
    /// The topic and its plan (nil when none is published), as `caller` sees them; NOT_FOUND
    /// when agenda does not know the topic in the caller's scope.
    func topic(_ id: String, for caller: Caller) async throws -> AgendaTopic
}

/// A council's member as membership's roster answers it.
public struct RosterMember: Sendable, Hashable {
    public var person: String
    public var name: String
    public var role: InviteeRole
    public var topicID: String

    public init(person: String, name: String, role: InviteeRole, topicID: String = "") {
        self.person = person
        self.name = name
        self.role = role
        self.topicID = topicID
    }
}

/// 名册 — membership's council rosters, snapshotted into a meeting's invitees.
public protocol RosterDirectory: Sendable {
    /// The council's members at `at` with the ad-hoc members of `topics` (fixed members,
    /// ad-hoc members, observers; officers count as fixed members).
    func roster(council: String, at: Date, topics: [String], for caller: Caller) async throws -> [RosterMember]
}

/// Short tokens for calls to the other services on behalf of a caller (their principal and
/// scope, only the permission the call needs) or of the service itself (the outbox).
struct PeerTokens: Sendable {
    let tokens: TokenAuthority
    let clock: any ServiceClock

    func options(principal: String, unitPath: String, permission: String, audience: String, deadline: Duration = .seconds(10)) -> CallOptions {
        let token = tokens.issue(Caller(
            principal: principal, unitPath: unitPath, permissions: [permission], audience: audience,
            now: Int64(clock.now().timeIntervalSince1970), lifetime: 60, issuer: "session"))
        var metadata = Metadata()
        metadata.authorization = "Bearer " + token
        return CallOptions(timeout: deadline, metadata: metadata)
    }
}

/// Topics and plans over agenda's RPC (`GetTopic`, `GetMeetingPlan`, with `agenda.read`
/// for the caller's principal and scope): agenda's row-level security answers exactly what
/// the caller may see.
public final class AgendaTopicDirectory: TopicDirectory {
    let api: AgendaV1.Agenda.Client
    let peer: PeerTokens

    public init(client: RPCClient, tokens: TokenAuthority, clock: any ServiceClock = SystemClock()) {
        self.api = AgendaV1.Agenda.Client(client)
        self.peer = PeerTokens(tokens: tokens, clock: clock)
    }

    public func topic(_ id: String, for caller: Caller) async throws -> AgendaTopic {
        let options = peer.options(principal: caller.principal, unitPath: caller.unitPath, permission: "agenda.read", audience: "agenda")
        let topic: AgendaV1.Topic
        do {
            topic = try await api.getTopic(AgendaV1.GetTopicRequest(topicId: id), options: options)
        } catch let error as RPCError where error.code == .notFound || error.code == .invalidArgument {
            throw SessionError.notFound(what: "topic")
        }
        var plan: AgendaPlan?
        do {
            let wire = try await api.getMeetingPlan(AgendaV1.GetMeetingPlanRequest(topicId: id), options: options)
            plan = AgendaPlan(
                id: wire.id, meetingAt: wire.meetingAt?.date ?? Date(timeIntervalSince1970: 0), place: wire.place,
                form: MeetingForm(rawValue: Int(wire.form.rawValue)) ?? .deliberation,
                participants: wire.participants.map { AgendaPlan.Participant(person: $0.person, role: $0.role.rawValue) },
                councilID: wire.councilId)
        } catch let error as RPCError where error.code == .notFound {
            plan = nil
        }
        return AgendaTopic(id: topic.id, unitPath: topic.unitPath, title: topic.title, state: topic.state.rawValue, plan: plan)
    }
}

/// Rosters over membership's RPC (`GetRoster` at the meeting time, once per topic for its
/// ad-hoc members, with `membership.read` for the caller's principal and scope).
public final class MembershipRosterDirectory: RosterDirectory {
    let api: MembershipV1.Membership.Client
    let peer: PeerTokens

    public init(client: RPCClient, tokens: TokenAuthority, clock: any ServiceClock = SystemClock()) {
        self.api = MembershipV1.Membership.Client(client)
        self.peer = PeerTokens(tokens: tokens, clock: clock)
    }

    public func roster(council: String, at: Date, topics: [String], for caller: Caller) async throws -> [RosterMember] {
        let options = peer.options(principal: caller.principal, unitPath: caller.unitPath, permission: "membership.read", audience: "membership")
        var members: [String: RosterMember] = [:]
        var order: [String] = []
        for topic in topics.isEmpty ? [""] : topics {
            let roster: MembershipV1.GetRosterResponse
            do {
                roster = try await api.getRoster(
                    MembershipV1.GetRosterRequest(councilId: council, at: CommonV1.Timestamp(at), topicId: topic), options: options)
            } catch let error as RPCError where error.code == .notFound || error.code == .invalidArgument {
                throw SessionError.notFound(what: "council")
            }
            // 任期届满 (issue 8 §7): a council past its term's last day is no longer constituted
            // for new business, so nobody is invited from it.
            if roster.councilStatus == .expired {
                throw await expired(council: council, lastDay: roster.termEndsOn, options: options)
            }
            for entry in roster.entries where members[entry.personId] == nil {
                let role: InviteeRole
                switch entry.role {
                case .adHocMember: role = .adHocMember
                case .observer: role = .observer
                default: role = entry.voting ? .fixedMember : .observer
                }
                members[entry.personId] = RosterMember(person: entry.personId, name: entry.name, role: role, topicID: entry.topicId)
                order.append(entry.personId)
            }
        }
        return order.compactMap { members[$0] }
    }

    /// FAILED_PRECONDITION `meeting.council_expired`, naming the council (by its name when
    /// membership answers GetCouncil, else its id) and its term's last day.
    private func expired(council: String, lastDay: CommonV1.Date?, options: CallOptions) async -> SessionError {
        let name = (try? await api.getCouncil(MembershipV1.GetCouncilRequest(councilId: council), options: options).name)
            .flatMap { $0.isEmpty ? nil : $0 }
        func padded(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        let day = lastDay.map { "\(padded($0.year, 4))-\(padded($0.month, 2))-\(padded($0.day, 2))" } ?? ""
        let zh = "议事会「\(name ?? council)」任期已届满" + (day.isEmpty ? "" : "（最后一日为\(day)）") + "，不能据其名册召集会议"
        let en = "council \(name.map { "\"\($0)\" (\(council))" } ?? council)'s term has expired"
            + (day.isEmpty ? "" : " (its last day was \(day))") + ": no meeting can be called from its roster"
        var figures: [ErrorDetail.Figure] = [.init("meeting.council_expired.council", council)]
        if !day.isEmpty { figures.append(.init("meeting.council_expired.term_ends_on", day)) }
        return SessionError.failedPrecondition(rule: "meeting.council_expired", zh: zh, en: en, figures: figures)
    }
}
