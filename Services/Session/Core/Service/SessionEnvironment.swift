import Foundation
import Logging
import SessionRules
import TongxinPostgres
import TongxinService

/// What the session service runs on: its database pool (as `session_svc`), the clock, the
/// deployment's rules as data (quorum per form, rounds, publication, the default vote
/// rule), and the other services it reads (agenda's topics and plans, membership's rosters).
public struct SessionEnvironment: Sendable {
    public var pool: PostgresPool
    public var clock: any ServiceClock
    public var quorum: QuorumRules
    public var rounds: RoundPolicy
    public var publication: PublicationPolicy
    /// A consultation's vote rule when OpenVote names none (过半数 of those present).
    public var consultationDecision: VoteRule
    /// Local days (democracy days, notice) are counted here unless a unit says otherwise.
    public var timeZone: TimeZone
    /// Agenda's topics and plans; nil: ScheduleMeeting is UNAVAILABLE for consultations.
    public var topics: (any TopicDirectory)?
    /// Membership's rosters; nil: invitees come from the plan's participants.
    public var rosters: (any RosterDirectory)?
    public var logger: Logger

    public init(
        pool: PostgresPool, clock: any ServiceClock = SystemClock(), quorum: QuorumRules = QuorumRules(),
        rounds: RoundPolicy = RoundPolicy(), publication: PublicationPolicy = PublicationPolicy(),
        consultationDecision: VoteRule = .majorityOfPresent, timeZone: TimeZone = .chinaStandard,
        topics: (any TopicDirectory)? = nil, rosters: (any RosterDirectory)? = nil, logger: Logger
    ) {
        self.pool = pool
        self.clock = clock
        self.quorum = quorum
        self.rounds = rounds
        self.publication = publication
        self.consultationDecision = consultationDecision
        self.timeZone = timeZone
        self.topics = topics
        self.rosters = rosters
        self.logger = logger
    }
}
