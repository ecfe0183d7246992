import ArgumentParser
import Foundation
import GatewayAPI
import TongxinSchemas

// 接口密钥 — API keys of integration accounts (12345 hotline, open-data portal).

struct APIKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api-key",
        abstract: "Issue and revoke API keys of integration accounts (system administrator).",
        subcommands: [Create.self, Revoke.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue an API key (txk_…); it is shown this once and never stored in clear.",
            discussion: examples("tongxinctl api-key create hotline-12345", "tongxinctl api-key create hotline-12345 --json"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account (of kind integration).") var account: String

        func run() async throws {
            let context = try global.context()
            let key = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).createAPIKey(.init(account: account), options: gateway.options())
            }
            try context.out.show(key) {
                context.out.record([("id", .init(key.id)), ("account", .init(key.account)), ("created", .init(Format.instant(seconds: key.createdAt))),
                                    ("key", .init(key.key, .warning))])
                    + "hand the key over now: it is not shown again (revoke: tongxinctl api-key revoke \(key.id))\n"
            }
        }
    }

    struct Revoke: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke an API key (at most 5 s until every gateway refuses it).",
            discussion: examples("tongxinctl api-key revoke 0b1d6c1e-8f2a-4c59-9d3e-5a7b2c4d6e8f"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The key's id.") var id: String

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).revokeAPIKey(.init(id: id), options: gateway.options())
            }
            try context.out.show(response) { "revoked API key \(id)\n" }
        }
    }
}
