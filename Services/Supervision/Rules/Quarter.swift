import Foundation

/// 季度 — the period of the warning ledger's report (seed 002: 每季度通报一次各乡镇推进情况).
public struct Quarter: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let year: Int
    public let quarter: Int

    /// A quarter 1–4 of a year 2000–2999, else `report.quarter`.
    public init(year: Int, quarter: Int) throws(DomainViolation) {
        guard (2000...2999).contains(year), (1...4).contains(quarter) else {
            throw DomainViolation(
                rule: "report.quarter", field: "quarter", zh: "季度须为 2000–2999 年的第 1–4 季度",
                en: "a quarter is 1–4 of a year 2000–2999")
        }
        self.year = year
        self.quarter = quarter
    }

    private init(unchecked year: Int, _ quarter: Int) {
        self.year = year
        self.quarter = quarter
    }

    /// The quarter containing `day`.
    public init(containing day: LocalDate) {
        self.init(unchecked: day.year, (day.month - 1) / 3 + 1)
    }

    public var firstDay: LocalDate { LocalDate(year, (quarter - 1) * 3 + 1, 1) }
    /// The first day of the next quarter (the end, exclusive).
    public var endDay: LocalDate { next.firstDay }
    public var lastDay: LocalDate { endDay.adding(days: -1) }

    public var next: Quarter { quarter == 4 ? Quarter(unchecked: year + 1, 1) : Quarter(unchecked: year, quarter + 1) }
    public var previous: Quarter { quarter == 1 ? Quarter(unchecked: year - 1, 4) : Quarter(unchecked: year, quarter - 1) }

    /// The instant a report of this quarter is made as of: the quarter's end, or `now` while
    /// the quarter runs (a report of a quarter still ahead is `report.future_quarter`).
    public func asOf(now: Date, in timeZone: TimeZone) throws(DomainViolation) -> Date {
        let start = firstDay.startInstant(in: timeZone)
        guard start <= now else {
            throw DomainViolation(
                rule: "report.future_quarter", field: "quarter", zh: "\(self) 尚未开始", en: "\(self) has not begun")
        }
        return min(now, endDay.startInstant(in: timeZone))
    }

    public static func < (lhs: Quarter, rhs: Quarter) -> Bool { (lhs.year, lhs.quarter) < (rhs.year, rhs.quarter) }

    public var description: String { "\(year)Q\(quarter)" }
}

/// 下阶段建议 — the advice a quarterly report gives a town, from its counts (seed 002:
/// 每季度通报一次…并提出下阶段建议).
public enum QuarterAdvice {
    public static func advise(counts: LevelCounts, previous: LevelCounts) -> (zh: String, en: String) {
        var zh: [String] = []
        var en: [String] = []
        if counts.red > 0 {
            zh.append("\(counts.red) 件红色预警事项须限期整改，责任人逐件说明原因")
            en.append("\(counts.red) red cases need remedying by a set date, each explained by its responsible person")
        }
        if counts.yellow > 0 {
            zh.append("\(counts.yellow) 件黄色预警事项须加强督办，按节点报告进展")
            en.append("\(counts.yellow) yellow cases need closer supervision and progress reports by milestone")
        }
        if counts.red + counts.yellow > previous.red + previous.yellow {
            zh.append("预警事项较上季度增加，建议召开督办会")
            en.append("more cases are flagged than last quarter: hold a supervision meeting")
        }
        if zh.isEmpty {
            zh.append(counts.total == 0 ? "本季度无落实事项" : "各事项按期推进，继续保持")
            en.append(counts.total == 0 ? "no cases this quarter" : "every case is on track: keep it so")
        }
        return (zh.joined(separator: "；"), en.joined(separator: "; "))
    }
}
