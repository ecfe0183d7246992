/// The agenda's stored vocabulary. Every case has an explicit code (the same number as in
/// `agenda.proto`), stored in `smallint` columns: a code is never a position in `allCases`.

/// 问题类别 — what a problem or a topic is about; the scope lists name these (DOMAIN.md §2).
public enum Category: Int, Sendable, Hashable, CaseIterable, Codable {
    case infrastructure = 1, propertyManagement, publicOrder, publicServices, land, collectiveAssets,
         socialSecurity, disputes, planning, publicWelfare, villageRules, landAcquisition, religion, other

    /// 中文名, as the lists print it.
    public var nameZH: String {
        switch self {
        case .infrastructure: "基础设施"
        case .propertyManagement: "物业管理"
        case .publicOrder: "治安秩序"
        case .publicServices: "公共服务"
        case .land: "土地"
        case .collectiveAssets: "集体三资"
        case .socialSecurity: "社会保障"
        case .disputes: "邻里纠纷"
        case .planning: "发展规划"
        case .publicWelfare: "公益事业"
        case .villageRules: "村规民约"
        case .landAcquisition: "征地拆迁"
        case .religion: "宗教事务"
        case .other: "其他"
        }
    }
}

/// 来源渠道 — where a problem was raised (DOMAIN.md §2).
public enum Channel: Int, Sendable, Hashable, CaseIterable, Codable {
    case councilMember = 1, doorToDoor, onlinePlatform, mailbox, receptionRoom, openAirMeeting, democracyDay,
         governmentHotline, residentProposal
}

/// 议题来源 — 问题台账 (004), 党委定题、政府交题、政协选题 (002), 社区提案 (003).
public enum TopicSource: Int, Sendable, Hashable, CaseIterable, Codable {
    case ledger = 1, partyCommittee, government, cppcc, residentProposal
}

/// 协商形式 (004).
public enum MeetingForm: Int, Sendable, Hashable, CaseIterable, Codable {
    /// 民主恳谈会
    case democraticTalk = 1
    /// 民主议事会
    case deliberation
    /// 决策听证会
    case hearing
    /// 村民论坛
    case villagersForum
    /// 民主评议会
    case democraticAppraisal
    /// 坝坝会
    case openAir
    /// "一对一""面对面"
    case oneToOne
}

/// 议前调研 的方式.
public enum ResearchKind: Int, Sendable, Hashable, CaseIterable, Codable {
    case siteVisit = 1, interview, feasibility
}

/// 议事方案 参与对象的身份.
public enum ParticipantRole: Int, Sendable, Hashable, CaseIterable, Codable {
    case fixedMember = 1, stakeholder, expert, department, observer
}
