import AuditAPI
import Foundation
import SupervisionAPI
import Testing
import TongxinRPC
import TongxinSchemas
import TongxinTesting
import TongxinPostgres

/// 落实事项 (issue 11 §1–§3): opened idempotently from a filing, assigned by the two
/// committees, progress by the responsible person only, checks, reports to residents,
/// feedback once per resident, closing.
@Suite(.supervisionService("cases", region: 61))
struct CaseTests {
    @Test("the same filing delivered twice — or ten times at once — opens one case, audited once")
    func idempotentIntake() async throws {
        let county = try SupervisionHarness.current.county()
        let filing = UUID().canonicalText
        let topic = UUID().canonicalText
        let first = try await county.open(at: county.village(1), topic: topic, filing: filing)
        #expect(first.state == .open && first.filingId == filing && first.topicId == topic && first.title == "村道修缮")
        let again = try await county.open(at: county.village(1), topic: topic, filing: filing)
        #expect(again.id == first.id && again.openedAt == first.openedAt)
        let concurrent = UUID().canonicalText
        let ids = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<10 { group.addTask { try await county.open(at: county.village(2), filing: concurrent).id } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(ids.count == 1)
        let harness = try SupervisionHarness.current
        #expect(try await harness.superuser.count("SELECT count(*) FROM supervision.cases WHERE filing_id = $1::uuid", [.text(concurrent)]) == 1)
        #expect(try await harness.superuser.count(
            "SELECT count(*) FROM audit.entries WHERE service = 'supervision' AND method = 'OpenCase' AND target = $1",
            [.text("case/" + first.id)]) == 1)
    }

    @Test("a case for an unfiled result is FAILED_PRECONDITION; a unit outside the caller's scope is NOT_FOUND")
    func unfiled() async throws {
        let county = try SupervisionHarness.current.county()
        await expectStatus(.failedPrecondition, rule: "case.unfiled") {
            try await county.api.openCase(
                .init(filingId: UUID().canonicalText, unitPath: county.village(1), topicId: UUID().canonicalText, title: "未备案"),
                options: county.session)
        }
        let other = try SupervisionHarness.current.county()
        await expectStatus(.notFound) { try await other.open(at: county.village(1)) }
        await expectStatus(.permissionDenied) {
            try await county.api.openCase(.init(filingId: UUID().canonicalText, unitPath: county.village(1)), options: county.person("甲"))
        }
    }

    @Test("assignment: responsible person and unit, deadline, milestones, budget note and the two-committee decision")
    func assignment() async throws {
        let county = try SupervisionHarness.current.county()
        let kase = try await county.open(at: county.village(1))
        let assigned = try await county.assign(kase, milestones: [("路基", .init(year: 2025, month: 4, day: 15)), ("硬化", .init(year: 2025, month: 5, day: 31))])
        #expect(assigned.state == .inProgress && assigned.responsiblePerson == "负责人甲" && assigned.responsibleUnitPath == county.village(1))
        #expect(assigned.deadline == .init(year: 2025, month: 6, day: 30) && assigned.budgetNote == "村集体经费 8 万元")
        #expect(assigned.milestones.map(\.title) == ["路基", "硬化"] && assigned.decision?.minutesRef == "doc://minutes/1")
        #expect(assigned.level == .green)
        await expectStatus(.invalidArgument, field: "milestones.due_on") {
            try await county.assign(kase, milestones: [("超期", .init(year: 2025, month: 7, day: 1))])
        }
        await expectStatus(.invalidArgument, field: "decision") {
            try await county.api.assignCase(.init(caseId: kase.id, responsiblePerson: "乙", deadline: .init(year: 2025, month: 6, day: 1)), options: county.admin)
        }
        // Reassigned while it runs: the outstanding milestones are replaced.
        let reassigned = try await county.assign(kase, to: "负责人乙", milestones: [("验收", .init(year: 2025, month: 6, day: 20))])
        #expect(reassigned.responsiblePerson == "负责人乙" && reassigned.milestones.map(\.title) == ["验收"])
    }

    @Test("progress by someone who is not responsible is PERMISSION_DENIED; a percentage outside 0–100 is INVALID_ARGUMENT; 100% completes")
    func progressRules() async throws {
        let county = try SupervisionHarness.current.county()
        let kase = try await county.running(at: county.village(1), milestones: [("路基", .init(year: 2025, month: 4, day: 15))])
        await expectStatus(.permissionDenied, rule: "progress.responsible_person") { try await county.progress(kase, percent: 10, by: "别人") }
        await expectStatus(.invalidArgument, field: "percent") { try await county.progress(kase, percent: 101) }
        await expectStatus(.invalidArgument, field: "percent") { try await county.progress(kase, percent: -1) }
        let milestone = kase.milestones[0].id
        let report = try await county.progress(kase, percent: 40, milestones: [milestone])
        #expect(report.percent == 40 && report.reportedBy == "负责人甲" && report.completedMilestoneIds == [milestone])
        var now = try await county.get(kase)
        #expect(now.percent == 40 && now.milestones[0].doneOn != nil && now.lastProgressOn != nil && now.state == .inProgress)
        await expectStatus(.invalidArgument, field: "completed_milestone_ids") { try await county.progress(kase, percent: 50, milestones: [milestone]) }
        try await county.progress(kase, percent: 100)
        now = try await county.get(kase)
        #expect(now.state == .completed && now.completedAt != nil)
        await expectStatus(.failedPrecondition, rule: "case.state") { try await county.progress(kase, percent: 100) }
        // An open case has nobody responsible yet: its state refuses progress first.
        let open = try await county.open(at: county.village(1))
        await expectStatus(.failedPrecondition, rule: "case.state") { try await county.progress(open, percent: 10) }
    }

    @Test("checks, reports to residents, feedback once per resident, closing")
    func afterProgress() async throws {
        let county = try SupervisionHarness.current.county()
        let village = county.village(1)
        let kase = try await county.running(at: village)
        let committee = county.caller(at: county.town(1), [Permissions.check, Permissions.read], principal: "监委会主任")
        let check = try await county.api.recordCheck(.init(caseId: kase.id, outcome: .delayed, findings: "路基进度滞后"), options: committee)
        #expect(check.outcome == .delayed && check.checkedBy == "监委会主任")
        await expectStatus(.invalidArgument, field: "findings") { try await county.api.recordCheck(.init(caseId: kase.id, outcome: .problem), options: committee) }
        await expectStatus(.permissionDenied) { try await county.api.recordCheck(.init(caseId: kase.id, outcome: .onTrack), options: county.person("负责人甲")) }
        let report = try await county.api.publishReport(.init(caseId: kase.id, text: "村道修缮进展公示", attachments: ["doc://notice/1"]), options: county.admin)
        let listed = try await county.api.listReports(.init(unitPath: village), options: county.resident("居民1", at: village))
        await expectStatus(.notFound) { try await county.api.listReports(.init(unitPath: county.town(1)), options: county.resident("居民1", at: village)) }
        #expect(listed.reports.map(\.id) == [report.id] && listed.reports.first?.caseTitle == "村道修缮")
        // Feedback only once the case is completed.
        await expectStatus(.failedPrecondition, rule: "case.state") {
            try await county.api.submitFeedback(.init(caseId: kase.id, rating: .satisfied), options: county.resident("居民1", at: village))
        }
        try await county.progress(kase, percent: 100)
        let invited = try await county.api.inviteFeedback(.init(caseId: kase.id, residents: ["居民1", "居民2", "居民1"]), options: county.admin)
        #expect(invited.recipients == ["居民1", "居民2"])
        let rated = try await county.api.submitFeedback(.init(caseId: kase.id, rating: .basicallySatisfied, comment: "路修好了"), options: county.resident("居民1", at: village))
        #expect(rated.resident == "居民1" && rated.rating == .basicallySatisfied)
        await expectStatus(.alreadyExists) {
            try await county.api.submitFeedback(.init(caseId: kase.id, rating: .dissatisfied), options: county.resident("居民1", at: village))
        }
        let file = try await county.api.getCaseFile(.init(caseId: kase.id), options: county.admin)
        #expect(file.progress.count == 1 && file.checks.count == 1 && file.reports.count == 1 && file.feedback.count == 1)
        #expect(file.feedbackRecipients == ["居民1", "居民2"])
        await expectStatus(.invalidArgument, field: "note") { try await county.api.closeCase(.init(caseId: kase.id, application: .partial), options: county.admin) }
        let closed = try await county.api.closeCase(.init(caseId: kase.id, application: .full), options: county.admin)
        #expect(closed.state == .closed && closed.application == .full && closed.closedAt != nil)
        await expectStatus(.failedPrecondition, rule: "case.state") { try await county.api.closeCase(.init(caseId: kase.id, application: .full), options: county.admin) }
        // Cases are listed newest first within the caller's subtree; another town sees none.
        let listing = try await county.api.listCases(.init(unitPath: county.town(1), states: [.closed]), options: county.admin)
        #expect(listing.cases.map(\.id) == [kase.id])
        await expectStatus(.notFound) { try await county.api.getCase(.init(caseId: kase.id), options: county.caller(at: county.town(2), [Permissions.read])) }
    }

    @Test("every mutation is in the audit chain, and a row changed by a superuser is found by VerifyAuditChain")
    func auditChain() async throws {
        let harness = try SupervisionHarness.current
        let county = harness.county()
        let village = county.village(1)
        let kase = try await county.running(at: village)
        try await county.progress(kase, percent: 100)
        _ = try await county.api.inviteFeedback(.init(caseId: kase.id, residents: ["居民1"]), options: county.admin)
        _ = try await county.api.submitFeedback(.init(caseId: kase.id, rating: .satisfied), options: county.resident("居民1", at: village))
        _ = try await county.api.closeCase(.init(caseId: kase.id, application: .full), options: county.admin)
        let methods = try await harness.superuser.query(
            "SELECT method, principal FROM audit.entries WHERE service = 'supervision' AND unit_path <@ $1::ltree ORDER BY seq", [.text(county.path)])
        let recorded = try methods.map { try $0["method"].decode(String.self) }
        #expect(recorded == ["OpenCase", "AssignCase", "ReportProgress", "InviteFeedback", "SubmitFeedback", "CloseCase", "FreezeDossier"])
        #expect(try methods[2]["principal"].decode(String.self) == "负责人甲")
        let audit = AuditV1.Audit.Client(harness.server.client)
        let auditor = county.caller(at: county.path, ["audit.verify"])
        let chain = county.town(1)
        let before = try await audit.verifyAuditChain(.init(chain: chain), options: auditor)
        #expect(before.chains.first?.verdict == .intact, "\(before.chains)")
        _ = try await harness.superuser.query(
            "UPDATE audit.entries SET principal = 'someone-else' WHERE chain = $1 AND method = 'ReportProgress'", [.text(chain)])
        let after = try await audit.verifyAuditChain(.init(chain: chain), options: auditor)
        #expect(after.chains.first?.verdict == .alteredEntry, "\(after.chains)")
        #expect(after.chains.first?.seq == 3)
    }

    @Test("the schema: row-level security forced on every table, distributable by county")
    func schema() async throws {
        let harness = try SupervisionHarness.current
        try await assertDistributable(schema: "supervision", on: harness.superuser)
        let unprotected = try await harness.superuser.count(
            """
            SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = 'supervision' AND c.relkind = 'r' AND c.relname <> 'schema_migrations'
               AND NOT (c.relrowsecurity AND c.relforcerowsecurity)
            """)
        #expect(unprotected == 0)
    }
}
