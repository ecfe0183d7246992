import ArgumentParser

/// Every noun of `tongxinctl`, in the order `--help` lists them. A noun is one file of
/// `Nouns/` (its command group, verbs, choices and tables); adding one is that file plus its
/// line here. A noun that two services share keeps one name: `meeting` (agenda's plan,
/// session's sitting), `objection` (membership's notice, session's result).
enum Nouns {
    static let all: [any ParsableCommand.Type] = [
        // Sessions and profiles.
        Login.self, Logout.self, WhoAmI.self, ProfileCommand.self,
        // Membership: who deliberates.
        UnitCommand.self, PersonCommand.self, CouncilCommand.self, Member.self, RuleCommand.self,
        NoticeCommand.self, ObjectionCommand.self, ElectionCommand.self,
        // Agenda: what is deliberated.
        LedgerCommand.self, ScopeCommand.self, TopicCommand.self, ThresholdCommand.self, ResearchCommand.self,
        MeetingCommand.self, AnnualPlanCommand.self,
        // Session: how it is deliberated.
        DemocracyDayCommand.self, OpinionCommand.self, RoundCommand.self, VoteCommand.self, ResultCommand.self, MinutesCommand.self,
        // Supervision: what happens after.
        CaseCommand.self, ReportCommand.self, FeedbackCommand.self, WarningCommand.self, QuarterlyReportCommand.self,
        ThreeZerosCommand.self, IndexCommand.self, DossierCommand.self, DashboardCommand.self,
        // Government integration.
        AppealCommand.self, ChangesCommand.self, OpenDataCommand.self,
        // Gateway administration and the audit log.
        AccountCommand.self, GrantCommand.self, RoleCommand.self, APIKeyCommand.self, AuditCommand.self, PIICommand.self,
        // Operations.
        HealthCommand.self, TokenCommand.self,
    ]
}
