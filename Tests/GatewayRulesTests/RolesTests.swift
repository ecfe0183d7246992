import Foundation
import GatewayRules
import Testing

@Suite("roles at units")
struct RolesTests {
    @Test("each role maps to the permissions the services declare")
    func table() {
        let agenda: Set<String> = ["agenda.read", "agenda.write", "agenda.rules", "agenda.advance"]
        let integration: Set<String> = ["appeals.read", "changes.read", "public.read"]
        let session: Set<String> = ["session.read", "session.write", "session.rules"]
        #expect(Role.countyAdmin.permissions == agenda.union(integration).union(session).union(
            ["membership.read", "membership.write", "membership.rules", "people.search", "pii.read", "supervision.read", "supervision.write",
             "dashboard.read"]))
        #expect(Role.townAdmin.permissions == agenda.union(integration).union(session).union(
            ["membership.read", "membership.write", "people.search", "pii.read", "supervision.read", "supervision.write", "supervision.progress",
             "dashboard.read"]))
        #expect(Role.villageClerk.permissions == integration.union(
            ["membership.read", "membership.write", "people.search", "agenda.read", "agenda.write", "session.read", "session.write",
             "supervision.read", "supervision.progress", "supervision.feedback"]))
        #expect(Role.councilChair.permissions == [
            "membership.read", "membership.write", "agenda.read", "agenda.advance", "session.read", "session.write", "session.vote",
            "supervision.read", "public.read"])
        #expect(Role.councilMember.permissions == [
            "membership.read", "agenda.read", "session.read", "session.vote", "supervision.read", "supervision.feedback", "public.read"])
        #expect(Role.supervisor.permissions == integration.union(
            ["membership.read", "people.search", "agenda.read", "agenda.advance", "session.read", "supervision.read", "supervision.check",
             "dashboard.read"]))
        #expect(Role.assessor.permissions == [
            "membership.read", "agenda.read", "session.read", "supervision.read", "supervision.assess", "changes.read", "public.read",
            "dashboard.read"])
        #expect(Role.integrationClient.permissions == integration.union(
            ["membership.read", "agenda.read", "agenda.write", "session.read", "supervision.read", "appeals.submit"]))
        // The dashboard: the county and town offices, supervisors and assessors — and every
        // holder of it also holds the read permission of each section's service.
        #expect(Set(Role.allCases.filter { $0.permissions.contains("dashboard.read") }) == [.countyAdmin, .townAdmin, .supervisor, .assessor])
        for role in Role.allCases where role.permissions.contains("dashboard.read") {
            #expect(role.permissions.isSuperset(of: ["membership.read", "agenda.read", "session.read", "supervision.read"]), "\(role)")
        }
        // Only the session service's own token opens cases.
        #expect(Role.allCases.allSatisfy { !$0.permissions.contains("supervision.intake") })
        #expect(Role.systemAdmin.permissions == ["gateway.accounts", "pii.rotate"])
        #expect(Role.securityAdmin.permissions == ["gateway.grants"])
        #expect(Role.auditAdmin.permissions == ["audit.verify", "audit.read"])
    }

    @Test("三权分立: no role both manages accounts or grants and reads the audit log, and the three administrators exclude each other")
    func separation() {
        let administration: Set<String> = [GatewayPermission.accounts, GatewayPermission.grants]
        let audit: Set<String> = [GatewayPermission.auditRead, GatewayPermission.auditVerify]
        for role in Role.allCases {
            #expect(role.permissions.isDisjoint(with: administration) || role.permissions.isDisjoint(with: audit), "\(role)")
            #expect(!(role.permissions.contains(GatewayPermission.accounts) && role.permissions.contains(GatewayPermission.grants)), "\(role)")
        }
        for a in Role.separatedAdministrators {
            for b in Role.separatedAdministrators {
                #expect(a.conflicts(with: b) == (a != b))
            }
        }
        #expect(!Role.countyAdmin.conflicts(with: .systemAdmin))
    }

    @Test("anonymous callers hold only login and public reads")
    func anonymous() {
        #expect(GatewayPermission.anonymous == ["gateway.login", "public.read"])
    }
}

