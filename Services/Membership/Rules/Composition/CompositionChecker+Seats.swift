/// The seat rules: who holds which role, which posts must sit, which sectors may, and
/// who may not (the supervision committee's exclusion).
extension CompositionChecker {
    static func check(_ rule: RoleCountRule, _ roster: CouncilComposition) -> [RuleViolation] {
        let count = roster.members.count { $0.role == rule.role }
        guard !rule.range.contains(count) else { return [] }
        return [RuleViolation(
            rule: rule.id, subject: rule.role.rawValue, count: count, minimum: rule.range.min, maximum: rule.range.max,
            zh: "\(rule.role.nameZH) \(count) 人，应为 \(rule.range.text) 人",
            en: "\(count) holding \(rule.role.nameEN), must be \(rule.range.text)"
        )]
    }

    static func check(_ rule: SeatHolderRule, _ roster: CouncilComposition) -> [RuleViolation] {
        roster.members.filter { $0.role == rule.role && !$0.person.posts.contains(rule.post) }.map { member in
            RuleViolation(
                rule: rule.id, subject: member.person.id,
                zh: "\(rule.role.nameZH) \(member.person.id) 不是\(rule.post.nameZH)，该职位应由\(rule.post.nameZH)担任",
                en: "\(rule.role.nameEN) \(member.person.id) is not the \(rule.post.nameEN), who must hold this seat"
            )
        }
    }

    static func check(_ rule: RequiredPostRule, _ roster: CouncilComposition) -> [RuleViolation] {
        let included = roster.members(in: rule.base).contains { $0.person.posts.contains(rule.post) }
        guard !included else { return [] }
        return [RuleViolation(
            rule: rule.id, subject: rule.post.rawValue,
            zh: "\(rule.post.nameZH)应为\(rule.base.nameZH)，名单中没有",
            en: "the \(rule.post.nameEN) must be among the \(rule.base.nameEN) but is not"
        )]
    }

    static func check(_ rule: AllowedSectorsRule, _ roster: CouncilComposition) -> [RuleViolation] {
        roster.members(in: rule.base).filter { !rule.sectors.contains($0.person.sector) }.map { member in
            RuleViolation(
                rule: rule.id, subject: member.person.id,
                zh: "\(rule.base.nameZH) \(member.person.id) 的界别「\(member.person.sector.nameZH)」不在规定类别内",
                en: "\(rule.base.nameEN) \(member.person.id): sector \(member.person.sector.nameEN) is not an allowed category"
            )
        }
    }

    static func check(_ rule: CommitteeKinExclusionRule, _ roster: CouncilComposition) -> [RuleViolation] {
        let context = roster.context
        var committee = Set(context.villagersCommittee)
        for member in roster.members where member.person.posts.contains(where: \.isVillagersCommitteeMembership) {
            committee.insert(member.person.id)
        }
        return roster.members(in: rule.base).compactMap { member in
            let id = member.person.id
            if committee.contains(id) {
                return RuleViolation(
                    rule: rule.id, subject: id,
                    zh: "\(id) 是村民委员会成员，不得担任村务监督委员会成员",
                    en: "\(id) is a member of the villagers' committee and may not serve on the supervision committee"
                )
            }
            for link in context.kinship where link.relation.isCloseRelative {
                for committeeMember in committee.sorted() {
                    guard let relation = link.relation(of: id, to: committeeMember) else { continue }
                    return RuleViolation(
                        rule: rule.id, subject: id,
                        zh: "\(id) 是村民委员会成员 \(committeeMember) 的\(relation.nameZH)（近亲属），不得担任村务监督委员会成员",
                        en: "\(id) is the \(relation.nameEN) (a close relative) of villagers' committee member \(committeeMember) and may not serve on the supervision committee"
                    )
                }
            }
            return nil
        }
    }
}
