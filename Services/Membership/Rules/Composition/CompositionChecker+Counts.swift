/// The counting rules: sizes, shares, per-group quotas, households per representative.
extension CompositionChecker {
    static func check(_ rule: MemberCountRule, _ roster: CouncilComposition) -> [RuleViolation] {
        let count = roster.members(in: rule.base).count
        guard !rule.range.contains(count) else { return [] }
        return [RuleViolation(
            rule: rule.id, count: count, minimum: rule.range.min, maximum: rule.range.max,
            zh: "\(rule.base.nameZH) \(count) 人，不在 \(rule.range.text) 人范围内",
            en: "\(count) \(rule.base.nameEN), outside \(rule.range.text)"
        )]
    }

    static func check(_ rule: ShareRule, _ roster: CouncilComposition) -> [RuleViolation] {
        let base = roster.members(in: rule.base)
        let unknown = unknownGender(rule.id, rule.filter, base)
        guard unknown.isEmpty else { return unknown }
        let count = base.count { rule.filter.matches($0.person) }
        let outcome = rule.threshold.evaluate(count: count, of: base.count)
        guard !outcome.passed else { return [] }
        let (verbZH, verbEN): (String, String) = switch rule.threshold.comparison {
        case .atLeast: ("少于", "less than")
        case .moreThan: ("未超过", "not more than")
        case .atMost: ("超过", "more than")
        case .lessThan: ("达到", "not less than")
        }
        let boundZH = outcome.requiredMinimum.map { "至少 \($0) 人" } ?? "至多 \(outcome.requiredMaximum ?? 0) 人"
        return [RuleViolation(
            rule: rule.id, count: count, base: base.count,
            minimum: outcome.requiredMinimum, maximum: outcome.requiredMaximum,
            zh: "\(rule.filter.labelZH) \(count) 人，\(verbZH)\(rule.base.nameZH) \(base.count) 人的\(rule.threshold.fractionZH)（\(boundZH)）",
            en: "\(rule.filter.labelEN): \(count) of \(base.count) \(rule.base.nameEN), \(verbEN) \(rule.threshold.fractionText) (\(outcome.boundEN))"
        )]
    }

    static func check(_ rule: PerGroupRule, _ roster: CouncilComposition) -> [RuleViolation] {
        let groups = roster.context.villagerGroups
        guard !groups.isEmpty else { return [missingGroups(rule.id)] }
        let unknown = unknownGender(rule.id, rule.filter, roster.members(in: rule.base))
        guard unknown.isEmpty else { return unknown }
        let counted = roster.members(in: rule.base).filter { rule.filter.matches($0.person) }
        return groups.compactMap { group in
            let count = counted.count { $0.person.villagerGroupID == group.id }
            guard !rule.range.contains(count) else { return nil }
            return RuleViolation(
                rule: rule.id, subject: group.id, count: count, minimum: rule.range.min, maximum: rule.range.max,
                zh: "村民小组 \(group.id) 的\(rule.filter.labelZH) \(count) 人，不在 \(rule.range.text) 人范围内",
                en: "villager group \(group.id): \(count) \(rule.filter.labelEN), outside \(rule.range.text)"
            )
        }
    }

    static func check(_ rule: HouseholdsPerRepresentativeRule, _ roster: CouncilComposition) -> [RuleViolation] {
        guard !roster.context.villagerGroups.isEmpty else { return [missingGroups(rule.id)] }
        // 户数 0 is "not known" (membership.proto, Unit.household_count): the rule cannot be
        // checked, which is reported — never read as a village of no households.
        let unknownHouseholds = roster.context.villagerGroups.filter { $0.households <= 0 }
        guard unknownHouseholds.isEmpty else {
            return unknownHouseholds.map { group in
                RuleViolation(
                    rule: rule.id, field: "household_count", subject: group.id,
                    zh: "村民小组 \(group.id) 的户数未填写，无法核对按户推选规则",
                    en: "villager group \(group.id) has no household count recorded, so the households-per-representative rule cannot be checked"
                )
            }
        }
        let unknown = unknownGender(rule.id, rule.filter, roster.members(in: rule.base))
        guard unknown.isEmpty else { return unknown }
        let households = roster.context.householdCount
        let representatives = roster.members(in: rule.base).count { rule.filter.matches($0.person) }
        let perMin = rule.households.min
        let perMax = rule.households.max
        let fits = representatives > 0
            && representatives * perMin <= households
            && households <= representatives * perMax
        guard !fits else { return [] }
        // Fewest representatives so none speaks for more than perMax households, and most
        // so none speaks for fewer than perMin.
        let fewest = (households + perMax - 1) / perMax
        let most = perMin == 0 ? Int.max : households / perMin
        return [RuleViolation(
            rule: rule.id, count: representatives, base: households, minimum: fewest, maximum: most,
            zh: "\(rule.filter.labelZH) \(representatives) 人，全村 \(households) 户，按每 \(rule.households.text) 户推选 1 人应为 \(fewest)–\(most) 人",
            en: "\(representatives) \(rule.filter.labelEN) for \(households) households; at one per \(rule.households.text) households there should be \(fewest)–\(most)"
        )]
    }
}
