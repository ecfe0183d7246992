import ArgumentParser
import AuditAPI
import Foundation
import HealthAPI
import MembershipAPI
import TongxinRPC
import TongxinSchemas
import TongxinService

/// `tongxinctl`: the administrators' command-line client — health of a service, caller
/// tokens for administrators, bulk import of the unit tree, and composition checks.
///
/// Calls that need a caller take `--token` (or TONGXIN_TOKEN); without one, a token is
/// minted from TONGXIN_AUTH_SECRET for `--principal` and `--unit-path`, so an operator on
/// the server itself can act without the gateway.
@main
struct Tongxinctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tongxinctl",
        abstract: "Administer a Tongxin deployment.",
        subcommands: [Health.self, Token.self, ImportUnits.self, ListUnits.self, FindPeople.self, CheckComposition.self, PII.self, Audit.self]
    )

    /// As ArgumentParser's own `main()`, plus `TONGXINCTL_PARSE_ONLY=1`: parse and validate
    /// the arguments, print the subcommand's name and exit 0 without running it (or print
    /// the parse error and exit 64). `Scripts/check_docs_cli.sh` checks every `tongxinctl`
    /// command line in the docs this way, so they cannot drift from the code.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if ProcessInfo.processInfo.environment["TONGXINCTL_PARSE_ONLY"] == "1" {
                print("parses: \(type(of: command).configuration.commandName ?? "\(type(of: command))")")
                return
            }
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: error)
        }
    }
}

/// Where a service listens and who is calling.
struct Connection: ParsableArguments {
    @Option(help: "Service host.") var host = "127.0.0.1"
    @Option(help: "Service RPC port (membership: 7101).") var port = 7101
    @Option(help: "Caller token (default: $TONGXIN_TOKEN, or one minted from $TONGXIN_AUTH_SECRET).") var token: String?
    @Option(help: "Principal of a minted token.") var principal = "tongxinctl"
    @Option(help: "Unit scope (ltree path) of a minted token, e.g. u330100000000.") var unitPath: String?
    @Option(help: "Audience of a minted token: the service called (its name).") var audience = "membership"
    @Option(parsing: .upToNextOption, help: "Permissions of a minted token.") var permission: [String] = ["membership.read", "membership.write", "membership.rules"]

    func withClient<T>(_ body: (RPCClient, CallOptions) async throws -> T) async throws -> T {
        let client = RPCClient(configuration: .init(host: host, port: port, connectTimeout: .seconds(3)))
        defer { Task { await client.close() } }
        var metadata = Metadata()
        if let bearer = try callerToken() {
            metadata.authorization = "Bearer " + bearer
        }
        return try await body(client, CallOptions(timeout: .seconds(30), metadata: metadata))
    }

    func callerToken() throws -> String? {
        if let token { return token }
        if let token = ProcessInfo.processInfo.environment["TONGXIN_TOKEN"], !token.isEmpty { return token }
        guard let secret = ProcessInfo.processInfo.environment["TONGXIN_AUTH_SECRET"], let unitPath else { return nil }
        let caller = Caller(principal: principal, unitPath: unitPath, permissions: Set(permission), audience: audience,
                            now: Int64(Date().timeIntervalSince1970), lifetime: 900, issuer: "tongxinctl")
        return TongxinctlKeys.authority(secret: secret).issue(caller)
    }
}

struct Health: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Check a service and its dependencies; exit 1 unless serving.")
    @OptionGroup var connection: Connection

    func run() async throws {
        let response = try await connection.withClient { client, options in
            try await HealthV1.Health.Client(client).check(HealthV1.CheckRequest(), options: options)
        }
        print("\(response.service) \(response.version): \(response.status)")
        for dependency in response.dependencies {
            print("  \(dependency.name): \(dependency.status)\(dependency.detail.isEmpty ? "" : " (\(dependency.detail))")")
        }
        if response.status != .serving { throw ExitCode(1) }
    }
}

