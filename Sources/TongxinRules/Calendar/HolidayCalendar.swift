/// 法定休假日历 — the rest days a period's last day may not fall on, as data.
///
/// Civil Code art. 203: if the last day of a period is a statutory rest day (法定休假日),
/// the day after the rest ends is the last day. Holidays are set each year by the State
/// Council's notice, with weekend days swapped for working days (调休), so the calendar
/// is a plain set of days loaded per deployment — never computed from rules in code
/// (DOMAIN.md, "Reading thresholds and periods…").
///
/// Weekends: courts read 法定休假日 as including the weekly rest days. A deployment that
/// follows that reading builds its calendar with ``includingWeekends(from:through:except:)``,
/// passing the 调休 working Saturdays and Sundays as exceptions.
public struct HolidayCalendar: Sendable, Hashable, Codable {
    /// Every day that is not a working day.
    public var restDays: Set<LocalDate>

    public init(restDays: Set<LocalDate> = []) {
        self.restDays = restDays
    }

    /// No rest days at all: periods end on their nominal last day.
    public static let none = HolidayCalendar()

    public func isRestDay(_ day: LocalDate) -> Bool { restDays.contains(day) }

    /// This calendar plus every day of `days` (a holiday run such as 10-01…10-07).
    public func adding(_ days: ClosedRange<LocalDate>) -> HolidayCalendar {
        var copy = self
        var day = days.lowerBound
        while day <= days.upperBound {
            copy.restDays.insert(day)
            day = day.adding(days: 1)
        }
        return copy
    }

    /// This calendar plus every Saturday and Sunday from `start` through `end`, except the
    /// 调休 working days in `workingDays`.
    public func includingWeekends(
        from start: LocalDate, through end: LocalDate, except workingDays: Set<LocalDate> = []
    ) -> HolidayCalendar {
        var copy = self
        var day = start
        while day <= end {
            if day.isoWeekday >= 6, !workingDays.contains(day) { copy.restDays.insert(day) }
            day = day.adding(days: 1)
        }
        return copy
    }

    /// `day` itself if it is a working day, else the first working day after the rest run.
    public func firstWorkingDay(onOrAfter day: LocalDate) -> LocalDate {
        var current = day
        while isRestDay(current) { current = current.adding(days: 1) }
        return current
    }
}
