/// 规则摘要 — a rule in words, in Chinese and English, from its own parameters (so an
/// override reads as correctly as a default): what `CompositionRule.summary` shows.
extension CompositionRule {
    public var summaryZH: String {
        let text: String = switch self {
        case .memberCount(let rule): "\(rule.base.nameZH)人数为 \(rule.range.text) 人"
        case .share(let rule): "\(rule.filter.labelZH)\(rule.threshold.descriptionZH)\(rule.base.nameZH)总数"
        case .perVillagerGroup(let rule): "每个村民小组的\(rule.filter.labelZH) \(rule.range.text) 人"
        case .roleCount(let rule): "设\(rule.role.nameZH) \(rule.range.text) 名"
        case .seatHolder(let rule): "\(rule.role.nameZH)由\(rule.post.nameZH)担任"
        case .requiredPost(let rule): "\(rule.post.nameZH)应纳入\(rule.base.nameZH)"
        case .allowedSectors(let rule): "\(rule.base.nameZH)从\(rule.sectors.map(\.nameZH).sorted().joined(separator: "、"))中产生"
        case .committeeKinExclusion(let rule):
            "\(rule.coversPartyBranch ? "村\u{201C}两委\u{201D}成员" : "村民委员会成员")及其近亲属\(rule.countsHousehold ? "（含同户人员）" : "")不得担任\(rule.base.nameZH)"
        case .householdsPerRepresentative(let rule): "村民代表按每 \(rule.households.text) 户推选 1 人"
        case .residence(let rule):
            "成员应属于本议事会所在单元；\(rule.outsideRoles.sorted { $0.code < $1.code }.map(\.nameZH).joined(separator: "、"))及\(rule.outsideAdHocSectors.map(\.nameZH).sorted().joined(separator: "、"))特邀成员可来自单元之外"
        }
        return severity == .advisory ? "\(text)（原则上/一般，指导性）" : text
    }

    public var summaryEN: String {
        let text: String = switch self {
        case .memberCount(let rule): "\(rule.range.text) \(rule.base.nameEN)"
        case .share(let rule): "\(rule.filter.labelEN): \(rule.threshold.descriptionEN) of the \(rule.base.nameEN)"
        case .perVillagerGroup(let rule): "\(rule.range.text) \(rule.filter.labelEN) from each villager group"
        case .roleCount(let rule): "\(rule.range.text) \(rule.role.nameEN)"
        case .seatHolder(let rule): "the \(rule.role.nameEN) is the \(rule.post.nameEN)"
        case .requiredPost(let rule): "the \(rule.post.nameEN) is among the \(rule.base.nameEN)"
        case .allowedSectors(let rule): "\(rule.base.nameEN) come from: \(rule.sectors.map(\.nameEN).sorted().joined(separator: ", "))"
        case .committeeKinExclusion(let rule):
            "no \(rule.coversPartyBranch ? "member of the two village committees" : "villagers' committee member") or close relative\(rule.countsHousehold ? " (household members included)" : "") among the \(rule.base.nameEN)"
        case .householdsPerRepresentative(let rule): "one villager representative per \(rule.households.text) households"
        case .residence(let rule):
            "members belong to the council's unit; from outside only: \((rule.outsideRoles.sorted { $0.code < $1.code }.map(\.nameEN) + rule.outsideAdHocSectors.map { "ad-hoc \($0.nameEN)" }.sorted()).joined(separator: ", "))"
        }
        return severity == .advisory ? "\(text) (in principle: advisory)" : text
    }
}
