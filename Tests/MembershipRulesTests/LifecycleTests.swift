import Testing
@testable import MembershipRules

@Suite("MembershipState — 提名 → 公示中 → 已确认 → 届满/终止")
struct MembershipStateTests {
    /// Every allowed edge; every other (state, event) pair must throw.
    static let edges: [MembershipState: [MembershipState.Event: MembershipState]] = [
        .nominated: [.publish: .inNotice, .reject: .rejected],
        .inNotice: [.confirm: .confirmed, .reject: .rejected],
        .confirmed: [.expire: .expired, .end: .ended],
    ]

    @Test("every (state, event) pair: allowed edges land where drawn, all others are refused",
          arguments: MembershipState.allCases, MembershipState.Event.allCases)
    func edge(_ state: MembershipState, _ event: MembershipState.Event) throws {
        if let target = Self.edges[state]?[event] {
            #expect(try state.transition(event) == target)
        } else {
            let violation = #expect(throws: DomainViolation.self) { try state.transition(event) }
            #expect(violation?.rule == "membership.transition")
            #expect(violation?.field == "state")
        }
    }

    @Test("final states take no event at all")
    func finals() {
        for state in MembershipState.allCases where state.isFinal {
            #expect(Self.edges[state] == nil)
        }
        #expect(MembershipState.allCases.filter(\.isFinal) == [.rejected, .expired, .ended])
    }

    @Test("a refused transition explains itself in both languages")
    func message() {
        let violation = #expect(throws: DomainViolation.self) { try MembershipState.nominated.transition(.confirm) }
        #expect(violation?.message == "成员状态「提名」不能执行「确认」 / a membership that is nominated cannot take the event confirm")
    }
}

@Suite("CouncilState — 组建中 → 已组成 → 届满 → 重新确定中 → 已组成")
struct CouncilStateTests {
    static let edges: [CouncilState: [CouncilState.Event: CouncilState]] = [
        .forming: [.constitute: .constituted, .dissolve: .dissolved],
        .constituted: [.endTerm: .termEnded, .dissolve: .dissolved],
        .termEnded: [.beginReconfirmation: .reconfirming, .dissolve: .dissolved],
        .reconfirming: [.constitute: .constituted, .dissolve: .dissolved],
    ]

    @Test("every (state, event) pair: allowed edges land where drawn, all others are refused",
          arguments: CouncilState.allCases, CouncilState.Event.allCases)
    func edge(_ state: CouncilState, _ event: CouncilState.Event) throws {
        if let target = Self.edges[state]?[event] {
            #expect(try state.transition(event) == target)
        } else {
            let violation = #expect(throws: DomainViolation.self) { try state.transition(event) }
            #expect(violation?.rule == "council.transition")
        }
    }

    @Test("a council goes round a full term and back to constituted")
    func fullCycle() throws {
        var state = CouncilState.forming
        for event: CouncilState.Event in [.constitute, .endTerm, .beginReconfirmation, .constitute] {
            state = try state.transition(event)
        }
        #expect(state == .constituted)
        #expect(state.canMeet)
        #expect(!CouncilState.termEnded.canMeet)
    }
}