@Suite("unit paths")
struct UnitPathTests {
    @Test("a path covers itself and its subtree, not its siblings or parents")
    func covers() throws {
        let town = try #require(UnitPath("u330100000000.u330102000000"))
        let village = try #require(UnitPath("u330100000000.u330102000000.u330102001000"))
        let other = try #require(UnitPath("u330100000000.u330103000000"))
        let county = try #require(UnitPath("u330100000000"))
        #expect(town.covers(town) && town.covers(village))
        #expect(!town.covers(other) && !town.covers(county))
        #expect(county.covers(other))
        #expect(village.tenant == "u330100000000.u330102000000")
        #expect(county.tenant == "u330100000000")
        #expect(village.countyCode == "330100000000")
    }

    @Test("only labels of u and twelve digits are paths")
    func malformed() {
        for text in ["", "u1", "330100000000", "u330100000000.", "u330100000000..u330102000000", "u33010000000x", "gateway"] {
            #expect(UnitPath(text) == nil, "\(text)")
        }
    }
}

@Suite("login policy")
struct LoginPolicyTests {
    @Test("the fifth failure in a row locks for fifteen minutes; a success clears the count")
    func lockout() {
        let policy = LoginPolicy()
        var state = LoginPolicy.State(failures: 0, lockedUntil: nil)
        for _ in 1...4 {
            state = policy.afterFailure(state, at: 1000)
            #expect(!state.isLocked(at: 1000))
        }
        state = policy.afterFailure(state, at: 1000)
        #expect(state.isLocked(at: 1000))
        #expect(state.isLocked(at: 1000 + 899))
        #expect(!state.isLocked(at: 1000 + 900))
        #expect(policy.afterSuccess() == LoginPolicy.State(failures: 0, lockedUntil: nil))
    }

    @Test("a session lives at most its lifetime and dies after the idle timeout")
    func session() {
        let policy = LoginPolicy(sessionLifetime: 3600, idleTimeout: 600)
        #expect(policy.sessionAlive(createdAt: 0, lastSeen: 0, now: 600))
        #expect(!policy.sessionAlive(createdAt: 0, lastSeen: 0, now: 601))
        #expect(policy.sessionAlive(createdAt: 0, lastSeen: 3000, now: 3599))
        #expect(!policy.sessionAlive(createdAt: 0, lastSeen: 3599, now: 3600))
    }
}

@Suite("tenant budget")
struct TenantBudgetTests {
    @Test("a burst passes, the next call waits for a token, and the hint says how long")
    func rate() {
        var budget = TenantBudget(rate: 10, burst: 3, maxInFlight: 100, now: 0)
        for _ in 0..<3 {
            #expect(budget.admit(now: 0) == nil)
            budget.finish()
        }
        #expect(budget.admit(now: 0) == .rate(retryAfter: 0.1))
        #expect(budget.admit(now: 0.1) == nil)
    }

    @Test("callers refused one after another are told to come back one token apart, not all at the next token")
    func spreadRetries() {
        var budget = TenantBudget(rate: 10, burst: 1, maxInFlight: 100, now: 0)
        #expect(budget.admit(now: 0) == nil)
        budget.finish()
        #expect(budget.admit(now: 0) == .rate(retryAfter: 0.1))
        #expect(budget.admit(now: 0) == .rate(retryAfter: 0.2))
        #expect(budget.admit(now: 0) == .rate(retryAfter: 0.3))
        // The first told to come back at 0.1 s gets the token of 0.1 s.
        #expect(budget.admit(now: 0.1) == nil)
        budget.finish()
        // One who did not wait is put behind the two still told to come back.
        #expect(budget.admit(now: 0.1) == .rate(retryAfter: 0.3))
        #expect(budget.admit(now: 0.2) == nil)
    }

