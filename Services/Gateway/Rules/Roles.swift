/// 角色 — the roles an account holds at a unit (a grant covers the unit's subtree), and
/// what each may do there, as data (DOMAIN.md §"Who uses it"; issue 12 item 2).
///
/// A role maps to the permission names services declare per method in `Schemas/`
/// (`option (tongxin.rpc.v1.permission)`): the gateway checks the method's permission
/// against the union of the roles of the caller's grants that cover the target unit.
///
/// 三权分立 (separation of the three administrators, as MLPS 2.0 level 3 expects): the
/// system administrator (系统管理员) manages accounts and keys, the security administrator
/// (安全管理员) grants roles, the audit administrator (审计管理员) reads and verifies the audit
/// log — no role holds two of the three, and no account may hold two of the three roles
/// (``Role/conflicts(with:)``).
public enum Role: String, Sendable, CaseIterable, Codable {
    /// 县/市级管理员 — the county or city office.
    case countyAdmin = "county_admin"
    /// 镇/街道管理员 — the town office.
    case townAdmin = "town_admin"
    /// 村/社区文书 — the village or community clerk ("两委" office).
    case villageClerk = "village_clerk"
    /// 议事会主席 — the chair of a council.
    case councilChair = "council_chair"
    /// 议事会成员 — a member of a council: speaks and votes in meetings (their own ballot),
    /// rates finished cases (评事).
    case councilMember = "council_member"
    /// 监督组/村务监督委员会成员 — a member of the supervision group.
    case supervisor
    /// 评估员 — scores towns on the index (003).
    case assessor
    /// 对接系统 — a government system (12345 hotline, open-data portal) with API keys.
    case integrationClient = "integration_client"
    /// 系统管理员 — accounts, API keys, sessions, key rotation.
    case systemAdmin = "system_admin"
    /// 安全管理员 — grants of roles.
    case securityAdmin = "security_admin"
    /// 审计管理员 — the audit log.
    case auditAdmin = "audit_admin"

    /// The permissions of the role (the table is the whole policy; `RolesTests` pins it).
    public var permissions: Set<String> {
        switch self {
        case .countyAdmin:
            [GatewayPermission.membershipRead, GatewayPermission.membershipWrite, GatewayPermission.membershipRules,
             GatewayPermission.peopleSearch, GatewayPermission.piiRead,
             GatewayPermission.agendaRead, GatewayPermission.agendaWrite, GatewayPermission.agendaRules, GatewayPermission.agendaAdvance,
             GatewayPermission.sessionRead, GatewayPermission.sessionWrite, GatewayPermission.sessionRules,
             GatewayPermission.supervisionRead, GatewayPermission.supervisionWrite,
             GatewayPermission.appealsRead, GatewayPermission.changesRead, GatewayPermission.publicRead, GatewayPermission.dashboardRead]
        case .townAdmin:
            [GatewayPermission.membershipRead, GatewayPermission.membershipWrite, GatewayPermission.peopleSearch,
             GatewayPermission.piiRead,
             GatewayPermission.agendaRead, GatewayPermission.agendaWrite, GatewayPermission.agendaRules, GatewayPermission.agendaAdvance,
             GatewayPermission.sessionRead, GatewayPermission.sessionWrite, GatewayPermission.sessionRules,
             GatewayPermission.supervisionRead, GatewayPermission.supervisionWrite, GatewayPermission.supervisionProgress,
             GatewayPermission.appealsRead, GatewayPermission.changesRead, GatewayPermission.publicRead, GatewayPermission.dashboardRead]
        case .villageClerk:
            // Records meetings (check-in, opinions, paper ballots, results) and residents'
            // ratings; reports progress on the cases it is responsible for.
            [GatewayPermission.membershipRead, GatewayPermission.membershipWrite, GatewayPermission.peopleSearch,
             GatewayPermission.agendaRead, GatewayPermission.agendaWrite,
             GatewayPermission.sessionRead, GatewayPermission.sessionWrite,
             GatewayPermission.supervisionRead, GatewayPermission.supervisionProgress, GatewayPermission.supervisionFeedback,
             GatewayPermission.appealsRead, GatewayPermission.changesRead, GatewayPermission.publicRead]
        case .councilChair:
            [GatewayPermission.membershipRead, GatewayPermission.membershipWrite,
             GatewayPermission.agendaRead, GatewayPermission.agendaAdvance,
             GatewayPermission.sessionRead, GatewayPermission.sessionWrite, GatewayPermission.sessionVote,
             GatewayPermission.supervisionRead, GatewayPermission.publicRead]
        case .councilMember:
            [GatewayPermission.membershipRead, GatewayPermission.agendaRead,
             GatewayPermission.sessionRead, GatewayPermission.sessionVote,
             GatewayPermission.supervisionRead, GatewayPermission.supervisionFeedback, GatewayPermission.publicRead]
        case .supervisor:
            // 村务监督委员会: follows everything (the dashboard too), checks cases (督查).
            [GatewayPermission.membershipRead, GatewayPermission.peopleSearch,
             GatewayPermission.agendaRead, GatewayPermission.agendaAdvance,
             GatewayPermission.sessionRead, GatewayPermission.supervisionRead, GatewayPermission.supervisionCheck,
             GatewayPermission.appealsRead, GatewayPermission.changesRead, GatewayPermission.publicRead, GatewayPermission.dashboardRead]
        case .assessor:
            // Scores towns on the index, and compares them on the dashboard.
            [GatewayPermission.membershipRead, GatewayPermission.agendaRead, GatewayPermission.sessionRead,
             GatewayPermission.supervisionRead, GatewayPermission.supervisionAssess, GatewayPermission.changesRead, GatewayPermission.publicRead,
             GatewayPermission.dashboardRead]
        case .integrationClient:
            // A government system pushes its work orders (SubmitAppeal, or RecordItem with an
            // external reference), records its own acts on them (督办, 办结, 回访, 评价), follows
            // the change feed and exports open data.
            [GatewayPermission.membershipRead, GatewayPermission.agendaRead, GatewayPermission.agendaWrite,
             GatewayPermission.sessionRead, GatewayPermission.supervisionRead, GatewayPermission.appealsSubmit, GatewayPermission.appealsRead, GatewayPermission.changesRead, GatewayPermission.publicRead]
        case .systemAdmin:
            [GatewayPermission.accounts, GatewayPermission.piiRotate]
        case .securityAdmin:
            [GatewayPermission.grants]
        case .auditAdmin:
            [GatewayPermission.auditVerify, GatewayPermission.auditRead]
        }
    }

