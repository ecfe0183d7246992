import Foundation
import Testing
@testable import MembershipRules

@Suite("ConfirmationGate — confirm only after the notice period and with every objection resolved (004)")
struct ConfirmationGateTests {
    let notice = try! NoticePeriod(publishedAt: Fixture.instant("2024-03-01T10:00:00+08:00"))
    let lastInstant = Fixture.instant("2024-03-06T23:59:59.999+08:00")
    let afterwards = Fixture.instant("2024-03-07T00:00:00+08:00")

    func objection(_ nominee: PersonID?, _ status: Objection.Status = .open) -> Objection {
        Objection(id: UUID().uuidString, nomineeID: nominee, raisedAt: Fixture.instant("2024-03-03T09:00:00+08:00"), status: status)
    }

    @Test("refused at the last instant of the notice period")
    func duringNotice() {
        let violations = ConfirmationGate.check(nominee: "p1", notice: notice, objections: [], at: lastInstant)
        #expect(violations.map(\.rule) == ["confirmation.notice_open"])
        #expect(violations[0].messageZH == "公示期至 2024-03-06 24时结束，期满前不能确认")
    }

    @Test("allowed from the first instant after the period with no objections")
    func afterNotice() {
        #expect(ConfirmationGate.check(nominee: "p1", notice: notice, objections: [], at: afterwards).isEmpty)
    }

    @Test("refused while an objection to the nominee is open")
    func openObjection() {
        let violations = ConfirmationGate.check(nominee: "p1", notice: notice, objections: [objection("p1")], at: afterwards)
        #expect(violations.map(\.rule) == ["confirmation.objection_open"])
    }

    @Test("an open objection to the whole list blocks every nominee; one to someone else blocks nobody else")
    func scope() {
        let wholeList = [objection(nil)]
        #expect(ConfirmationGate.check(nominee: "p1", notice: notice, objections: wholeList, at: afterwards).count == 1)
        let other = [objection("p2")]
        #expect(ConfirmationGate.check(nominee: "p1", notice: notice, objections: other, at: afterwards).isEmpty)
    }

    @Test("a dismissed objection no longer blocks; an upheld one refuses confirmation")
    func resolved() throws {
        let open = objection("p1")
        let dismissed = try open.resolved(upheld: false)
        #expect(dismissed.status == .dismissed)
        #expect(ConfirmationGate.check(nominee: "p1", notice: notice, objections: [dismissed], at: afterwards).isEmpty)
        let upheld = try open.resolved(upheld: true)
        let violations = ConfirmationGate.check(nominee: "p1", notice: notice, objections: [upheld], at: afterwards)
        #expect(violations.map(\.rule) == ["confirmation.objection_upheld"])
    }

    @Test("every reason is reported together")
    func allReasons() {
        let objections = [objection("p1"), objection(nil, .upheld)]
        let violations = ConfirmationGate.check(nominee: "p1", notice: notice, objections: objections, at: lastInstant)
        #expect(violations.map(\.rule) == ["confirmation.notice_open", "confirmation.objection_open", "confirmation.objection_upheld"])
    }

    @Test("an objection is resolved once only")
    func resolveOnce() throws {
        let upheld = try objection("p1").resolved(upheld: true)
        let violation = #expect(throws: DomainViolation.self) { try upheld.resolved(upheld: false) }
        #expect(violation?.rule == "objection.already_resolved")
    }

    @Test("objections are accepted while the notice is open and not after")
    func raising() {
        #expect(Objection.canBeRaised(at: lastInstant, during: notice))
        #expect(!Objection.canBeRaised(at: afterwards, during: notice))
    }

    func checkList(_ nominees: [PersonID], _ objections: [Objection], at instant: Date) -> [String] {
        ConfirmationGate.check(list: nominees, endsAt: notice.endsAt, lastDay: notice.lastDay, objections: objections, at: instant)
            .map(\.rule)
    }

    @Test("a list: refused at the last instant of the window as published, allowed from the first after")
    func listWindow() {
        #expect(checkList(["a", "b"], [], at: lastInstant) == ["confirmation.notice_open"])
        #expect(checkList(["a", "b"], [], at: afterwards).isEmpty)
    }

    @Test("a list: any open objection blocks it, even one naming someone no longer on it")
    func listOpenObjections() {
        #expect(checkList(["a"], [objection("gone")], at: afterwards) == ["confirmation.objection_open"])
        #expect(checkList(["a"], [objection("gone", .dismissed)], at: afterwards).isEmpty)
    }

    @Test("a list: an upheld objection blocks only if its nominee is still being confirmed")
    func listUpheld() {
        #expect(checkList(["b"], [objection("a", .upheld)], at: afterwards).isEmpty)
        #expect(checkList(["a", "b"], [objection("a", .upheld)], at: afterwards) == ["confirmation.objection_upheld"])
        #expect(checkList([], [objection(nil, .upheld)], at: afterwards).isEmpty)
    }
}
