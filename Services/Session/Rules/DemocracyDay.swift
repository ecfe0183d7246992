/// 民主日 — the day a month a town or village fixes for meetings and receptions (000/001:
/// "每月固定一天为镇民主日/村民主日"), as a rule over the calendar.
public enum DemocracyDayRule: Sendable, Hashable, Codable {
    /// "每月15日": a day the month lacks (29–31) is the month's last day.
    case dayOfMonth(Int)
    /// "每月第一个星期一": week 1–4, ISO weekday 1–7.
    case nthWeekday(week: Int, weekday: Int)
    /// "每月最后一个星期五".
    case lastWeekday(Int)

    /// The stored kind code (session.proto's DemocracyDayKind).
    public var kind: Int {
        switch self {
        case .dayOfMonth: 1
        case .nthWeekday: 2
        case .lastWeekday: 3
        }
    }

    /// From the stored or wire parts, or a `democracy_day.rule` violation.
    public static func validated(kind: Int, day: Int, week: Int, weekday: Int) throws(DomainViolation) -> DemocracyDayRule {
        switch kind {
        case 1 where (1...31).contains(day): return .dayOfMonth(day)
        case 2 where (1...4).contains(week) && (1...7).contains(weekday): return .nthWeekday(week: week, weekday: weekday)
        case 3 where (1...7).contains(weekday): return .lastWeekday(weekday)
        default:
            throw DomainViolation(
                rule: "democracy_day.rule", field: "kind",
                zh: "民主日规则无效：每月第1–31日，或第1–4个星期几（1–7），或最后一个星期几",
                en: "a democracy day is a day 1–31 of the month, the 1st–4th weekday 1–7, or the last weekday 1–7")
        }
    }

    public var parts: (day: Int, week: Int, weekday: Int) {
        switch self {
        case .dayOfMonth(let day): (day, 0, 0)
        case .nthWeekday(let week, let weekday): (0, week, weekday)
        case .lastWeekday(let weekday): (0, 0, weekday)
        }
    }

    /// The democracy day of `month` in `year`.
    public func day(year: Int, month: Int) -> LocalDate {
        let length = LocalDate.daysInMonth(year: year, month: month)
        switch self {
        case .dayOfMonth(let day):
            return LocalDate(year, month, min(day, length))
        case .nthWeekday(let week, let weekday):
            let first = LocalDate(year, month, 1)
            let offset = (weekday - first.isoWeekday + 7) % 7
            return first.adding(days: offset + 7 * (week - 1))
        case .lastWeekday(let weekday):
            let last = LocalDate(year, month, length)
            let back = (last.isoWeekday - weekday + 7) % 7
            return last.adding(days: -back)
        }
    }

    /// Every democracy day of `year`, January to December.
    public func days(in year: Int) -> [LocalDate] {
        (1...12).map { day(year: year, month: $0) }
    }

    /// The next `count` democracy days on or after `from`.
    public func upcoming(from: LocalDate, count: Int) -> [LocalDate] {
        var result: [LocalDate] = []
        var year = from.year, month = from.month
        while result.count < count {
            let candidate = day(year: year, month: month)
            if candidate >= from { result.append(candidate) }
            month += 1
            if month > 12 { month = 1; year += 1 }
        }
        return result
    }

    public func isDemocracyDay(_ date: LocalDate) -> Bool {
        day(year: date.year, month: date.month) == date
    }

    private static let weekdaysZH = ["", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"]
    private static let weekdaysEN = ["", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
    private static let ordinalsEN = ["", "first", "second", "third", "fourth"]

    public var descriptionZH: String {
        switch self {
        case .dayOfMonth(let day): "每月\(day)日"
        case .nthWeekday(let week, let weekday): "每月第\(ChineseNumerals.text(week))个\(Self.weekdaysZH[weekday])"
        case .lastWeekday(let weekday): "每月最后一个\(Self.weekdaysZH[weekday])"
        }
    }

    public var descriptionEN: String {
        switch self {
        case .dayOfMonth(let day): "day \(day) of every month"
        case .nthWeekday(let week, let weekday): "the \(Self.ordinalsEN[week]) \(Self.weekdaysEN[weekday]) of every month"
        case .lastWeekday(let weekday): "the last \(Self.weekdaysEN[weekday]) of every month"
        }
    }
}
