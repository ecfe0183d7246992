import Foundation
import Testing
@testable import AgendaRules

@Suite("TopicLifecycle — the topic state machine, edge by edge")
struct TopicLifecycleTests {
    /// Every pair of states, so each edge and each non-edge is checked once.
    static let pairs: [(TopicState, TopicState)] = TopicState.allCases.flatMap { from in TopicState.allCases.map { (from, $0) } }

    static let legal: Set<String> = [
        "draft→approved", "draft→rejected", "rejected→draft",
        "approved→researching", "approved→planned", "researching→planned",
        "planned→inMeeting", "inMeeting→resolved", "inMeeting→escalated",
        "resolved→published", "escalated→published", "published→filed", "filed→implementing", "implementing→closed",
    ]

    @Test("each pair of states is legal exactly when the issue's lifecycle has the edge (urgent scale)", arguments: pairs)
    func edge(_ from: TopicState, _ to: TopicState) {
        let expected = Self.legal.contains("\(from)→\(to)")
        do {
            let next = try TopicLifecycle.transition(from: from, to: to, scale: .urgent)
            #expect(expected, "\(from) → \(to) should be refused")
            #expect(next == to)
        } catch {
            #expect(!expected, "\(from) → \(to) should be allowed: \(error)")
            #expect(error.rule == "topic.transition")
            #expect(error.messageZH.contains(from.nameZH) && error.messageZH.contains(to.nameZH))
            #expect(error.messageEN.contains("from \(from.nameEN) to \(to.nameEN)"))
        }
    }

    @Test("approved → planned skips research only for an urgent topic (急事快议)", arguments: [Scale.big, .small])
    func researchFirst(_ scale: Scale) {
        #expect(throws: DomainViolation.self) { try TopicLifecycle.transition(from: .approved, to: .planned, scale: scale) }
        do {
            _ = try TopicLifecycle.transition(from: .approved, to: .planned, scale: scale)
        } catch {
            #expect(error.rule == "topic.research_required")
        }
        #expect((try? TopicLifecycle.transition(from: .approved, to: .researching, scale: scale)) == .researching)
        #expect((try? TopicLifecycle.transition(from: .approved, to: .planned, scale: .urgent)) == .planned)
    }

    @Test("closed is terminal and every state but closed can reach it, except through rejection's loop")
    func terminal() {
        #expect(TopicLifecycle.edges[.closed]?.isEmpty == true)
        for state in TopicState.allCases where state != .closed {
            #expect(TopicLifecycle.reaches(state, .closed), "\(state) cannot reach closed")
        }
        #expect(!TopicLifecycle.reaches(.closed, .draft))
        #expect(!TopicLifecycle.reaches(.published, .inMeeting))
    }

    @Test("other services advance only the meeting and implementation states")
    func advanceable() {
        #expect(TopicLifecycle.advanceable == [.inMeeting, .resolved, .escalated, .published, .filed, .implementing, .closed])
        #expect(!TopicLifecycle.advanceable.contains(.approved))
        #expect(!TopicLifecycle.advanceable.contains(.planned))
    }

    @Test("a meeting outcome is reached at resolved or escalated and stays reached")
    func outcome() {
        let withOutcome = TopicState.allCases.filter(\.hasOutcome)
        #expect(Set(withOutcome) == [.resolved, .escalated, .published, .filed, .implementing, .closed])
    }

    @Test("stored codes are the schema's numbers")
    func codes() {
        #expect(TopicState.draft.rawValue == 1 && TopicState.closed.rawValue == 11 && TopicState.rejected.rawValue == 12)
        #expect(Scale.big.rawValue == 1 && Scale.urgent.rawValue == 3)
    }
}

@Suite("ItemLifecycle — the ledger item's status")
struct ItemLifecycleTests {
    static let pairs: [(ItemStatus, ItemStatus)] = ItemStatus.allCases.flatMap { from in ItemStatus.allCases.map { (from, $0) } }

    @Test("only open items move, forward; staying put is no move (a merged item cannot be merged again)", arguments: pairs)
    func edge(_ from: ItemStatus, _ to: ItemStatus) {
        let expected = from.isOpen && to != .new && to != from
        let allowed = (try? ItemLifecycle.transition(from: from, to: to)) != nil
        #expect(allowed == expected, "\(from) → \(to)")
    }

    @Test("a refusal names both statuses")
    func message() {
        do {
            _ = try ItemLifecycle.transition(from: .merged, to: .answered)
            Issue.record("merged → answered allowed")
        } catch {
            #expect(error.rule == "item.transition")
            #expect(error.messageEN == "an item cannot move from merged to answered")
        }
    }
}
