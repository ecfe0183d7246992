import Foundation

/// 一事一档 — one matter's whole path (seed 004: 按照"一事一档"的要求，对办结的事项进行整理归档，以备核查),
/// as plain values that encode to the canonical JSON a frozen dossier is hashed over.
public struct DossierContent: Sendable, Codable, Equatable {
    public var topicID: String
    public var title: String
    public var caseIDs: [String]
    public var sections: [DossierSection]

    enum CodingKeys: String, CodingKey {
        case topicID = "topic_id", title, caseIDs = "case_ids", sections
    }
}

/// One step of the path from one source service. A section that could not be read says so
/// (`available` false with the reason): a dossier is never silently incomplete.
public struct DossierSection: Sendable, Codable, Equatable {
    public var key: String
    public var titleZH: String
    public var titleEN: String
    /// The service it was read from.
    public var source: String
    public var available: Bool
    public var unavailableReason: String
    public var entries: [DossierEntry]
    /// A failure that may pass (the service did not answer): a closing case's dossier is not
    /// frozen with it. Not part of the document.
    public var transient: Bool = false

    enum CodingKeys: String, CodingKey {
        case key, titleZH = "title_zh", titleEN = "title_en", source, available, unavailableReason = "unavailable_reason", entries
    }

    public init(_ spec: DossierLayout.Spec, entries: [DossierEntry]) {
        key = spec.key
        titleZH = spec.zh
        titleEN = spec.en
        source = spec.source
        available = true
        unavailableReason = ""
        self.entries = entries
    }

    public static func unavailable(_ spec: DossierLayout.Spec, reason: String, transient: Bool = false) -> DossierSection {
        var section = DossierSection(spec, entries: [])
        section.available = false
        section.unavailableReason = reason
        section.transient = transient
        return section
    }
}

/// One thing that happened, when, and its particulars.
public struct DossierEntry: Sendable, Codable, Equatable {
    /// ISO 8601 in UTC (`2025-03-03T02:00:00Z`), or "" for an undated entry.
    public var at: String
    public var kind: String
    public var summary: String
    public var fields: [DossierField]

    public init(at: Date?, kind: String, summary: String, fields: [(String, String)] = []) {
        self.at = at.map(DossierEntry.format) ?? ""
        self.kind = kind
        self.summary = summary
        self.fields = fields.filter { !$0.1.isEmpty }.map { DossierField(name: $0.0, value: $0.1) }
    }

    static func format(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        return formatter.string(from: date)
    }

    var date: Date? {
        at.isEmpty ? nil : ISO8601DateFormatter().date(from: at)
    }
}

public struct DossierField: Sendable, Codable, Equatable {
    public var name: String
    public var value: String
}

/// The dossier's sections in the order of the flow (DOMAIN.md "The whole flow"): the
/// ledger → topic → approval → research → meeting plan (agenda), the meetings with their
/// attendance, opinions, rounds and votes, the outcome, publication and objections, the
/// filing (session), then the case, progress, checks, reports and feedback (supervision).
public enum DossierLayout {
    public struct Spec: Sendable, Hashable {
        public let key: String
        public let zh: String
        public let en: String
        public let source: String
    }

    public static let agenda: [Spec] = [
        Spec(key: "ledger", zh: "问题台账", en: "Problem ledger", source: "agenda"),
        Spec(key: "topic", zh: "议题", en: "Topic", source: "agenda"),
        Spec(key: "approval", zh: "两委会审议", en: "Two-committee approval", source: "agenda"),
        Spec(key: "research", zh: "议前调研", en: "Pre-meeting research", source: "agenda"),
        Spec(key: "meeting_plan", zh: "议事方案", en: "Meeting plan", source: "agenda"),
    ]

    public static let session: [Spec] = [
        Spec(key: "meetings", zh: "协商会议", en: "Meetings", source: "session"),
        Spec(key: "attendance", zh: "出席情况", en: "Attendance", source: "session"),
        Spec(key: "opinions", zh: "协商意见", en: "Opinions", source: "session"),
        Spec(key: "rounds", zh: "协商轮次", en: "Rounds", source: "session"),
        Spec(key: "votes", zh: "表决", en: "Votes", source: "session"),
        Spec(key: "outcome", zh: "协商结果", en: "Outcome", source: "session"),
        Spec(key: "publication", zh: "结果公示", en: "Publication", source: "session"),
        Spec(key: "objections", zh: "异议", en: "Objections", source: "session"),
        Spec(key: "filing", zh: "备案登记", en: "Filing", source: "session"),
    ]

    public static let supervision: [Spec] = [
        Spec(key: "case", zh: "落实事项", en: "Implementation case", source: "supervision"),
        Spec(key: "progress", zh: "进展报告", en: "Progress reports", source: "supervision"),
        Spec(key: "checks", zh: "监督检查", en: "Supervision checks", source: "supervision"),
        Spec(key: "reports", zh: "向群众晒事", en: "Reports to residents", source: "supervision"),
        Spec(key: "feedback", zh: "群众评议", en: "Residents' feedback", source: "supervision"),
    ]

    public static let all: [Spec] = agenda + session + supervision

    static func position(_ key: String) -> Int { all.firstIndex { $0.key == key } ?? all.count }
}
