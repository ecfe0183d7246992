import Foundation
import MembershipRules
import TongxinService

extension NoticeSettings {
    /// The deployment's notice settings (DOMAIN.md principle 8: rules are data):
    /// - TONGXIN_MEMBERSHIP_NOTICE_DAYS: the 公示 period in days (default 5, seed 004; 1–60);
    /// - TONGXIN_MEMBERSHIP_HOLIDAYS_FILE: the published statutory rest days, one
    ///   `YYYY-MM-DD` per line (`#` starts a comment), as the State Council publishes
    ///   them each year; a period whose last day is a rest day ends after the holiday
    ///   (Civil Code art. 203).
    public static func fromEnvironment(_ environment: [String: String]) throws -> NoticeSettings {
        var settings = NoticeSettings()
        if let text = environment["TONGXIN_MEMBERSHIP_NOTICE_DAYS"], !text.isEmpty {
            guard let days = Int(text), (1...60).contains(days) else {
                throw ConfigurationError(variable: "TONGXIN_MEMBERSHIP_NOTICE_DAYS", problem: "must be a whole number of days from 1 to 60, not \"\(text)\"")
            }
            settings.days = days
        }
        if let zone = environment["TONGXIN_MEMBERSHIP_TIME_ZONE"], !zone.isEmpty {
            // The deployment's zone (issue 8 §11): every "today" — notice windows, terms,
            // expiry — is read in it. An IANA name, e.g. Asia/Shanghai (the default, +08:00).
            guard let timeZone = TimeZone(identifier: zone) else {
                throw ConfigurationError(variable: "TONGXIN_MEMBERSHIP_TIME_ZONE", problem: "is not a time zone name: \"\(zone)\"")
            }
            settings.timeZone = timeZone
        }
        if let path = environment["TONGXIN_MEMBERSHIP_HOLIDAYS_FILE"], !path.isEmpty {
            let text: String
            do {
                text = try String(contentsOfFile: path, encoding: .utf8)
            } catch {
                throw ConfigurationError(variable: "TONGXIN_MEMBERSHIP_HOLIDAYS_FILE", problem: "cannot be read: \(path)")
            }
            settings.holidays = try Self.holidays(from: text)
        }
        return settings
    }

    /// Parses a holiday list; a malformed line is an error naming the line.
    static func holidays(from text: String) throws -> HolidayCalendar {
        var days = Set<LocalDate>()
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first?
                .trimmingCharacters(in: .whitespaces) ?? ""
            guard !line.isEmpty else { continue }
            guard let day = LocalDate(validating: line) else {
                throw ConfigurationError(variable: "TONGXIN_MEMBERSHIP_HOLIDAYS_FILE", problem: "line \(index + 1): \"\(line)\" is not a date (YYYY-MM-DD)")
            }
            days.insert(day)
        }
        return HolidayCalendar(restDays: days)
    }
}

extension TermLengths {
    /// TONGXIN_MEMBERSHIP_TERM_YEARS: a JSON object from council kind to years, e.g.
    /// `{"townCouncil": 5}`; kinds not named keep the villagers' committee's five years.
    public static func fromEnvironment(_ environment: [String: String]) throws -> TermLengths {
        guard let text = environment["TONGXIN_MEMBERSHIP_TERM_YEARS"], !text.isEmpty else { return TermLengths() }
        guard let decoded = try? JSONDecoder().decode([String: Int].self, from: Data(text.utf8)) else {
            throw ConfigurationError(variable: "TONGXIN_MEMBERSHIP_TERM_YEARS", problem: "must be a JSON object of council kind to years")
        }
        var years: [CouncilKind: Int] = [:]
        for (key, value) in decoded {
            guard let kind = CouncilKind(rawValue: key), (1...10).contains(value) else {
                throw ConfigurationError(variable: "TONGXIN_MEMBERSHIP_TERM_YEARS", problem: "\(key): \(value) is not a council kind with 1–10 years")
            }
            years[kind] = value
        }
        return TermLengths(years)
    }
}