    /// The three administrators of 三权分立.
    public static let separatedAdministrators: [Role] = [.systemAdmin, .securityAdmin, .auditAdmin]

    /// Whether one account may not hold both `self` and `other`: two different roles of the
    /// three separated administrators.
    public func conflicts(with other: Role) -> Bool {
        self != other && Role.separatedAdministrators.contains(self) && Role.separatedAdministrators.contains(other)
    }
}

/// Permission names: those the services declare in `Schemas/`, and the gateway's own.
public enum GatewayPermission {
    public static let membershipRead = "membership.read"
    public static let membershipWrite = "membership.write"
    public static let membershipRules = "membership.rules"
    public static let agendaRead = "agenda.read"
    public static let agendaWrite = "agenda.write"
    public static let agendaRules = "agenda.rules"
    public static let agendaAdvance = "agenda.advance"
    public static let sessionRead = "session.read"
    public static let sessionWrite = "session.write"
    /// Cast one's own ballot, raise an objection.
    public static let sessionVote = "session.vote"
    /// Democracy days.
    public static let sessionRules = "session.rules"
    public static let supervisionRead = "supervision.read"
    public static let supervisionWrite = "supervision.write"
    /// Report progress (the responsible person only, checked by the service).
    public static let supervisionProgress = "supervision.progress"
    /// Supervision checks (督查).
    public static let supervisionCheck = "supervision.check"
    /// Residents' ratings of finished cases (评事).
    public static let supervisionFeedback = "supervision.feedback"
    /// An assessor's index scores.
    public static let supervisionAssess = "supervision.assess"
    // supervision.intake (OpenCase) belongs to the session service's own token: no role has it.
    public static let peopleSearch = "people.search"
    public static let piiRead = "pii.read"
    public static let piiRotate = "pii.rotate"
    public static let auditVerify = "audit.verify"
    public static let auditRead = "audit.read"
    /// Push work orders and record the government system's acts on them (SubmitAppeal, RecordAppealEvent).
    public static let appealsSubmit = "appeals.submit"
    /// Read an appeal's closed-loop status (GetAppeal).
    public static let appealsRead = "appeals.read"
    /// Read the change feed (the gateway's merged ListChanges and every service's kit feed).
    public static let changesRead = "changes.read"
    /// Read the county dashboard (GetCountyDashboard): the towns the caller's grants cover,
    /// each section read as the caller with that section's own read permission.
    public static let dashboardRead = "dashboard.read"
    /// Log in: the only permission of an anonymous caller besides public reads.
    public static let login = "gateway.login"
    /// Every authenticated caller: log out, ask who it is.
    public static let session = "gateway.session"
    /// Create, unlock and disable accounts, issue and revoke API keys, end sessions.
    public static let accounts = "gateway.accounts"
    /// Grant and revoke roles.
    public static let grants = "gateway.grants"
    /// Published results and public notices (公开): what an anonymous caller may read —
    /// the open-data export (ExportOpenData) and membership's ListPublicNotices.
    public static let publicRead = "public.read"

    /// What a caller without credentials holds.
    public static let anonymous: Set<String> = [login, publicRead]
}
