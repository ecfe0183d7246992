import TongxinService
import Foundation
import MembershipRules
import TongxinPostgres

/// 已确认议事会的守护 — a change that would break a constituted council is refused with
/// FAILED_PRECONDITION naming the rule (issue 3 §4).
///
/// A change is checked by its effect: the violations of every affected constituted council
/// are taken before the change and after it, in the same transaction, and any violation
/// that was not there before refuses the change (which rolls it back). Violations that
/// already existed — say, after the county tightened a rule — do not block unrelated changes.
struct ConstitutedCouncilGuard {
    let scope: CallScope
    let rules: CompositionDefaults

    /// Constituted councils a change to `people` can break: those seating one of them, and
    /// those bound to a unit they live in or under — the supervision committee's rule looks
    /// at the villagers' committee and its close relatives (Organic Law art. 32) whether or
    /// not they sit on it.
    func councilsAffected(by people: [UUID]) async throws -> [CouncilRecord] {
        try await scope.tx.query(
            CouncilRecord.self,
            """
            SELECT \(CouncilRecord.columns) FROM \(CouncilRecord.from)
             WHERE c.status = \(CouncilState.constituted.rawValue)
               AND ((c.county_code, c.id) IN (SELECT county_code, council_id FROM membership.seats
                              WHERE person_id = ANY($1::uuid[]) AND status = \(MembershipState.seated.rawValue))
                    OR EXISTS (SELECT 1 FROM membership.people p
                                WHERE p.county_code = c.county_code AND p.id = ANY($1::uuid[]) AND p.unit_path <@ c.unit_path))
            """,
            [.textArray(people.map(\.lowercased))])
    }

    func violations(_ councils: [CouncilRecord]) async throws -> [UUID: Set<RuleViolation>] {
        var result: [UUID: Set<RuleViolation>] = [:]
        for council in councils where council.status == .constituted {
            result[council.id] = Set(try await check(council, includeNominees: false))
        }
        return result
    }

    func check(_ council: CouncilRecord, includeNominees: Bool) async throws -> [RuleViolation] {
        let effective = try await EffectiveRules.load(kind: council.kind, unitPath: council.unitPath, defaults: rules, tx: scope.tx)
        let roster = try await RosterLoader(tx: scope.tx).composition(of: council, includeNominees: includeNominees)
        return CompositionChecker.check(roster: roster, rules: effective.rules)
    }

    func refuseNewViolations(_ councils: [CouncilRecord], before: [UUID: Set<RuleViolation>]) async throws {
        for council in councils where council.status == .constituted {
            let after = try await check(council, includeNominees: false)
            // Advisory rules (issue 8 §1) are reported, never refused.
            let new = after.filter { $0.isBinding && !(before[council.id] ?? []).contains($0) }
            if !new.isEmpty { throw MembershipError.composition(new) }
        }
    }
}
