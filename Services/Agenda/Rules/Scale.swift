import Foundation

/// 规模 — 大事大议、小事小议、急事快议 (004, 协商形式): the scale of a topic decides its default
/// form, how soon its meeting must be held and how far ahead its meeting plan is published.
public enum Scale: Int, Sendable, Hashable, CaseIterable, Codable {
    case big = 1
    case small
    case urgent

    /// 急事快议: an urgent topic may go to its meeting without research (issue 9 §6) and its
    /// meeting plan is not held to the publication lead time (§7).
    public var researchOptional: Bool { self == .urgent }
}

/// What a scale decides, as data (ARCHITECTURE.md principle 9): the seeds give the forms;
/// the day counts are the deployment's defaults, configurable per deployment.
public struct ScalePolicy: Sendable, Hashable, Codable {
    /// The form the meeting takes unless the topic chooses another.
    public var defaultForm: MeetingForm
    /// The meeting is due within this many days of adoption (counted from the day after).
    public var meetingDueDays: Int
    /// The meeting plan is published at least this many days before the meeting (the
    /// publication day not counted, the meeting day counted: a plan published on the 1st
    /// with a lead of 3 days allows a meeting on the 4th).
    public var planLeadDays: Int

    public init(defaultForm: MeetingForm, meetingDueDays: Int, planLeadDays: Int) {
        self.defaultForm = defaultForm
        self.meetingDueDays = meetingDueDays
        self.planLeadDays = planLeadDays
    }

    /// The seed's defaults (004): big matters at a 民主议事会 within 30 days, plan published a
    /// week ahead; small matters at a 民主恳谈会 within 15 days, 3 days ahead; urgent matters
    /// at a 民主恳谈会 within 3 days, no lead time.
    public static func defaults(for scale: Scale) -> ScalePolicy {
        switch scale {
        case .big: ScalePolicy(defaultForm: .deliberation, meetingDueDays: 30, planLeadDays: 7)
        case .small: ScalePolicy(defaultForm: .democraticTalk, meetingDueDays: 15, planLeadDays: 3)
        case .urgent: ScalePolicy(defaultForm: .democraticTalk, meetingDueDays: 3, planLeadDays: 0)
        }
    }
}

/// The policies of every scale, the seed's defaults unless a deployment overrides them.
public struct ScaleRules: Sendable, Hashable, Codable {
    public var big: ScalePolicy
    public var small: ScalePolicy
    public var urgent: ScalePolicy

    public init(
        big: ScalePolicy = .defaults(for: .big), small: ScalePolicy = .defaults(for: .small),
        urgent: ScalePolicy = .defaults(for: .urgent)
    ) {
        self.big = big
        self.small = small
        self.urgent = urgent
    }

    public subscript(scale: Scale) -> ScalePolicy {
        switch scale {
        case .big: big
        case .small: small
        case .urgent: urgent
        }
    }

    /// The day the meeting of a topic adopted on `adoptedOn` is due.
    public func meetingDue(adoptedOn: LocalDate, scale: Scale) -> LocalDate {
        adoptedOn.adding(days: self[scale].meetingDueDays)
    }
}

/// 议事方案提前公布 — a meeting plan is published in the unit ahead of the meeting (004: 拟定议事
/// 方案……并在村内及时公布; issue 9 §7: at least N days before, unless urgent).
public enum PlanLeadTime {
    /// Refuses a plan published too late: the meeting's local day must lie at least
    /// `policy.planLeadDays` days after the publication's local day (the publication day
    /// is not counted, as the Civil Code counts periods, art. 201). An urgent topic is held
    /// to no lead time, but its meeting may not lie in the past.
    ///
    /// - `plan.lead_time`: too late, with both days and the days required;
    /// - `plan.meeting_in_past`: the meeting time is before the publication.
    public static func check(
        publishedAt: Date, meetingAt: Date, scale: Scale, policy: ScalePolicy, timeZone: TimeZone = .chinaStandard
    ) throws(DomainViolation) {
        guard meetingAt > publishedAt else {
            throw DomainViolation(
                rule: "plan.meeting_in_past", field: "meeting_at",
                zh: "议事时间不能早于公布时间", en: "the meeting cannot be before the plan's publication")
        }
        guard scale != .urgent else { return }
        let published = LocalDate(containing: publishedAt, in: timeZone)
        let meeting = LocalDate(containing: meetingAt, in: timeZone)
        let lead = meeting.daysSinceEpoch - published.daysSinceEpoch
        guard lead >= policy.planLeadDays else {
            throw DomainViolation(
                rule: "plan.lead_time", field: "meeting_at",
                zh: "议事方案须至少提前\(policy.planLeadDays)日公布：\(published)公布，\(meeting)议事，仅提前\(lead)日",
                en: "the meeting plan must be published at least \(policy.planLeadDays) days ahead: published \(published), meeting \(meeting), \(lead) days ahead")
        }
    }
}
