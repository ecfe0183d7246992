import Foundation

/// 期间 — a period of days counted the way the Civil Code counts periods (arts. 200–203):
/// a public notice (公示期), a publication of results, a time limit to object or to reply.
///
/// - calendar days; the day of the starting event (publication, service) is not counted
///   (art. 201), so the first day is the day after;
/// - the period ends at the end (24:00) of its last day (art. 203), so 5 days from 1 March
///   run through 23:59:59.999 on 6 March;
/// - if the last day is a statutory rest day (法定休假日), the day after the rest ends
///   becomes the last day (art. 203), whatever the length of the rest run.
///
/// Days are local days in `timeZone` (Asia/Shanghai unless a deployment says otherwise).
/// Nothing here reads the clock: callers pass the instant (``isOpen(at:)``). Each service
/// names its own periods on top of this one (membership's `NoticePeriod`: 公示5天).
public struct CivilCodePeriod: Sendable, Hashable, Codable {
    /// The starting event (publication, service of notice); the period begins the next day.
    public let startsAt: Date
    /// Length in calendar days, at least 1.
    public let days: Int
    public let holidays: HolidayCalendar
    public let timeZone: TimeZone

    /// - Throws: a `period.days` violation on `field` (default `days`) when `days < 1`.
    public init(
        startsAt: Date,
        days: Int,
        holidays: HolidayCalendar = .none,
        timeZone: TimeZone = .chinaStandard,
        field: String = "days"
    ) throws(DomainViolation) {
        guard days >= 1 else {
            throw DomainViolation(
                rule: "period.days", field: field,
                zh: "期间至少为1日", en: "a period is at least 1 day"
            )
        }
        self.startsAt = startsAt
        self.days = days
        self.holidays = holidays
        self.timeZone = timeZone
    }

    /// The local day of the starting event (not counted, art. 201).
    public var startDay: LocalDate { LocalDate(containing: startsAt, in: timeZone) }

    /// The first counted day: the day after the starting event (art. 201).
    public var firstDay: LocalDate { startDay.adding(days: 1) }

    /// The last day before any holiday shift: start day + `days`.
    public var nominalLastDay: LocalDate { startDay.adding(days: days) }

    /// The last day, moved past a statutory rest run (art. 203).
    public var lastDay: LocalDate { holidays.firstWorkingDay(onOrAfter: nominalLastDay) }

    /// The first instant after the period: 00:00 of the day after ``lastDay``. Every instant
    /// strictly before it (through 23:59:59.999… of the last day) is inside.
    public var endsAt: Date { lastDay.adding(days: 1).startInstant(in: timeZone) }

    /// Whether the period is running at `instant`: from the starting event up to, not
    /// including, ``endsAt``.
    public func isOpen(at instant: Date) -> Bool { instant >= startsAt && instant < endsAt }

    /// Whether the period is over at `instant`.
    public func hasEnded(at instant: Date) -> Bool { instant >= endsAt }
}
