import SupervisionRules
import Testing

@Suite("Case lifecycle")
struct LifecycleTests {
    @Test("every edge of the lifecycle, and no other", arguments: CaseState.allCases)
    func edges(from: CaseState) {
        for to in CaseState.allCases {
            let expected = CaseLifecycle.edges.contains(.init(from, to))
            #expect(((try? CaseLifecycle.transition(from: from, to: to)) != nil) == expected, "\(from) → \(to)")
        }
    }

    @Test("progress only while in progress; feedback and closing only once completed")
    func actions() {
        #expect(throws: Never.self) { try CaseLifecycle.check(.reportProgress, in: .inProgress) }
        #expect(throws: DomainViolation.self) { try CaseLifecycle.check(.reportProgress, in: .open) }
        #expect(throws: DomainViolation.self) { try CaseLifecycle.check(.submitFeedback, in: .inProgress) }
        #expect(throws: Never.self) { try CaseLifecycle.check(.submitFeedback, in: .completed) }
        #expect(throws: DomainViolation.self) { try CaseLifecycle.check(.close, in: .inProgress) }
        #expect(throws: DomainViolation.self) { try CaseLifecycle.check(.assign, in: .closed) }
    }

    @Test("a percentage is 0–100 inclusive")
    func percent() {
        #expect((try? CaseInput.percent(0)) == 0)
        #expect((try? CaseInput.percent(100)) == 100)
        #expect(throws: DomainViolation.self) { try CaseInput.percent(-1) }
        #expect(throws: DomainViolation.self) { try CaseInput.percent(101) }
    }
}