struct Token: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Issue a caller token (needs TONGXIN_AUTH_SECRET).")
    @Option(help: "Who the token is for.") var principal: String
    @Option(help: "The unit subtree the caller may act in (ltree path).") var unitPath: String
    @Option(parsing: .upToNextOption, help: "Permissions, e.g. membership.read membership.write pii.read.") var permission: [String] = []
    @Option(help: "Lifetime in seconds (at most 12 h, what services accept).") var ttl = 3600
    @Option(help: "The service the token is for (its name, e.g. membership), or gateway.") var audience = "membership"

    func run() throws {
        guard let secret = ProcessInfo.processInfo.environment["TONGXIN_AUTH_SECRET"], secret.utf8.count >= 32 else {
            throw ValidationError("TONGXIN_AUTH_SECRET must be set (at least 32 characters)")
        }
        guard (1...TokenAuthority.defaultMaximumLifetime).contains(Int64(ttl)) else {
            throw ValidationError("--ttl must be 1 s to 12 h")
        }
        let caller = Caller(principal: principal, unitPath: unitPath, permissions: Set(permission), audience: audience,
                            now: Int64(Date().timeIntervalSince1970), lifetime: Int64(ttl), issuer: "tongxinctl")
        print(TongxinctlKeys.authority(secret: secret).issue(caller))
    }
}

struct ImportUnits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-units",
        abstract: "Import units from CSV (code,name,parent code); all rows or none.")
    @OptionGroup var connection: Connection
    @Argument(help: "The CSV file.") var file: String
    @Flag(help: "Check every row and report, writing nothing.") var dryRun = false

    func run() async throws {
        let csv = try String(contentsOfFile: file, encoding: .utf8)
        let response = try await connection.withClient { client, options in
            try await MembershipV1.Membership.Client(client).importUnits(.init(csv: csv, dryRun: dryRun), options: options)
        }
        print("created \(response.created), unchanged \(response.unchanged), committed \(response.committed)")
        for error in response.errors {
            print("  line \(error.line) \(error.divisionCode) \(error.field): \(error.message?.zh ?? "") / \(error.message?.en ?? error.reason)")
        }
        if !response.errors.isEmpty { throw ExitCode(1) }
    }
}

struct ListUnits: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list-units", abstract: "List the unit tree under a unit.")
    @OptionGroup var connection: Connection
    @Option(help: "Division code of the root (default: the caller's scope).") var root: String?

    func run() async throws {
        try await connection.withClient { client, options in
            var token = ""
            repeat {
                let response = try await MembershipV1.Membership.Client(client).listUnits(.init(
                    root: root.map { CommonV1.UnitRef(divisionCode: $0) },
                    page: CommonV1.PageRequest(pageSize: 500, pageToken: token)), options: options)
                for unit in response.units {
                    let depth = unit.path.split(separator: ".").count - 1
                    print(String(repeating: "  ", count: depth) + "\(unit.divisionCode) \(unit.name)\(unit.retired ? " (retired)" : "")")
                }
                token = response.page?.nextPageToken ?? ""
            } while !token.isEmpty
        }
    }
}

struct FindPeople: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "find-people",
        abstract: "Find people by name prefix, phone or ID number (numbers need people.search or pii.read; shown unmasked with pii.read).")
    @OptionGroup var connection: Connection
    @Option(help: "Division code of the unit to search under (default: the caller's scope).") var unit: String?
    @Option(help: "Name prefix.") var namePrefix: String?
    @Option(help: "Mobile phone number (audited).") var phone: String?
    @Option(help: "Resident ID number (audited).") var idNumber: String?

    func run() async throws {
        try await connection.withClient { client, options in
            var token = ""
            repeat {
                let response = try await MembershipV1.Membership.Client(client).findPeople(.init(
                    unit: unit.map { CommonV1.UnitRef(divisionCode: $0) }, phone: phone ?? "", idNumber: idNumber ?? "",
                    namePrefix: namePrefix ?? "", page: CommonV1.PageRequest(pageSize: 500, pageToken: token)), options: options)
                for person in response.people {
                    print("\(person.id) \(person.name) \(person.phone) \(person.idNumber) \(person.household)\(person.partyMember ? " party" : "")\(person.sector.isEmpty ? "" : " " + person.sector)")
                }
                token = response.page?.nextPageToken ?? ""
            } while !token.isEmpty
        }
    }
}

