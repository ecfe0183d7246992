import ArgumentParser
import Foundation
import TongxinService

// 工具令牌 — tokens signed with the deployment's secret, for tooling on the server itself.

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Tooling tokens signed with TONGXIN_AUTH_SECRET (on the server only).",
        subcommands: [Mint.self])

    struct Mint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a token signed with TONGXIN_AUTH_SECRET (HS256) for the gateway or a service.",
            discussion: """
                For the operator on the server, where .tongxin/secrets.env is: the gateway accepts
                such a token (audience gateway) as a tooling caller acting at --unit-path with the
                --permission given — how the first accounts and grants are made. Store it in a
                profile with `tongxinctl login --with-token`, or pass it in TONGXIN_TOKEN. A service
                takes one for its own audience (the restore drill reads a restored membership so).

                \(examples(
                    "set -a; source .tongxin/secrets.env; set +a",
                    "tongxinctl token mint --unit-path u331082000000 --permission gateway.accounts --ttl 600",
                    "TONGXIN_TOKEN=$(tongxinctl token mint --audience membership --unit-path u331082000000 --permission membership.read) tongxinctl unit list --gateway 127.0.0.1:7101"))
                """)
        @Option(help: "Who the token is for (its sub).") var principal = "tongxinctl"
        @Option(help: "The unit subtree it acts in.") var unitPath: UnitPathArgument
        @Option(parsing: .upToNextOption, help: "Permissions, e.g. gateway.accounts gateway.grants membership.read.") var permission: [String] = []
        @Option(help: "Lifetime in seconds (at most 12 h).") var ttl = 900
        @Option(help: "gateway, or a service's name (membership, agenda …).") var audience = "gateway"

        func validate() throws {
            guard (1...TokenAuthority.defaultMaximumLifetime).contains(Int64(ttl)) else { throw ValidationError("--ttl must be 1 s to 12 h") }
            guard !permission.isEmpty else { throw ValidationError("give at least one --permission") }
        }

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            guard let secret = environment["TONGXIN_AUTH_SECRET"], secret.utf8.count >= 32 else {
                throw CommandFailure(.usage, "TONGXIN_AUTH_SECRET must be set (at least 32 characters): source .tongxin/secrets.env on the server")
            }
            let keyID = environment["TONGXIN_AUTH_KEY_ID"].flatMap { $0.isEmpty ? nil : $0 } ?? TokenAuthority.defaultSecretKeyID
            let caller = Caller(principal: principal, unitPath: unitPath.path, permissions: Swift.Set(permission), audience: audience,
                                now: Int64(Date().timeIntervalSince1970), lifetime: Int64(ttl), issuer: "tongxinctl")
            print(TokenAuthority(secret: Array(secret.utf8), keyID: keyID, issuer: "tongxinctl").issue(caller))
        }
    }
}
