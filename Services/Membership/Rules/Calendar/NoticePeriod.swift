import Foundation

/// 公示期 — the public notice period during which residents may object.
///
/// Proposed members are published for 5 days (`defaultDays`, 004: 协商会成员公示5天). The
/// period is counted as the Civil Code counts periods (DOMAIN.md; arts. 200–203):
/// - calendar days; the day of publication is not counted (art. 201), so the first day is
///   the day after;
/// - the period ends at the end (24:00) of its last day (art. 203), so with 5 days a list
///   published on 1 March is open through 23:59:59.999 on 6 March;
/// - if the last day is a statutory rest day, the day after the rest ends becomes the last
///   day (art. 203), whatever the length of the rest run.
///
/// Days are local days in `timeZone` (Asia/Shanghai unless a deployment says otherwise).
/// Nothing here reads the clock: callers pass the instant (`isOpen(at:)`).
public struct NoticePeriod: Sendable, Hashable, Codable {
    /// 公示5天 (004).
    public static let defaultDays = 5

    /// When the list was published (the period starts the next day).
    public let publishedAt: Date
    /// Length in calendar days, at least 1.
    public let days: Int
    public let holidays: HolidayCalendar
    public let timeZone: TimeZone

    /// - Throws: `notice.days` (field `notice_days`) when `days < 1`.
    public init(
        publishedAt: Date,
        days: Int = NoticePeriod.defaultDays,
        holidays: HolidayCalendar = .none,
        timeZone: TimeZone = .chinaStandard
    ) throws(DomainViolation) {
        guard days >= 1 else {
            throw DomainViolation(
                rule: "notice.days", field: "notice_days",
                zh: "公示期至少为1天", en: "a notice period is at least 1 day"
            )
        }
        self.publishedAt = publishedAt
        self.days = days
        self.holidays = holidays
        self.timeZone = timeZone
    }

    /// The local day of publication (not counted).
    public var publicationDay: LocalDate { LocalDate(containing: publishedAt, in: timeZone) }

    /// The first counted day: the day after publication (art. 201).
    public var firstDay: LocalDate { publicationDay.adding(days: 1) }

    /// The last day before any holiday shift: publication day + `days`.
    public var nominalLastDay: LocalDate { publicationDay.adding(days: days) }

    /// The last day, moved past a statutory rest run (art. 203).
    public var lastDay: LocalDate { holidays.firstWorkingDay(onOrAfter: nominalLastDay) }

    /// The first instant after the period: 00:00 of the day after ``lastDay``. Every instant
    /// strictly before it (through 23:59:59.999… of the last day) is inside.
    public var endsAt: Date { lastDay.adding(days: 1).startInstant(in: timeZone) }

    /// Whether residents may still object at `instant`: from publication up to, not
    /// including, ``endsAt``.
    public func isOpen(at instant: Date) -> Bool {
        instant >= publishedAt && instant < endsAt
    }

    /// Whether the period is over at `instant`.
    public func hasEnded(at instant: Date) -> Bool { instant >= endsAt }
}
