import Foundation

/// 公示期 — the public notice period during which residents may object.
///
/// Proposed members are published for 5 days (`defaultDays`, 004: 协商会成员公示5天),
/// counted as the Civil Code counts periods (``CivilCodePeriod``, arts. 200–203): the day
/// of publication is not counted, the period ends at 24:00 of its last day, and a last day
/// on a statutory rest day moves past the rest. This type keeps membership's defaults and
/// wording (`notice.days`, field `notice_days`); the counting is ``CivilCodePeriod``'s.
public struct NoticePeriod: Sendable, Hashable, Codable {
    /// 公示5天 (004).
    public static let defaultDays = 5

    /// The period as counted.
    public let period: CivilCodePeriod

    /// - Throws: `notice.days` (field `notice_days`) when `days < 1`.
    public init(
        publishedAt: Date,
        days: Int = NoticePeriod.defaultDays,
        holidays: HolidayCalendar = .none,
        timeZone: TimeZone = .chinaStandard
    ) throws(DomainViolation) {
        do {
            period = try CivilCodePeriod(startsAt: publishedAt, days: days, holidays: holidays, timeZone: timeZone)
        } catch {
            throw DomainViolation(
                rule: "notice.days", field: "notice_days",
                zh: "公示期至少为1天", en: "a notice period is at least 1 day"
            )
        }
    }

    /// When the list was published (the period starts the next day).
    public var publishedAt: Date { period.startsAt }
    public var days: Int { period.days }
    public var holidays: HolidayCalendar { period.holidays }
    public var timeZone: TimeZone { period.timeZone }
    /// The local day of publication (not counted).
    public var publicationDay: LocalDate { period.startDay }
    public var firstDay: LocalDate { period.firstDay }
    public var nominalLastDay: LocalDate { period.nominalLastDay }
    public var lastDay: LocalDate { period.lastDay }
    public var endsAt: Date { period.endsAt }

    /// Whether residents may still object at `instant`.
    public func isOpen(at instant: Date) -> Bool { period.isOpen(at: instant) }

    /// Whether the period is over at `instant`.
    public func hasEnded(at instant: Date) -> Bool { period.hasEnded(at: instant) }
}
