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
        if rule.coversPartyBranch { committee.formUnion(context.partyBranchCommittee) }
        var households = context.households
        for member in roster.members {
            let posts = member.person.posts
            if posts.contains(where: \.isVillagersCommitteeMembership)
                || (rule.coversPartyBranch && posts.contains(where: \.isPartyBranchCommitteeMembership)) {
                committee.insert(member.person.id)
            }
            if let household = member.person.householdID { households[member.person.id] = household }
        }
        let bodyZH = rule.coversPartyBranch ? "村\u{201C}两委\u{201D}成员" : "村民委员会成员"
        let bodyEN = rule.coversPartyBranch ? "a member of the two village committees" : "a member of the villagers' committee"
        return roster.members(in: rule.base).compactMap { member in
            let id = member.person.id
            if committee.contains(id) {
                return RuleViolation(
                    rule: rule.id, subject: id,
                    zh: "\(id) 是\(bodyZH)，不得担任村务监督委员会成员",
                    en: "\(id) is \(bodyEN) and may not serve on the supervision committee"
                )
            }
            for committeeMember in committee.sorted() {
                for link in context.kinship {
                    guard let relation = link.relation(of: id, to: committeeMember), rule.counts(relation) else { continue }
                    return RuleViolation(
                        rule: rule.id, subject: id,
                        zh: "\(id) 是\(bodyZH) \(committeeMember) 的\(relation.nameZH)（近亲属），不得担任村务监督委员会成员",
                        en: "\(id) is the \(relation.nameEN) (a close relative) of \(committeeMember), \(bodyEN), and may not serve on the supervision committee"
                    )
                }
                if rule.countsHousehold, let household = households[id], households[committeeMember] == household {
                    return RuleViolation(
                        rule: rule.id, subject: id,
                        zh: "\(id) 与\(bodyZH) \(committeeMember) 同户（近亲属），不得担任村务监督委员会成员",
                        en: "\(id) is of one household with \(committeeMember), \(bodyEN), so a close relative, and may not serve on the supervision committee"
                    )
                }
            }
            return nil
        }
    }

    static func check(_ rule: ResidenceRule, _ roster: CouncilComposition) -> [RuleViolation] {
        roster.members.filter { $0.fromOutsideUnit && !rule.admitsOutsider(role: $0.role, sector: $0.person.sector) }.map { member in
            residenceViolation(rule, person: member.person.id, role: member.role, unit: roster.context.unitCode)
        }
    }

    /// The refusal of someone from outside the council's unit in `role`, naming the person
    /// (by name, when known, and id: `王某（<id>）`) and the unit (by name, when known, and
    /// division code). A name is shown as the caller may read it: the refusal goes only to
    /// a caller who could look the person up (names are not sealed personal data; only
    /// public notices mask them).
    public static func residenceViolation(
        _ rule: ResidenceRule, person: PersonID, name: String? = nil, role: CouncilRole, unit: String?, unitName: String? = nil
    ) -> RuleViolation {
        let named = name.flatMap { $0.isEmpty ? nil : $0 }
        let personZH = named.map { "\($0)（\(person)）" } ?? person
        let personEN = named.map { "\($0) (\(person))" } ?? person
        let unitLabel = unitName.flatMap { $0.isEmpty ? nil : $0 }
        let unitZH = unit.map { code in " " + (unitLabel.map { "\($0)（\(code)）" } ?? code) } ?? ""
        let unitEN = unit.map { code in " " + (unitLabel.map { "\($0) (\(code))" } ?? code) } ?? ""
        return RuleViolation(
            rule: rule.id, field: "person_id", subject: person,
            zh: "\(personZH) 不属于本议事会所在单元\(unitZH)，不能担任\(role.nameZH)（仅列席、名誉主任或外来专家、部门代表等特邀成员可来自单元之外）",
            en: "\(personEN) does not belong to the council's unit\(unitEN) and may not be its \(role.nameEN) (only the roles and ad-hoc sectors the rule names may come from outside)"
        )
    }
}
