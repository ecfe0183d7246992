/// The session's stored vocabulary. Every case has an explicit code, the same number as in
/// `session.proto` (or `agenda.proto` for the meeting form), stored in `smallint` columns.

/// 会议形式 — the forms of 协商议事会议 (agenda.proto's MeetingForm, the same numbers).
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

    public var nameZH: String {
        switch self {
        case .democraticTalk: "民主恳谈会"
        case .deliberation: "民主议事会"
        case .hearing: "决策听证会"
        case .villagersForum: "村民论坛"
        case .democraticAppraisal: "民主评议会"
        case .openAir: "坝坝会"
        case .oneToOne: "一对一面对面协商"
        }
    }

    /// Residents may come and check in (counted apart from the invitees): the forms held in
    /// the open, for everyone concerned (坝坝会, 村民论坛, 听证会, 恳谈会; 004).
    public var isOpenToResidents: Bool {
        switch self {
        case .openAir, .villagersForum, .hearing, .democraticTalk: true
        case .deliberation, .democraticAppraisal, .oneToOne: false
        }
    }
}

/// What sits: a consultation, or one of the bodies of village self-government a topic
/// escalates to (Organic Law arts. 21–26).
public enum Body: Int, Sendable, Hashable, CaseIterable, Codable {
    /// 协商议事会议
    case consultation = 1
    /// 村民会议
    case villagersAssembly
    /// 村民代表会议
    case representativesMeeting

    public var nameZH: String {
        switch self {
        case .consultation: "协商议事会议"
        case .villagersAssembly: "村民会议"
        case .representativesMeeting: "村民代表会议"
        }
    }

    public var nameEN: String {
        switch self {
        case .consultation: "consultation meeting"
        case .villagersAssembly: "villagers' assembly"
        case .representativesMeeting: "villagers' representatives' meeting"
        }
    }

    /// The bodies a topic escalates to.
    public var isEscalationBody: Bool { self != .consultation }
}

public enum InviteeRole: Int, Sendable, Hashable, CaseIterable, Codable {
    /// 固定成员
    case fixedMember = 1
    /// 其他成员 (for this meeting's topics)
    case adHocMember
    /// 列席
    case observer
    /// 村民会议 / 村民代表会议 member
    case bodyMember

    /// Counts toward the quorum's member base and may vote.
    public var votes: Bool { self != .observer }
}

/// 发言立场.
public enum Position: Int, Sendable, Hashable, CaseIterable, Codable {
    case support = 1, oppose, conditional, neutral

    public var nameZH: String {
        switch self {
        case .support: "支持"
        case .oppose: "反对"
        case .conditional: "有条件支持"
        case .neutral: "中立"
        }
    }
}

public enum RoundOutcome: Int, Sendable, Hashable, CaseIterable, Codable {
    /// 达成共识
    case consensus = 1
    /// 未达成共识
    case notReached
    /// 提交村民(代表)会议
    case escalate

    public var nameZH: String {
        switch self {
        case .consensus: "达成共识"
        case .notReached: "未达成共识"
        case .escalate: "提交村民(代表)会议表决"
        }
    }
}

public enum BallotMethod: Int, Sendable, Hashable, CaseIterable, Codable {
    /// 举手/记名
    case open = 1
    /// 无记名投票
    case secret
}

public enum Choice: Int, Sendable, Hashable, CaseIterable, Codable {
    case inFavour = 1, against, abstain

    public var nameZH: String {
        switch self {
        case .inFavour: "同意"
        case .against: "反对"
        case .abstain: "弃权"
        }
    }
}

public enum ResultBasis: Int, Sendable, Hashable, CaseIterable, Codable {
    case consensus = 1, vote
}

public enum ObjectionState: Int, Sendable, Hashable, CaseIterable, Codable {
    case open = 1, dismissed, upheld
}

/// 议题在会议中的进程 — where a topic stands in the session service.
public enum TopicStage: Int, Sendable, Hashable, CaseIterable, Codable {
    /// 协商中
    case deliberating = 1
    /// 达成共识，已形成协商意见
    case resolved
    /// 已提交村民(代表)会议
    case escalated
    /// 已表决
    case decided

    public var nameZH: String {
        switch self {
        case .deliberating: "协商中"
        case .resolved: "形成协商意见"
        case .escalated: "提交村民(代表)会议"
        case .decided: "表决"
        }
    }

    public var nameEN: String {
        switch self {
        case .deliberating: "under deliberation"
        case .resolved: "resolved"
        case .escalated: "escalated"
        case .decided: "decided"
        }
    }
}