struct CheckComposition: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-composition", abstract: "Check a council against its composition rules; exit 1 when a binding rule is broken (advisory ones are shown, exit 0).")
    @OptionGroup var connection: Connection
    @Argument(help: "The council id.") var councilID: String
    @Flag(help: "Count nominees as if confirmed.") var includeNominees = false

    func run() async throws {
        let response = try await connection.withClient { client, options in
            try await MembershipV1.Membership.Client(client).checkComposition(
                .init(councilId: councilID, includeNominees: includeNominees), options: options)
        }
        let verdict = response.satisfied ? "satisfied" : response.bindingSatisfied ? "satisfied but for advisory rules" : "violated"
        print("\(verdict) (\(response.countedMembers) members)\(response.violations.isEmpty ? "" : ":")")
        for violation in response.violations {
            var figures = ["count \(violation.count)"]
            if violation.of != 0 { figures.append("of \(violation.of)") }
            if let minimum = violation.minimum { figures.append("minimum \(minimum.value)") }
            if let maximum = violation.maximum { figures.append("maximum \(maximum.value)") }
            if !violation.subject.isEmpty { figures.append("subject \(violation.subject)") }
            let severity = violation.severity == .advisory ? "advisory" : "binding"
            print("  \(violation.ruleId) [\(severity); \(figures.joined(separator: ", "))]: \(violation.message?.zh ?? "") / \(violation.message?.en ?? "")")
        }
        if !response.bindingSatisfied { throw ExitCode(1) }
    }
}

/// The HMAC key tongxinctl signs with: `TONGXIN_AUTH_SECRET` under `TONGXIN_AUTH_KEY_ID`
/// (default `hs1`), the same id the services are configured with.
enum TongxinctlKeys {
    static func authority(secret: String) -> TokenAuthority {
        let keyID = ProcessInfo.processInfo.environment["TONGXIN_AUTH_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 }
        return TokenAuthority(secret: Array(secret.utf8), keyID: keyID ?? TokenAuthority.defaultSecretKeyID, issuer: "tongxinctl")
    }
}

/// `tongxinctl pii rotate` — 密钥轮换: after TONGXIN_PII_KEY was replaced (the old key moved
/// to TONGXIN_PII_OLD_KEYS and the services restarted), re-encrypts every phone and ID
/// number of a subtree under the new key, batch after batch, then tells the operator the old
/// key may be dropped. Needs a token with `pii.rotate` (`--permission pii.rotate`).
struct PII: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pii", abstract: "Personal data administration.", subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt phone and ID numbers under the current PII key (RotatePIIKey).")
        @OptionGroup var connection: Connection
        @Option(help: "Division code of the subtree's root (default: the caller's scope).") var unit: String?
        @Option(help: "People per call (1–1000).") var batchSize = 200

        func run() async throws {
            try await connection.withClient { client, options in
                let api = MembershipV1.Membership.Client(client)
                var total: Int64 = 0
                while true {
                    let response = try await api.rotatePIIKey(
                        .init(unit: unit.map { CommonV1.UnitRef(divisionCode: $0) }, batchSize: Int32(batchSize)), options: options)
                    total += response.rewrapped
                    print("key \(response.keyId): re-encrypted \(total), remaining \(response.remaining)")
                    if response.remaining == 0 || response.rewrapped == 0 { break }
                }
            }
        }
    }
}

/// `tongxinctl audit verify` — recomputes the audit chains inside the caller's subtree
/// (VerifyAuditChain, permission `audit.verify`) and prints one line per chain; exit 1
/// unless every chain is INTACT. Used after a restore (Scripts/restore.sh, the drill).
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "Audit log administration.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify the audit chains inside the caller's subtree; exit 1 unless every chain is intact.")
        @OptionGroup var connection: Connection
        @Option(help: "One chain (county.town path, e.g. u330100000000.u330102001000); default: every chain in scope.") var chain: String?

        func run() async throws {
            let response = try await connection.withClient { client, options in
                try await AuditV1.Audit.Client(client).verifyAuditChain(.init(chain: chain ?? ""), options: options)
            }
            var intact = 0
            for report in response.chains {
                let verdict = switch report.verdict {
                case .intact: "INTACT"
                case .alteredEntry: "ALTERED_ENTRY"
                case .missingEntry: "MISSING_ENTRY"
                case .tailTruncated: "TAIL_TRUNCATED"
                case .chainRewritten: "CHAIN_REWRITTEN"
                default: "UNKNOWN(\(report.verdict))"
                }
                print("\(report.chain): \(verdict) (entries \(report.lastSeq), head \(report.headSeq), checkpoints checked \(report.checkpointsChecked))"
                      + (report.detail.isEmpty ? "" : " \(report.detail)"))
                if report.verdict == .intact { intact += 1 }
            }
            print("\(intact) of \(response.chains.count) chains intact")
            if intact != response.chains.count { throw ExitCode(1) }
        }
    }
}
