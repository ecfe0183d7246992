import Foundation

/// 12345 闭环 — the closed loop a government hotline expects of a work order (诉求): 受理 →
/// 派单 → 办理 → 回复 → 督办 → 办结 → 回访 → 评价 (DOMAIN.md §"Who uses it": government systems
/// push citizen appeals in and want status back; issue 12 item 6).
///
/// Who owns what decides where each step comes from:
/// - **受理 … 回复 are the handling**, and the handling is the agenda service's: the appeal
///   becomes a ledger item, a person is named to answer it (答复责任人 — 派单), it is studied or
///   taken up by a topic (办理), and it is answered — or the topic's result is published (回复).
///   Agenda records each of those in the change feed under the appeal's reference, also for
///   the item it is merged into and the parts it is split into, and the stage is folded from
///   those observations here (``handling(_:)``), so no copy of the ledger is kept anywhere else.
/// - **督办, 办结, 回访, 评价 are the hotline's own acts on its work order** (it supervises,
///   closes, calls the citizen back, records the rating): the gateway records them as events
///   of the appeal (``Event``), with preconditions from the loop (``check(_:progress:events:)``).
///
/// 督办 is optional: a work order nobody supervised goes from 回复 to 办结. One recorded before
/// the reply (催办, pressing a slow handling) is kept and counts once the reply exists. A
/// dissatisfied rating is recorded as such; reopening the work order (重办) is the hotline's
/// new work order, pushed again with its own id.
public enum AppealStage: Int, Sendable, Hashable, CaseIterable, Comparable {
    /// 受理 — recorded in the ledger.
    case accepted = 1
    /// 派单 — someone is named to answer (答复责任人).
    case dispatched
    /// 办理 — under study, or taken up by a topic.
    case handling
    /// 回复 — answered (or not consultable, with the reason), or the topic's result published.
    case replied
    /// 督办 — the government system supervised the reply.
    case supervised
    /// 办结 — the government system closed the work order.
    case closed
    /// 回访 — the government system called the citizen back.
    case revisited
    /// 评价 — the citizen's rating.
    case rated

    public static func < (lhs: AppealStage, rhs: AppealStage) -> Bool { lhs.rawValue < rhs.rawValue }

    public var nameZH: String {
        switch self {
        case .accepted: "受理"
        case .dispatched: "派单"
        case .handling: "办理"
        case .replied: "回复"
        case .supervised: "督办"
        case .closed: "办结"
        case .revisited: "回访"
        case .rated: "评价"
        }
    }

    /// The stage as the feed and the API name it (`REPLIED`).
    public var name: String {
        switch self {
        case .accepted: "ACCEPTED"
        case .dispatched: "DISPATCHED"
        case .handling: "HANDLING"
        case .replied: "REPLIED"
        case .supervised: "SUPERVISED"
        case .closed: "CLOSED"
        case .revisited: "REVISITED"
        case .rated: "RATED"
        }
    }
}

/// The loop as a value: the handling folded from agenda's observations, the events the
/// government system recorded, and what may be recorded next.
public enum AppealLoop {
    /// One change agenda recorded under the appeal's reference, in feed order: an item's
    /// status (`item.status`) or a topic's state (`topic.state`), with its time.
    public struct Observation: Sendable, Hashable {
        public enum Object: Sendable, Hashable {
            /// An item (its own, the one it was merged into, a part of it): its status as agenda
            /// names it (`NEW`, `UNDER_STUDY`, `BECAME_TOPIC`, `ANSWERED`, `NOT_CONSULTABLE`,
            /// `MERGED`, `SPLIT`), whether someone is named to answer, and its topic.
            case item(id: String, status: String, responderNamed: Bool, topic: String?)
            /// A topic and its state (`DRAFT` … `PUBLISHED`, `FILED`, `IMPLEMENTING`, `CLOSED`, `REJECTED`).
            case topic(id: String, state: String)
        }

        public var object: Object
        public var at: Date

        public init(_ object: Object, at: Date) {
            self.object = object
            self.at = at
        }
    }

    /// What the government system records (督办, 办结, 回访, 评价).
    public enum EventKind: Int, Sendable, Hashable, CaseIterable {
        case supervise = 1
        case close
        case revisit
        case rate

        /// The stage the event reaches.
        public var stage: AppealStage {
            switch self {
            case .supervise: .supervised
            case .close: .closed
            case .revisit: .revisited
            case .rate: .rated
            }
        }
    }

    public struct Event: Sendable, Hashable {
        public var kind: EventKind
        public var at: Date

        public init(_ kind: EventKind, at: Date) {
            self.kind = kind
            self.at = at
        }
    }

    /// The handling as it stands, and when each stage was first reached.
    public struct Handling: Sendable, Hashable {
        /// The least advanced of the items the appeal follows now (every part of a split must
        /// be answered before the appeal is): ``AppealStage/accepted`` … ``AppealStage/replied``.
        public var stage: AppealStage
        public var reached: [AppealStage: Date]
        /// The items the appeal follows now (merged and split items replaced by what they became).
        public var items: [String]
    }

