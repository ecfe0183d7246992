/// 协商指数的七类 — Chengdu Xindu's seven categories (seed 003: 协商主体、协商客体、协商形式、
/// 协商机制、协商成效、协商场域和协商保障等7个类别指标并以此统领22个要素指标).
public enum IndexCategory: Int, Sendable, Hashable, CaseIterable, Codable {
    case subjects = 1
    case objects = 2
    case forms = 3
    case mechanisms = 4
    case effects = 5
    case venues = 6
    case guarantees = 7

    public var nameZH: String {
        switch self {
        case .subjects: "协商主体"
        case .objects: "协商客体"
        case .forms: "协商形式"
        case .mechanisms: "协商机制"
        case .effects: "协商成效"
        case .venues: "协商场域"
        case .guarantees: "协商保障"
        }
    }

    public var nameEN: String {
        switch self {
        case .subjects: "subjects"
        case .objects: "objects"
        case .forms: "forms"
        case .mechanisms: "mechanisms"
        case .effects: "effects"
        case .venues: "venues"
        case .guarantees: "guarantees"
        }
    }
}

/// The facts of one unit's subtree in one year that computed indicators read (the core
/// counts them in SQL over the supervision service's own records).
public struct IndexFacts: Sendable, Hashable, Codable {
    /// Cases opened in the year.
    public var opened = 0
    /// Of those, assigned (in progress or later).
    public var assigned = 0
    /// Assigned cases with at least one supervision check / one report to residents.
    public var supervised = 0
    public var reportedToResidents = 0
    /// Finished cases (completed or closed) with at least one rating.
    public var finished = 0
    public var finishedWithFeedback = 0
    /// Ratings given: satisfied or basically satisfied, of all.
    public var ratingsContent = 0
    public var ratings = 0
    /// Feedback recipients invited and those who answered.
    public var recipients = 0
    public var recipientsAnswered = 0
    /// Closed cases; of them completed by the deadline, applied in full, with a frozen dossier.
    public var closed = 0
    public var closedOnTime = 0
    public var closedAppliedInFull = 0
    public var closedWithDossier = 0
    /// Sum of days from filing to closing over closed cases.
    public var daysFilingToClosing = 0

    public init() {}
}

/// An indicator's score and the figures behind it. Scores are hundredths: 0–10000 is
/// 0.00–100.00 (integers, so a comparison across towns is exact).
public struct IndicatorValue: Sendable, Hashable {
    public enum Source: Int, Sendable, Hashable { case computed = 1, assessed = 2, missing = 3 }
    public let source: Source
    public let score: Int
    public let basis: String
}

/// 要素指标 — one element indicator: its category, weight and how it is measured.
public struct Indicator: Sendable, Hashable, Codable {
    public var id: String
    public var category: IndexCategory
    public var nameZH: String
    public var nameEN: String
    /// Relative weight inside its category.
    public var weight: Int
    public var measure: Measure

    public init(_ id: String, _ category: IndexCategory, _ nameZH: String, _ nameEN: String, weight: Int = 1, _ measure: Measure) {
        self.id = id
        self.category = category
        self.nameZH = nameZH
        self.nameEN = nameEN
        self.weight = weight
        self.measure = measure
    }

    /// How an indicator gets its value.
    public enum Measure: Sendable, Hashable, Codable {
        /// Entered by an assessor (RecordAssessment).
        case assessed
        /// A share of the facts: numerator over denominator, 100 points at 100%.
        case share(Share)
        /// Cases opened in the year against a target count: 100 points at the target or more.
        case caseCount(target: Int)
        /// Average days from filing to closing: 100 points at `full` days or fewer, 0 at
        /// `zero` or more, linear between.
        case daysToClose(full: Int, zero: Int)
    }

    /// Shares computable from ``IndexFacts``.
    public enum Share: String, Sendable, Hashable, Codable, CaseIterable {
        case supervisedOfAssigned
        case reportedOfAssigned
        case feedbackOfFinished
        case contentOfRatings
        case answeredOfRecipients
        case onTimeOfClosed
        case appliedInFullOfClosed
        case dossierOfClosed

        func figures(_ facts: IndexFacts) -> (Int, Int) {
            switch self {
            case .supervisedOfAssigned: (facts.supervised, facts.assigned)
            case .reportedOfAssigned: (facts.reportedToResidents, facts.assigned)
            case .feedbackOfFinished: (facts.finishedWithFeedback, facts.finished)
            case .contentOfRatings: (facts.ratingsContent, facts.ratings)
            case .answeredOfRecipients: (facts.recipientsAnswered, facts.recipients)
            case .onTimeOfClosed: (facts.closedOnTime, facts.closed)
            case .appliedInFullOfClosed: (facts.closedAppliedInFull, facts.closed)
            case .dossierOfClosed: (facts.closedWithDossier, facts.closed)
            }
        }
    }