    @Test("calls in flight are capped until one finishes")
    func inFlight() {
        var budget = TenantBudget(rate: 1000, burst: 1000, maxInFlight: 2, now: 0)
        #expect(budget.admit(now: 0) == nil)
        #expect(budget.admit(now: 0) == nil)
        #expect(budget.admit(now: 0) != nil)
        budget.finish()
        #expect(budget.admit(now: 0) == nil)
    }
}

@Suite("county dashboard: scope and quarter")
struct DashboardRulesTests {
    static let county = UnitPath("u330100000000")!
    static let town1 = UnitPath("u330100000000.u330102000000")!
    static let town2 = UnitPath("u330100000000.u330103000000")!
    static let village1 = UnitPath("u330100000000.u330102000000.u330102001000")!
    static let otherCounty = UnitPath("u330200000000")!

    @Test("a grant covering the unit shows all of it; grants inside it show what they cover; nothing else shows anything")
    func scope() {
        let reads = Role.townAdmin.permissions
        #expect(DashboardScope.of(Self.county, grants: [(Self.county, Role.countyAdmin.permissions)]) == .whole)
        #expect(DashboardScope.of(Self.town1, grants: [(Self.county, Role.countyAdmin.permissions)]) == .whole)
        let town = DashboardScope.of(Self.county, grants: [(Self.town1, reads)])
        #expect(town == .within([Self.town1]))
        #expect(town?.shows(Self.town1) == true && town?.shows(Self.town2) == false)
        #expect(town?.roots(of: Self.county) == [Self.town1])
        // A grant inside another one listed adds nothing; grants without dashboard.read count for nothing.
        #expect(DashboardScope.of(Self.county, grants: [(Self.village1, reads), (Self.town1, reads), (Self.town2, Role.villageClerk.permissions)])
                == .within([Self.town1]))
        #expect(DashboardScope.of(Self.county, grants: [(Self.county, Role.villageClerk.permissions)]) == nil)
        // Another county's grants: nothing.
        #expect(DashboardScope.of(Self.county, grants: [(Self.otherCounty, Role.countyAdmin.permissions)]) == nil)
        #expect(DashboardScope.of(Self.town2, grants: [(Self.town1, reads)]) == nil)
        #expect(DashboardScope.whole.shows(Self.town2) && DashboardScope.whole.roots(of: Self.county) == [Self.county])
    }

    @Test("the quarter is a calendar quarter in China Standard Time, the current one by default")
    func quarter() throws {
        let cst = TimeZone(identifier: "Asia/Shanghai")!
        // 2025-12-31 17:00 UTC is 2026-01-01 01:00 in Beijing: the first quarter of 2026.
        let now = Date(timeIntervalSince1970: 1_767_200_400)
        let current = try DashboardQuarter(year: 0, quarter: 0, now: now, timeZone: cst)
        #expect(current.year == 2026 && current.quarter == 1)
        #expect(current.start == Date(timeIntervalSince1970: 1_767_196_800))  // 2026-01-01 00:00 +08:00
        #expect(current.end == Date(timeIntervalSince1970: 1_774_972_800))  // 2026-04-01 00:00 +08:00
        let fourth = try DashboardQuarter(year: 2025, quarter: 4, now: now, timeZone: cst)
        #expect(fourth.end == current.start)
        #expect(throws: DashboardQuarter.Problem.incomplete) { try DashboardQuarter(year: 2026, quarter: 0, now: now, timeZone: cst) }
        #expect(throws: DashboardQuarter.Problem.quarterOutOfRange) { try DashboardQuarter(year: 2026, quarter: 5, now: now, timeZone: cst) }
        #expect(throws: DashboardQuarter.Problem.yearOutOfRange) { try DashboardQuarter(year: 1999, quarter: 1, now: now, timeZone: cst) }
    }
}