    /// The stage of an item's status, given the state of the topic that took it up.
    public static func stage(itemStatus: String, responderNamed: Bool, topicState: String?) -> AppealStage? {
        switch itemStatus {
        case "NEW": responderNamed ? .dispatched : .accepted
        case "UNDER_STUDY": .handling
        case "BECAME_TOPIC": publishedTopicStates.contains(topicState ?? "") ? .replied : .handling
        case "ANSWERED", "NOT_CONSULTABLE": .replied
        default: nil  // MERGED, SPLIT: replaced by what the item became
        }
    }

    /// Topic states in which the consultation's result is published: the appeal's reply.
    public static let publishedTopicStates: Set<String> = ["PUBLISHED", "FILED", "IMPLEMENTING", "CLOSED"]

    /// Folds agenda's observations, in feed order, into the handling. `acceptedAt` is when
    /// the appeal was recorded (受理 whatever agenda has said yet).
    public static func handling(_ observations: [Observation], acceptedAt: Date) -> Handling {
        var items: [String: (status: String, responderNamed: Bool, topic: String?)] = [:]
        var order: [String] = []
        var topics: [String: String] = [:]
        var reached: [AppealStage: Date] = [.accepted: acceptedAt]
        var stage = AppealStage.accepted
        for observation in observations {
            switch observation.object {
            case .item(let id, let status, let responderNamed, let topic):
                if items[id] == nil { order.append(id) }
                items[id] = (status, responderNamed, topic)
            case .topic(let id, let state):
                topics[id] = state
            }
            let live = order.compactMap { id -> AppealStage? in
                guard let item = items[id] else { return nil }
                return Self.stage(itemStatus: item.status, responderNamed: item.responderNamed, topicState: item.topic.flatMap { topics[$0] })
            }
            guard let least = live.min() else { continue }
            stage = least
            for earlier in AppealStage.allCases where earlier <= least && reached[earlier] == nil {
                reached[earlier] = observation.at
            }
        }
        let live = order.filter { id in
            guard let item = items[id] else { return false }
            return Self.stage(itemStatus: item.status, responderNamed: item.responderNamed, topicState: nil) != nil
        }
        return Handling(stage: stage, reached: reached, items: live)
    }

    /// Where the whole loop stands.
    public struct Progress: Sendable, Hashable {
        public var stage: AppealStage
        /// Every stage reached, in loop order, with its time.
        public var steps: [(stage: AppealStage, at: Date)]

        public static func == (lhs: Progress, rhs: Progress) -> Bool {
            lhs.stage == rhs.stage && lhs.steps.map(\.stage) == rhs.steps.map(\.stage) && lhs.steps.map(\.at) == rhs.steps.map(\.at)
        }

        public func hash(into hasher: inout Hasher) {
            hasher.combine(stage)
            for step in steps { hasher.combine(step.stage); hasher.combine(step.at) }
        }
    }

    /// The loop: the handling, then the government system's events on top of it. 督办 counts
    /// once the reply exists (at the later of the two); 办结, 回访 and 评价 at their events.
    public static func progress(_ handling: Handling, events: [Event]) -> Progress {
        var reached = handling.reached
        var stage = handling.stage
        let first = Dictionary(events.map { ($0.kind, $0.at) }, uniquingKeysWith: min)
        if let supervised = first[.supervise], let replied = reached[.replied], stage >= .replied {
            reached[.supervised] = max(supervised, replied)
            stage = .supervised
        }
        for kind in [EventKind.close, .revisit, .rate] {
            guard let at = first[kind] else { continue }
            reached[kind.stage] = at
            stage = max(stage, kind.stage)
        }
        let steps = AppealStage.allCases.compactMap { stage in reached[stage].map { (stage, $0) } }
        return Progress(stage: stage, steps: steps)
    }

    /// Why an event cannot be recorded now.
    public struct Violation: Error, Sendable, Hashable {
        public var rule: String
        public var zh: String
        public var en: String
    }

    /// Whether the government system may record `kind` when the loop stands at `progress`
    /// with `events` recorded: 督办 until the work order is closed; 办结 once replied, once;
    /// 回访 and 评价 once closed, once each.
    public static func check(_ kind: EventKind, progress: Progress, events: [Event]) throws(Violation) {
        let recorded = Set(events.map(\.kind))
        let closed = recorded.contains(.close)
        switch kind {
        case .supervise:
            if closed {
                throw Violation(rule: "appeal.closed", zh: "工单已办结，不能再督办", en: "the work order is closed and can no longer be supervised")
            }
        case .close:
            if closed {
                throw Violation(rule: "appeal.already_closed", zh: "工单已办结", en: "the work order is already closed")
            }
            guard progress.steps.contains(where: { $0.stage == .replied }) , progress.stage >= .replied else {
                throw Violation(rule: "appeal.not_replied", zh: "诉求尚未答复，不能办结（当前：\(progress.stage.nameZH)）",
                                en: "the appeal has no reply yet and cannot be closed (now: \(progress.stage.name))")
            }
        case .revisit, .rate:
            guard closed else {
                throw Violation(rule: "appeal.not_closed", zh: "工单尚未办结，不能\(kind.stage.nameZH)",
                                en: "the work order is not closed yet: no \(kind == .revisit ? "return visit" : "rating") before it is")
            }
            if recorded.contains(kind) {
                throw Violation(rule: kind == .revisit ? "appeal.already_revisited" : "appeal.already_rated",
                                zh: "已\(kind.stage.nameZH)", en: "the work order already has its \(kind == .revisit ? "return visit" : "rating")")
            }
        }
    }
}
