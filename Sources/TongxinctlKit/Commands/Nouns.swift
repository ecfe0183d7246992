import ArgumentParser

/// Every noun of `tongxinctl`, in the order `--help` lists them. A noun is one file of
/// `Nouns/` (its command group, verbs, choices and tables); adding one is that file plus its
/// line here — e.g. the session service's `meeting checkin`, `vote cast`, `result publish`
/// and the supervision service's `case report`, `dossier export` when they are merged.
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
        // Gateway administration and the audit log.
        AccountCommand.self, GrantCommand.self, RoleCommand.self, APIKeyCommand.self, AuditCommand.self, PIICommand.self,
        // Operations.
        HealthCommand.self, TokenCommand.self,
    ]
}
