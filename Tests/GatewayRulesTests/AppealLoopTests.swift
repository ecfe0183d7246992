import Foundation
import GatewayRules
import Testing

@Suite("the 12345 closed loop of an appeal")
struct AppealLoopTests {
    let t0 = Date(timeIntervalSince1970: 1_767_225_600)
    func at(_ minutes: Int) -> Date { t0.addingTimeInterval(Double(minutes) * 60) }
    func item(_ id: String, _ status: String, responder: Bool = false, topic: String? = nil, _ minute: Int) -> AppealLoop.Observation {
        .init(.item(id: id, status: status, responderNamed: responder, topic: topic), at: at(minute))
    }
    func topic(_ id: String, _ state: String, _ minute: Int) -> AppealLoop.Observation {
        .init(.topic(id: id, state: state), at: at(minute))
    }

    @Test("each item status maps to one stage of the handling; merged and split items are replaced by what they became")
    func itemStages() {
        #expect(AppealLoop.stage(itemStatus: "NEW", responderNamed: false, topicState: nil) == .accepted)
        #expect(AppealLoop.stage(itemStatus: "NEW", responderNamed: true, topicState: nil) == .dispatched)
        #expect(AppealLoop.stage(itemStatus: "UNDER_STUDY", responderNamed: false, topicState: nil) == .handling)
        #expect(AppealLoop.stage(itemStatus: "ANSWERED", responderNamed: false, topicState: nil) == .replied)
        #expect(AppealLoop.stage(itemStatus: "NOT_CONSULTABLE", responderNamed: true, topicState: nil) == .replied)
        #expect(AppealLoop.stage(itemStatus: "MERGED", responderNamed: true, topicState: nil) == nil)
        #expect(AppealLoop.stage(itemStatus: "SPLIT", responderNamed: true, topicState: nil) == nil)
        for state in ["DRAFT", "APPROVED", "RESEARCHING", "PLANNED", "IN_MEETING", "RESOLVED", "ESCALATED", "REJECTED"] {
            #expect(AppealLoop.stage(itemStatus: "BECAME_TOPIC", responderNamed: false, topicState: state) == .handling, "\(state)")
        }
        for state in ["PUBLISHED", "FILED", "IMPLEMENTING", "CLOSED"] {
            #expect(AppealLoop.stage(itemStatus: "BECAME_TOPIC", responderNamed: false, topicState: state) == .replied, "\(state)")
        }
    }

    @Test("the handling of one item: 受理 → 派单 → 办理 → 回复, a skipped stage reached with the next")
    func oneItem() {
        let handling = AppealLoop.handling([
            item("a", "NEW", 0), item("a", "NEW", responder: true, 5), item("a", "UNDER_STUDY", responder: true, 10),
            item("a", "ANSWERED", responder: true, 30),
        ], acceptedAt: at(0))
        #expect(handling.stage == .replied)
        #expect(handling.reached == [.accepted: at(0), .dispatched: at(5), .handling: at(10), .replied: at(30)])
        let direct = AppealLoop.handling([item("a", "NEW", 0), item("a", "ANSWERED", 7)], acceptedAt: at(0))
        #expect(direct.reached == [.accepted: at(0), .dispatched: at(7), .handling: at(7), .replied: at(7)])
        // Nothing observed yet: accepted when the gateway recorded it.
        #expect(AppealLoop.handling([], acceptedAt: at(0)).stage == .accepted)
    }

    @Test("merged: the appeal follows the item it was merged into; split: every part must be answered")
    func mergedAndSplit() {
        let merged = AppealLoop.handling([
            item("a", "NEW", 0), item("a", "MERGED", 3), item("b", "UNDER_STUDY", responder: true, 3), item("b", "ANSWERED", 9),
        ], acceptedAt: at(0))
        #expect(merged.stage == .replied && merged.items == ["b"])
        let split = AppealLoop.handling([
            item("a", "UNDER_STUDY", 1), item("a", "SPLIT", 2), item("p1", "NEW", 2), item("p2", "NEW", 2),
            item("p1", "ANSWERED", 4),
        ], acceptedAt: at(0))
        #expect(split.stage == .accepted)  // p2 is not answered yet
        #expect(split.reached[.handling] == at(1))
        #expect(split.reached[.replied] == nil)
        #expect(split.items == ["p1", "p2"])
        let both = AppealLoop.handling([
            item("a", "UNDER_STUDY", 1), item("a", "SPLIT", 2), item("p1", "NEW", 2), item("p2", "NEW", 2),
            item("p1", "ANSWERED", 4), item("p2", "NOT_CONSULTABLE", 6),
        ], acceptedAt: at(0))
        #expect(both.stage == .replied && both.reached[.replied] == at(6))
    }

