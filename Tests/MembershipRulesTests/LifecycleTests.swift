import Testing
@testable import MembershipRules

@Suite("MembershipState — 提名 → 公示中 → 在任 → 已离任, or 未通过 before taking the seat")
struct MembershipStateTests {
    /// Every allowed edge; every other (state, event) pair must throw.
    static let edges: [MembershipState: [MembershipState.Event: MembershipState]] = [
        .nominated: [.publish: .inNotice, .end: .withdrawn],
        .inNotice: [.confirm: .seated, .republish: .nominated, .end: .withdrawn],
        .seated: [.end: .ended],
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
        #expect(MembershipState.allCases.filter(\.isFinal) == [.ended, .withdrawn])
        #expect(MembershipState.allCases.filter(\.isOpen) == [.nominated, .inNotice, .seated])
    }

    @Test("ending a seat: a seated member leaves office, a nominee is withdrawn")
    func endingDependsOnHowFarItGot() {
        let edges = MembershipState.edges(of: .end)
        #expect(edges.map(\.from) == [.nominated, .inNotice, .seated])
        #expect(edges.map(\.to) == [.withdrawn, .withdrawn, .ended])
    }

    @Test("standing roles start nominated; ad-hoc members and observers are seated at once")
    func initialState() {
        #expect(MembershipState.initial(needsNotice: true) == .nominated)
        #expect(MembershipState.initial(needsNotice: false) == .seated)
    }

    @Test("stored codes are the database's and the wire's: 1 nominated … 5 withdrawn")
    func codes() {
        #expect(MembershipState.allCases.map(\.rawValue) == [1, 2, 3, 4, 5])
        #expect(MembershipState(rawValue: 0) == nil && MembershipState(rawValue: 6) == nil)
    }

    @Test("a refused transition explains itself in both languages")
    func message() {
        let violation = #expect(throws: DomainViolation.self) { try MembershipState.nominated.transition(.confirm) }
        #expect(violation?.message == "成员状态「提名」不能执行「确认」 / a membership that is nominated cannot take the event confirm")
    }
}

@Suite("CouncilState — 组建中 → 公示中 → 已组成, 换届 back to 组建中")
struct CouncilStateTests {
    static let edges: [CouncilState: [CouncilState.Event: CouncilState]] = [
        .forming: [.publishNotice: .inNotice, .endTerm: .forming, .dissolve: .dissolved],
        .inNotice: [.publishNotice: .inNotice, .constitute: .constituted, .endTerm: .forming, .dissolve: .dissolved],
        .constituted: [.publishNotice: .constituted, .constitute: .constituted, .endTerm: .forming, .dissolve: .dissolved],
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

    @Test("a council cannot be constituted before its nominees were published")
    func noConstitutionWithoutNotice() {
        #expect(throws: DomainViolation.self) { try CouncilState.forming.transition(.constitute) }
    }

    @Test("a council goes round a full term and back to constituted")
    func fullCycle() throws {
        var state = CouncilState.forming
        for event: CouncilState.Event in [.publishNotice, .constitute, .endTerm, .publishNotice, .constitute] {
            state = try state.transition(event)
        }
        #expect(state == .constituted)
        #expect(state.canMeet)
        #expect(!CouncilState.inNotice.canMeet && !CouncilState.forming.canMeet)
    }

    @Test("dissolved is final and takes no nominations")
    func dissolved() {
        #expect(Self.edges[.dissolved] == nil)
        #expect(!CouncilState.dissolved.acceptsNominations)
        #expect(CouncilState.allCases.filter(\.acceptsNominations) == [.forming, .inNotice, .constituted])
    }

    @Test("stored codes are the database's and the wire's: 1 forming … 4 dissolved")
    func codes() {
        #expect(CouncilState.allCases.map(\.rawValue) == [1, 2, 3, 4])
        #expect(CouncilState(rawValue: 0) == nil && CouncilState(rawValue: 5) == nil)
    }
}

@Suite("Stored codes of kinds, roles, levels and genders are spelled out, not positions")
struct StoredCodeTests {
    @Test("every code round-trips, codes are distinct, and an unknown code is no case")
    func roundTrips() {
        #expect(CouncilKind.allCases.allSatisfy { CouncilKind(code: $0.code) == $0 })
        #expect(Set(CouncilKind.allCases.map(\.code)) == Set(1...9))
        #expect(CouncilKind(code: 0) == nil && CouncilKind(code: 10) == nil)
        #expect(CouncilRole.allCases.allSatisfy { CouncilRole(code: $0.code) == $0 })
        #expect(Set(CouncilRole.allCases.map(\.code)) == Set(1...7))
        #expect(CouncilRole(code: 8) == nil)
        #expect(AdministrativeLevel.allCases.allSatisfy { AdministrativeLevel(code: $0.code) == $0 })
        #expect(AdministrativeLevel(code: 5) == nil)
        #expect(Gender(code: 0) == .unspecified && Gender(code: 1) == .male && Gender(code: 2) == .female)
        #expect(Gender(code: 3) == nil)
        #expect(Objection.Status(rawValue: 0) == .open && Objection.Status(rawValue: 3) == nil)
    }

    @Test("codes match membership.proto's numbering")
    func protoNumbers() {
        #expect(CouncilKind.townCouncil.code == 1 && CouncilKind.villagersRepresentativesMeeting.code == 9)
        #expect(CouncilRole.adHocMember.code == 6 && CouncilRole.observer.code == 7)
    }
}