    /// The value from `facts`, or an assessor's `assessment` (which takes precedence), or
    /// missing (score 0, saying why) when neither is there — never a silent default.
    public func value(facts: IndexFacts, assessment: (score: Int, note: String)?) -> IndicatorValue {
        if let assessment {
            return IndicatorValue(source: .assessed, score: assessment.score, basis: assessment.note)
        }
        switch measure {
        case .assessed:
            return IndicatorValue(source: .missing, score: 0, basis: "待评估 / not assessed")
        case .share(let share):
            let (part, whole) = share.figures(facts)
            guard whole > 0 else { return IndicatorValue(source: .missing, score: 0, basis: "0/0：无可计算事项 / nothing to compute from") }
            return IndicatorValue(source: .computed, score: Self.hundredths(part, whole), basis: "\(part)/\(whole)")
        case .caseCount(let target):
            let score = target <= 0 ? 10000 : Self.hundredths(min(facts.opened, target), target)
            return IndicatorValue(source: .computed, score: score, basis: "\(facts.opened)/\(target)")
        case .daysToClose(let full, let zero):
            guard facts.closed > 0 else { return IndicatorValue(source: .missing, score: 0, basis: "无办结事项 / no closed case") }
            // Average days as an exact fraction: total / closed.
            let total = facts.daysFilingToClosing, count = facts.closed
            let score: Int
            if total <= full * count {
                score = 10000
            } else if total >= zero * count || zero <= full {
                score = 0
            } else {
                // (zero − avg) / (zero − full), avg = total / count.
                score = Self.hundredths(zero * count - total, (zero - full) * count)
            }
            let average = (total * 10 + count / 2) / count
            return IndicatorValue(source: .computed, score: score, basis: "平均 \(average / 10).\(average % 10) 天 / average \(average / 10).\(average % 10) days")
        }
    }

    /// `part/whole` in hundredths of 100 points, rounded half up: 1/3 → 3333.
    static func hundredths(_ part: Int, _ whole: Int) -> Int {
        (part * 10000 * 2 + whole) / (2 * whole)
    }
}

/// 协商指数 — the consultation index's definition (seed 003): the seven categories with
/// their weights and the element indicators. The seed names the categories and says there
/// are 22 element indicators without listing them; ``default`` is a sensible set of 22 (9
/// computed from the supervision service's records, 13 entered by an assessor until their
/// facts are fed from membership, agenda and session) that a deployment replaces.
public struct IndexDefinition: Sendable, Hashable, Codable {
    public var categoryWeights: [IndexCategory: Int]
    public var indicators: [Indicator]

    public init(categoryWeights: [IndexCategory: Int], indicators: [Indicator]) {
        self.categoryWeights = categoryWeights
        self.indicators = indicators
    }

    public static let `default` = IndexDefinition(
        categoryWeights: [.subjects: 15, .objects: 10, .forms: 10, .mechanisms: 20, .effects: 25, .venues: 10, .guarantees: 10],
        indicators: [
            Indicator("subjects.non_party_share", .subjects, "议事会党外人士占比", "non-party share of council members", .assessed),
            Indicator("subjects.resident_participation", .subjects, "群众参与人次", "residents taking part", .assessed),
            Indicator("subjects.stakeholder_diversity", .subjects, "利益相关方与专家参与", "stakeholders and experts invited", .assessed),
            Indicator("objects.case_count", .objects, "年度协商落实事项数", "matters taken to implementation in the year", .caseCount(target: 12)),
            Indicator("objects.ledger_origin", .objects, "源自问题台账的议题占比", "topics raised from the problem ledger", .assessed),
            Indicator("objects.positive_list_coverage", .objects, "正面清单覆盖", "positive-list coverage", .assessed),
            Indicator("forms.variety", .forms, "协商形式多样性", "variety of forms used", .assessed),
            Indicator("forms.online", .forms, "线上协商", "consultation online", .assessed),
            Indicator("forms.open_meetings", .forms, "坝坝会等开放式协商", "open-air and open meetings", .assessed),
            Indicator("mechanisms.consulted_before_decision", .mechanisms, "先协商后决策", "topics consulted before the decision", .assessed),
            Indicator("mechanisms.supervision_coverage", .mechanisms, "监督检查覆盖率", "cases with a supervision check", .share(.supervisedOfAssigned)),
            Indicator("mechanisms.feedback_recipients", .mechanisms, "反馈对象回应率", "feedback recipients who answered", .share(.answeredOfRecipients)),
            Indicator("mechanisms.resident_reports", .mechanisms, "向群众晒事覆盖率", "cases reported to residents", .share(.reportedOfAssigned)),
            Indicator("effects.on_time", .effects, "按期办结率", "cases completed by the deadline", .share(.onTimeOfClosed)),
            Indicator("effects.applied_in_full", .effects, "成果转化率", "results applied in full", .share(.appliedInFullOfClosed)),
            Indicator("effects.satisfaction", .effects, "群众满意度", "satisfied or basically satisfied ratings", weight: 2, .share(.contentOfRatings)),
            Indicator("effects.days_to_close", .effects, "平均办结天数", "average days from filing to closing", .daysToClose(full: 90, zero: 365)),
            Indicator("venues.platforms", .venues, "各级协商平台", "consultation platforms at every level", .assessed),
            Indicator("venues.democracy_day", .venues, "民主日落实", "democracy days held", .assessed),
            Indicator("guarantees.funding", .guarantees, "经费保障", "funding", .assessed),
            Indicator("guarantees.training", .guarantees, "协商能力培训", "training in consultation", .assessed),
            Indicator("guarantees.archives", .guarantees, "一事一档归档率", "closed cases archived as a frozen dossier", .share(.dossierOfClosed)),
        ])