    @Test("an item taken up by a topic is replied when the topic's result is published")
    func topicReply() {
        let handling = AppealLoop.handling([
            item("a", "NEW", 0), item("a", "BECAME_TOPIC", topic: "t", 1), topic("t", "DRAFT", 1), topic("t", "APPROVED", 2),
            topic("t", "IN_MEETING", 5), topic("t", "RESOLVED", 6), topic("t", "PUBLISHED", 8),
        ], acceptedAt: at(0))
        #expect(handling.stage == .replied)
        #expect(handling.reached[.handling] == at(1) && handling.reached[.replied] == at(8))
    }

    @Test("督办 counts once replied; 办结, 回访, 评价 at their events")
    func progress() {
        let replied = AppealLoop.handling([item("a", "NEW", 0), item("a", "ANSWERED", 10)], acceptedAt: at(0))
        let urgedEarly = AppealLoop.progress(
            AppealLoop.handling([item("a", "UNDER_STUDY", 2)], acceptedAt: at(0)), events: [.init(.supervise, at: at(3))])
        #expect(urgedEarly.stage == .handling)
        #expect(!urgedEarly.steps.contains { $0.stage == .supervised })
        let supervised = AppealLoop.progress(replied, events: [.init(.supervise, at: at(3))])
        #expect(supervised.stage == .supervised)
        #expect(supervised.steps.first { $0.stage == .supervised }?.at == at(10))
        let rated = AppealLoop.progress(replied, events: [.init(.close, at: at(20)), .init(.revisit, at: at(30)), .init(.rate, at: at(31))])
        #expect(rated.stage == .rated)
        #expect(rated.steps.map(\.stage) == [.accepted, .dispatched, .handling, .replied, .closed, .revisited, .rated])
        let ratedWithoutVisit = AppealLoop.progress(replied, events: [.init(.close, at: at(20)), .init(.rate, at: at(31))])
        #expect(ratedWithoutVisit.stage == .rated)
    }

    @Test("every event at every stage: what the loop allows and the rule it names otherwise")
    func checks() {
        typealias Kind = AppealLoop.EventKind
        let open = AppealLoop.progress(AppealLoop.handling([item("a", "UNDER_STUDY", 1)], acceptedAt: at(0)), events: [])
        let replied = AppealLoop.progress(AppealLoop.handling([item("a", "ANSWERED", 1)], acceptedAt: at(0)), events: [])
        let closedEvents: [AppealLoop.Event] = [.init(.close, at: at(2))]
        let closed = AppealLoop.progress(AppealLoop.handling([item("a", "ANSWERED", 1)], acceptedAt: at(0)), events: closedEvents)
        func rule(_ kind: Kind, _ progress: AppealLoop.Progress, _ events: [AppealLoop.Event] = []) -> String? {
            do {
                try AppealLoop.check(kind, progress: progress, events: events)
                return nil
            } catch {
                return error.rule
            }
        }
        #expect(rule(.supervise, open) == nil)
        #expect(rule(.supervise, replied) == nil)
        #expect(rule(.supervise, closed, closedEvents) == "appeal.closed")
        #expect(rule(.close, open) == "appeal.not_replied")
        #expect(rule(.close, replied) == nil)
        #expect(rule(.close, closed, closedEvents) == "appeal.already_closed")
        for kind in [Kind.revisit, .rate] {
            #expect(rule(kind, open) == "appeal.not_closed")
            #expect(rule(kind, replied) == "appeal.not_closed")
            #expect(rule(kind, closed, closedEvents) == nil)
        }
        #expect(rule(.revisit, closed, closedEvents + [.init(.revisit, at: at(3))]) == "appeal.already_revisited")
        #expect(rule(.rate, closed, closedEvents + [.init(.rate, at: at(3))]) == "appeal.already_rated")
        #expect(Kind.allCases.map(\.stage) == [.supervised, .closed, .revisited, .rated])
        #expect(AppealStage.allCases.map(\.nameZH) == ["受理", "派单", "办理", "回复", "督办", "办结", "回访", "评价"])
    }
}

@Suite("division codes")
struct DivisionCodeTests {
    @Test("twelve digits, not all zero")
    func valid() {
        #expect(DivisionCode.isValid("330102001001"))
        for text in ["", "33010200100", "3301020010011", "33010200100x", "000000000000", "３３０１０２００１００１"] {
            #expect(!DivisionCode.isValid(text), "\(text)")
        }
    }

    @Test("the chain above a village, and the paths it would have under a county, city or province root")
    func chain() {
        #expect(DivisionCode.chain("330102001001") == ["330000000000", "330100000000", "330102000000", "330102001000", "330102001001"])
        // A city's own code: its county digits are 00.
        #expect(DivisionCode.chain("330100000000") == ["330000000000", "330100000000"])
        let paths = DivisionCode.candidatePaths("330102001001").map(\.description)
        #expect(paths == [
            "u330102000000.u330102001000.u330102001001",
            "u330100000000.u330102000000.u330102001000.u330102001001",
            "u330000000000.u330100000000.u330102000000.u330102001000.u330102001001",
            "u330102001001",
            "u330102001000.u330102001001",
        ])
        #expect(DivisionCode.candidatePaths("bad").isEmpty)
    }
}
