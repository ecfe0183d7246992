import Foundation
import Logging
import MembershipRules
import TongxinPostgres
import TongxinService

/// What the membership service runs on: its database pool (connected as
/// `membership_svc`), the token verifier, the PII vault, the clock, and the
/// deployment's rule configuration.
public struct MembershipEnvironment: Sendable {
    public var pool: PostgresPool
    public var tokens: TokenAuthority
    public var vault: PIIVault
    public var clock: any ServiceClock
    public var rules: CompositionDefaults
    public var notice: NoticeSettings
    /// Term length per council kind (issue 8 §7).
    public var terms: TermLengths
    public var logger: Logger
    /// 检索限流 — searches by phone or ID number per principal: 30 a minute by default,
    /// per process, on `clock`.
    public var searchLimiter: RateLimiter

    public init(
        pool: PostgresPool,
        tokens: TokenAuthority,
        vault: PIIVault,
        clock: any ServiceClock = SystemClock(),
        rules: CompositionDefaults = CompositionDefaults(),
        notice: NoticeSettings = NoticeSettings(),
        terms: TermLengths = TermLengths(),
        searchLimiter: RateLimiter? = nil,
        logger: Logger
    ) {
        self.searchLimiter = searchLimiter ?? RateLimiter(limit: 30, window: 60, clock: clock)
        self.pool = pool
        self.tokens = tokens
        self.vault = vault
        self.clock = clock
        self.rules = rules
        self.notice = notice
        self.terms = terms
        self.logger = logger
    }

    /// The deployment's time zone: every "today" of the service is read in it (issue 8 §11),
    /// the notice windows' included (Beijing time unless configured).
    public var timeZone: TimeZone { notice.timeZone }
}

/// 公示设置 — the deployment's notice period: 5 days by default (004), counted in
/// `timeZone` with the published holiday calendar (Civil Code arts. 201–203).
public struct NoticeSettings: Sendable {
    public var days: Int
    public var holidays: HolidayCalendar
    public var timeZone: TimeZone

    public init(days: Int = NoticePeriod.defaultDays, holidays: HolidayCalendar = .none, timeZone: TimeZone = .chinaStandard) {
        self.days = days
        self.holidays = holidays
        self.timeZone = timeZone
    }
}
