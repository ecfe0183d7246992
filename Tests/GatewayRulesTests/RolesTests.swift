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
            ["membership.read", "membership.write", "membership.rules", "people.search", "pii.read", "supervision.read", "supervision.write"]))
        #expect(Role.townAdmin.permissions == agenda.union(integration).union(session).union(
            ["membership.read", "membership.write", "people.search", "pii.read", "supervision.read", "supervision.write", "supervision.progress"]))
        #expect(Role.villageClerk.permissions == integration.union(
            ["membership.read", "membership.write", "people.search", "agenda.read", "agenda.write", "session.read", "session.write",
             "supervision.read", "supervision.progress", "supervision.feedback"]))
        #expect(Role.councilChair.permissions == [
            "membership.read", "membership.write", "agenda.read", "agenda.advance", "session.read", "session.write", "session.vote",
            "supervision.read", "public.read"])
        #expect(Role.councilMember.permissions == [
            "membership.read", "agenda.read", "session.read", "session.vote", "supervision.read", "supervision.feedback", "public.read"])
        #expect(Role.supervisor.permissions == integration.union(
            ["membership.read", "people.search", "agenda.read", "agenda.advance", "session.read", "supervision.read", "supervision.check"]))
        #expect(Role.assessor.permissions == [
            "membership.read", "agenda.read", "session.read", "supervision.read", "supervision.assess", "changes.read", "public.read"])
        #expect(Role.integrationClient.permissions == integration.union(
            ["membership.read", "agenda.read", "agenda.write", "session.read", "supervision.read", "appeals.submit"]))
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
