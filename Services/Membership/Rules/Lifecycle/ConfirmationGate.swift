import Foundation

/// 确认前置条件 — whether a nominee may be confirmed at a given instant.
///
/// 004: 协商会成员公示5天后，经村党组织研究并最终确定. So confirmation is refused
/// - while the notice period is still open (`confirmation.notice_open`), and
/// - while any objection concerning the nominee is unresolved (`confirmation.objection_open`),
/// - and, once resolved, if one was upheld (`confirmation.objection_upheld`).
///
/// Pure: the caller passes the instant (no clock is read here). An empty result means the
/// party organisation may confirm.
public enum ConfirmationGate {
    public static func check(
        nominee: PersonID,
        notice: NoticePeriod,
        objections: [Objection],
        at instant: Date
    ) -> [DomainViolation] {
        var violations = noticeViolations(endsAt: notice.endsAt, lastDay: notice.lastDay, at: instant)
        violations += objectionViolations(objections.filter { $0.concerns(nominee) })
        return violations
    }

    /// Whether a published list may be confirmed at `instant`, against the window as it
    /// was published (`endsAt`, the first instant after `lastDay`; a stored notice keeps
    /// these so a later change of the holiday calendar cannot move it).
    ///
    /// Every objection to the list blocks it while open — whether it names someone still
    /// on the list or not, it has not been answered. An upheld objection refuses the list
    /// only if it concerns a nominee about to be confirmed; one that already withdrew its
    /// nominee blocks nobody else.
    public static func check(
        list nominees: [PersonID],
        endsAt: Date,
        lastDay: LocalDate,
        objections: [Objection],
        at instant: Date
    ) -> [DomainViolation] {
        var violations = noticeViolations(endsAt: endsAt, lastDay: lastDay, at: instant)
        let open = objections.filter { $0.status == .open }
        let upheld = objections.filter { objection in
            objection.status == .upheld && nominees.contains { objection.concerns($0) }
        }
        violations += objectionViolations(open + upheld)
        return violations
    }

    private static func noticeViolations(endsAt: Date, lastDay: LocalDate, at instant: Date) -> [DomainViolation] {
        guard instant < endsAt else { return [] }
        return [DomainViolation(
            rule: "confirmation.notice_open", field: "notice",
            zh: "公示期至 \(lastDay) 24时结束，期满前不能确认",
            en: "the notice period runs to the end of \(lastDay); members cannot be confirmed before it ends"
        )]
    }

    private static func objectionViolations(_ relevant: [Objection]) -> [DomainViolation] {
        var violations: [DomainViolation] = []
        let open = relevant.count { $0.status == .open }
        if open > 0 {
            violations.append(DomainViolation(
                rule: "confirmation.objection_open", field: "objections",
                zh: "有 \(open) 条异议尚未处理，不能确认",
                en: "\(open) objection(s) are still unresolved; the member cannot be confirmed"
            ))
        }
        let upheld = relevant.count { $0.status == .upheld }
        if upheld > 0 {
            violations.append(DomainViolation(
                rule: "confirmation.objection_upheld", field: "objections",
                zh: "有 \(upheld) 条异议成立，不能确认",
                en: "\(upheld) objection(s) were upheld; the member cannot be confirmed"
            ))
        }
        return violations
    }
}

extension ConfirmationGate {
    /// 组成审查 at confirmation (issue 8 §1): a binding violation refuses the confirmation (the
    /// caller reports every one, with figures); advisory ones do not, but a confirmation that
    /// goes ahead despite them records them with who accepted them and why — so a reason is
    /// needed (`confirmation.advisory_not_accepted` without one). Returns the advisories to record.
    public static func composition(
        _ violations: [RuleViolation], acceptance reason: String
    ) -> (binding: [RuleViolation], advisories: [RuleViolation], refusal: DomainViolation?) {
        let binding = violations.filter(\.isBinding)
        let advisories = violations.filter { !$0.isBinding }
        guard binding.isEmpty, !advisories.isEmpty,
              reason.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return (binding, advisories, nil) }
        let ids = advisories.map(\.rule).joined(separator: ",")
        return (binding, advisories, DomainViolation(
            rule: "confirmation.advisory_not_accepted", field: "advisory_acceptance",
            zh: "名单不符合指导性规则（\(ids)）：\(advisories.map(\.messageZH).joined(separator: "；"))。确认时须说明接受的理由",
            en: "the list departs from advisory rules (\(ids)): \(advisories.map(\.messageEN).joined(separator: "; ")). Confirming it needs the reason they are accepted"))
    }
}
