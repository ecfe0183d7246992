/// 组成审查 — checks a council roster against its composition rules.
///
/// Pure: no clock, no store. Every rule is checked and every violation returned (not
/// just the first), each with its rule id, figures and a bilingual message, so the
/// office sees the whole list before publishing it for 公示. Ad-hoc members and observers
/// count toward no rule (``MemberBase``). Three structural checks always run first:
/// the rule set is for the roster's kind, nobody holds two standing seats, and ad-hoc
/// members (and only they) name a topic.
public enum CompositionChecker {
    public static func check(roster: CouncilComposition, rules: CompositionRuleSet) -> [RuleViolation] {
        var violations = structuralViolations(roster, rules)
        for rule in rules.rules {
            let severity = rule.severity
            violations += check(rule, roster).map { $0.with(severity: severity) }
        }
        return violations
    }

    static func check(_ rule: CompositionRule, _ roster: CouncilComposition) -> [RuleViolation] {
        switch rule {
        case .memberCount(let rule): check(rule, roster)
        case .share(let rule): check(rule, roster)
        case .perVillagerGroup(let rule): check(rule, roster)
        case .householdsPerRepresentative(let rule): check(rule, roster)
        case .roleCount(let rule): check(rule, roster)
        case .seatHolder(let rule): check(rule, roster)
        case .requiredPost(let rule): check(rule, roster)
        case .allowedSectors(let rule): check(rule, roster)
        case .committeeKinExclusion(let rule): check(rule, roster)
        case .residence(let rule): check(rule, roster)
        }
    }

    private static func structuralViolations(_ roster: CouncilComposition, _ rules: CompositionRuleSet) -> [RuleViolation] {
        var violations: [RuleViolation] = []
        if roster.kind != rules.kind {
            violations.append(RuleViolation(
                rule: RuleID.kindMismatch, field: "kind", subject: roster.kind.rawValue,
                zh: "名单属于\(roster.kind.nameZH)，规则属于\(rules.kind.nameZH)",
                en: "the roster is for a \(roster.kind.nameEN) but the rules are for a \(rules.kind.nameEN)"
            ))
        }
        var seen: Set<PersonID> = []
        var reported: Set<PersonID> = []
        for member in roster.members where member.role.isStanding {
            let id = member.person.id
            if !seen.insert(id).inserted, reported.insert(id).inserted {
                violations.append(RuleViolation(
                    rule: RuleID.duplicateMember, subject: id,
                    zh: "\(id) 在名单中占有多个席位", en: "\(id) holds more than one standing seat"
                ))
            }
        }
        for member in roster.members {
            let hasTopic = !(member.topicID ?? "").isEmpty
            if member.role == .adHocMember, !hasTopic {
                violations.append(RuleViolation(
                    rule: RuleID.adHocTopic, subject: member.person.id,
                    zh: "列席/特邀成员 \(member.person.id) 未关联议题",
                    en: "ad-hoc member \(member.person.id) is not bound to a topic"
                ))
            } else if member.role != .adHocMember, member.topicID != nil {
                violations.append(RuleViolation(
                    rule: RuleID.adHocTopic, subject: member.person.id,
                    zh: "只有列席/特邀成员关联议题，\(member.person.id) 是\(member.role.nameZH)",
                    en: "only ad-hoc members are bound to a topic; \(member.person.id) is a \(member.role.nameEN)"
                ))
            }
        }
        return violations
    }

    /// The violations reported when a rule counts by gender and some member's gender is not
    /// recorded: such a member is neither a woman nor a man to the rule, so the rule cannot
    /// be checked (issue 8 §5) — never counted as a man.
    static func unknownGender(_ id: String, _ filter: MemberFilter, _ members: [CouncilMember]) -> [RuleViolation] {
        guard filter.gender != nil else { return [] }
        return members.filter { $0.person.gender == .unspecified }.map { member in
            RuleViolation(
                rule: id, field: "gender", subject: member.person.id,
                zh: "\(member.person.id) 的性别未填写，无法核对该规则",
                en: "the gender of \(member.person.id) is not recorded, so this rule cannot be checked"
            )
        }
    }

    /// The violation reported when a rule needs unit facts the caller did not supply:
    /// a rule that cannot be evaluated must not pass silently.
    static func missingGroups(_ id: String) -> RuleViolation {
        RuleViolation(
            rule: id, field: "villager_groups",
            zh: "缺少村民小组及户数信息，无法核对该规则",
            en: "the unit's villager groups and household counts are needed to check this rule"
        )
    }
}
