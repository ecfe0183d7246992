import AgendaRules
import Foundation
import TongxinService

/// What a deployment configures of the agenda service's rules (DOMAIN.md principle 8: rules
/// are data), read from the environment once at start; a bad value stops the service with a
/// ``ConfigurationError`` naming the variable (exit 78, before any call is served).
///
/// - TONGXIN_AGENDA_PLAN_LEAD_DAYS: 议事方案提前公布 — how many days ahead of the meeting a
///   meeting plan must be published (issue 9 §7's N). A whole number sets both big and small
///   topics (`5`); a JSON object sets them apart (`{"big": 10, "small": 5}`), a scale not
///   named keeping the seed's (big 7, small 3). 0–60 days. Urgent topics are never held to a
///   lead time (急事快议), so `urgent` is refused.
/// - TONGXIN_AGENDA_MEETING_DUE_DAYS: how many days after adoption a topic's meeting is due,
///   per scale, as a JSON object (`{"big": 20, "small": 10, "urgent": 2}`); a scale not named
///   keeps the seed's (big 30, small 15, urgent 3). 1–365 days.
/// - TONGXIN_AGENDA_TIME_ZONE: the zone local days are counted in (plan lead time, topic
///   years, the annual plan); an IANA name, default Asia/Shanghai.
public struct AgendaSettings: Sendable, Hashable {
    public var scales: ScaleRules
    public var timeZone: TimeZone

    public init(scales: ScaleRules = ScaleRules(), timeZone: TimeZone = .chinaStandard) {
        self.scales = scales
        self.timeZone = timeZone
    }

    public static let planLeadDaysVariable = "TONGXIN_AGENDA_PLAN_LEAD_DAYS"
    public static let meetingDueDaysVariable = "TONGXIN_AGENDA_MEETING_DUE_DAYS"
    public static let timeZoneVariable = "TONGXIN_AGENDA_TIME_ZONE"

    public static func fromEnvironment(_ environment: [String: String]) throws(ConfigurationError) -> AgendaSettings {
        var settings = AgendaSettings()
        if let text = environment["TONGXIN_AGENDA_PLAN_LEAD_DAYS"], !text.isEmpty {
            let days: [Scale: Int]
            if let whole = Int(text.trimmingCharacters(in: .whitespaces)) {
                days = [.big: whole, .small: whole]
            } else {
                days = try perScale(text, variable: planLeadDaysVariable, what: "days ahead")
            }
            for (scale, value) in days {
                guard scale != .urgent else {
                    throw ConfigurationError(
                        variable: planLeadDaysVariable, problem: "cannot set urgent: an urgent topic's plan has no lead time (急事快议)")
                }
                guard (0...60).contains(value) else {
                    throw ConfigurationError(
                        variable: planLeadDaysVariable, problem: "\(name(scale)): \(value) is not a whole number of days from 0 to 60")
                }
                settings.scales.set(scale) { $0.planLeadDays = value }
            }
        }
        if let text = environment["TONGXIN_AGENDA_MEETING_DUE_DAYS"], !text.isEmpty {
            for (scale, value) in try perScale(text, variable: meetingDueDaysVariable, what: "days after adoption") {
                guard (1...365).contains(value) else {
                    throw ConfigurationError(
                        variable: meetingDueDaysVariable, problem: "\(name(scale)): \(value) is not a whole number of days from 1 to 365")
                }
                settings.scales.set(scale) { $0.meetingDueDays = value }
            }
        }
        if let zone = environment["TONGXIN_AGENDA_TIME_ZONE"], !zone.isEmpty {
            guard let timeZone = TimeZone(identifier: zone) else {
                throw ConfigurationError(variable: timeZoneVariable, problem: "is not a time zone name: \"\(zone)\"")
            }
            settings.timeZone = timeZone
        }
        return settings
    }

    /// `{"big": 10, "small": 5}`: a JSON object from scale name to a whole number.
    private static func perScale(_ text: String, variable: String, what: String) throws(ConfigurationError) -> [Scale: Int] {
        guard let decoded = try? JSONDecoder().decode([String: Int].self, from: Data(text.utf8)) else {
            throw ConfigurationError(
                variable: variable, problem: "must be a JSON object of scale (big, small, urgent) to \(what), not \"\(text)\"")
        }
        var days: [Scale: Int] = [:]
        for (key, value) in decoded {
            guard let scale = Scale.allCases.first(where: { name($0) == key }) else {
                throw ConfigurationError(variable: variable, problem: "\"\(key)\" is not a scale (big, small, urgent)")
            }
            days[scale] = value
        }
        return days
    }

    private static func name(_ scale: Scale) -> String {
        switch scale {
        case .big: "big"
        case .small: "small"
        case .urgent: "urgent"
        }
    }
}

extension ScaleRules {
    mutating func set(_ scale: Scale, _ change: (inout ScalePolicy) -> Void) {
        switch scale {
        case .big: change(&big)
        case .small: change(&small)
        case .urgent: change(&urgent)
        }
    }
}
