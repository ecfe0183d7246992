import Foundation
import MembershipCore
import MembershipRules
import TongxinService

/// `tongxin-membership`: the membership service (谁来协商 — units, people, councils,
/// composition rules, public notice, terms). All logic lives in MembershipCore; this
/// executable only reads configuration and runs it (ServiceRunner).
///
/// Besides the variables of `ServiceConfiguration`, it reads
/// TONGXIN_MEMBERSHIP_RULES_FILE: a JSON file of deployment-wide composition rules
/// overriding the seeds' defaults per council kind (DOMAIN.md principle 8), and
/// TONGXIN_MEMBERSHIP_NOTICE_DAYS / TONGXIN_MEMBERSHIP_HOLIDAYS_FILE / TONGXIN_MEMBERSHIP_TIME_ZONE
/// (`NoticeSettings`), and TONGXIN_MEMBERSHIP_TERM_YEARS (`TermLengths`).
@main
struct MembershipMain {
    static func main() async {
        await ServiceRunner.main(
            service: "membership", defaultPort: 7101, defaultMetricsPort: 9101,
            migrations: { try MembershipMigrations.all() }
        ) { context in
            guard let pool = context.pool else {
                throw ConfigurationError(variable: "TONGXIN_MEMBERSHIP_DATABASE_URL", problem: "must be set")
            }
            guard let vault = context.vault else {
                throw ConfigurationError(variable: "TONGXIN_PII_KEY and TONGXIN_PII_HASH_KEY", problem: "must be set")
            }
            var rules = CompositionDefaults()
            if let path = ProcessInfo.processInfo.environment["TONGXIN_MEMBERSHIP_RULES_FILE"], !path.isEmpty {
                rules = try CompositionDefaults(json: try Data(contentsOf: URL(fileURLWithPath: path)))
            }
            let environment = MembershipEnvironment(
                pool: pool, tokens: context.tokens, vault: vault, clock: context.clock, rules: rules,
                notice: try NoticeSettings.fromEnvironment(ProcessInfo.processInfo.environment),
                terms: try TermLengths.fromEnvironment(ProcessInfo.processInfo.environment),
                logger: context.logger
            )
            return [MembershipService(environment: environment)]
        }
    }
}