    /// Refuses a definition with an indicator id twice, a weight below 1, or a category
    /// without weight or indicators (`index.definition`).
    public func validate() throws(DomainViolation) {
        var seen = Set<String>()
        for indicator in indicators {
            guard seen.insert(indicator.id).inserted, indicator.weight >= 1 else {
                throw DomainViolation(rule: "index.definition", field: "indicators",
                                      zh: "指标 \(indicator.id) 重复或权重小于 1", en: "indicator \(indicator.id) repeats or weighs less than 1")
            }
        }
        for category in IndexCategory.allCases {
            guard categoryWeights[category, default: 0] >= 1, indicators.contains(where: { $0.category == category }) else {
                throw DomainViolation(rule: "index.definition", field: "categories",
                                      zh: "类别「\(category.nameZH)」缺少权重或指标", en: "category \(category.nameEN) lacks a weight or indicators")
            }
        }
    }

    public func indicator(_ id: String) -> Indicator? { indicators.first { $0.id == id } }

    /// A unit's score: each category the weighted mean of its indicators (a missing one
    /// counts 0 and is shown as missing), the whole the weighted mean of the categories.
    public func score(facts: IndexFacts, assessments: [String: (score: Int, note: String)]) -> IndexResult {
        var categories: [IndexResult.CategoryResult] = []
        for category in IndexCategory.allCases {
            let members = indicators.filter { $0.category == category }
            let values = members.map { ($0, $0.value(facts: facts, assessment: assessments[$0.id])) }
            let weights = members.reduce(0) { $0 + $1.weight }
            let sum = values.reduce(0) { $0 + $1.0.weight * $1.1.score }
            categories.append(.init(
                category: category, weight: categoryWeights[category, default: 0],
                score: weights == 0 ? 0 : (2 * sum + weights) / (2 * weights), indicators: values))
        }
        let weights = categories.reduce(0) { $0 + $1.weight }
        let sum = categories.reduce(0) { $0 + $1.weight * $1.score }
        return IndexResult(score: weights == 0 ? 0 : (2 * sum + weights) / (2 * weights), categories: categories)
    }
}

/// A unit's index: the whole and each category with its indicators (hundredths).
public struct IndexResult: Sendable, Hashable {
    public struct CategoryResult: Sendable, Hashable {
        public let category: IndexCategory
        public let weight: Int
        public let score: Int
        public let indicators: [(Indicator, IndicatorValue)]

        public static func == (lhs: Self, rhs: Self) -> Bool {
            lhs.category == rhs.category && lhs.weight == rhs.weight && lhs.score == rhs.score
                && lhs.indicators.map(\.0) == rhs.indicators.map(\.0) && lhs.indicators.map(\.1) == rhs.indicators.map(\.1)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(category)
            hasher.combine(score)
        }
    }

    public let score: Int
    public let categories: [CategoryResult]
}

/// An assessor's score is 0–10000 hundredths (`index.score`).
public enum IndexInput {
    public static func score(_ value: Int) throws(DomainViolation) -> Int {
        guard (0...10000).contains(value) else {
            throw DomainViolation(rule: "index.score", field: "score", zh: "评分须在 0 至 10000（百分之一分）之间",
                                  en: "a score lies between 0 and 10000 hundredths")
        }
        return value
    }
}
