import ArgumentParser
import Foundation
import GatewayAPI
import TongxinSchemas

// 账号 — accounts at the gateway (the system administrator's, permission gateway.accounts).

struct AccountCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "account",
        abstract: "Accounts: create, show, unlock, disable, end their sessions (system administrator).",
        subcommands: [Create.self, Show.self, Unlock.self, Disable.self, RevokeSessions.self])

    struct Kind: Choice {
        var wire: GatewayV1.AccountKind
        static let options: [ChoiceOption<GatewayV1.AccountKind>] = [
            .init("person", .person, "工作人员"),
            .init("integration", .integration, "对接系统"),
        ]
    }

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Create an account: a person who logs in with a password, or an integration (API keys only).",
            discussion: """
                A person's password (at least 12 characters) is asked for twice on a terminal, or
                read from standard input with --password-stdin. The account is seen and changed
                only by administrators whose acting unit covers its home unit.

                \(examples(
                    "tongxinctl account create wang.clerk --display-name 王文书 --home-unit u331082000000.u331082104000",
                    "printf '%s\\n' \"$PASSWORD\" | tongxinctl account create li.town --home-unit u331082000000.u331082104000 --password-stdin",
                    "tongxinctl account create hotline-12345 --kind integration --home-unit u331082000000"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account name: 1–64 letters, digits or _.@-") var name: String
        @Option(help: "The name shown (e.g. 王文书).") var displayName: String?
        @Option(help: "person or integration.") var kind = Kind(wire: .person)
        @Option(help: "The unit path whose audit chain records the account's logins; administrators above it manage the account.")
        var homeUnit: UnitPathArgument
        @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

        func run() async throws {
            let context = try global.context()
            var password = ""
            if kind.wire == .person {
                if passwordStdin {
                    password = readLine(strippingNewline: true) ?? ""
                } else {
                    guard Terminal.isTerminal(0) else {
                        throw CommandFailure(.usage, "no terminal to ask for the password: pipe it with --password-stdin")
                    }
                    password = Terminal.readSecret(prompt: "Password for \(name) 密码: ")
                    guard Terminal.readSecret(prompt: "Again 再输一次: ") == password else {
                        throw CommandFailure(.usage, "the two passwords differ")
                    }
                }
            }
            let account = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).createAccount(
                    .init(name: name, displayName: displayName ?? name, kind: kind.wire, password: password, homeUnitPath: homeUnit.path),
                    options: gateway.options())
            }
            try context.out.show(account) { AccountCommand.render(account, context.out) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show an account and its grants.", discussion: examples("tongxinctl account show wang.clerk"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account name.") var name: String

        func run() async throws {
            let context = try global.context()
            let account = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).getAccount(.init(name: name), options: gateway.options())
            }
            try context.out.show(account) { AccountCommand.render(account, context.out) }
        }
    }

    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Unlock an account locked after failed logins.", discussion: examples("tongxinctl account unlock wang.clerk"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account name.") var name: String

        func run() async throws {
            let context = try global.context()
            let account = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).unlockAccount(.init(name: name), options: gateway.options())
            }
            try context.out.show(account) { AccountCommand.render(account, context.out) }
        }
    }

    struct Disable: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Disable an account for good; its sessions end at once.", discussion: examples("tongxinctl account disable wang.clerk"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account name.") var name: String

        func run() async throws {
            let context = try global.context()
            let account = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).disableAccount(.init(name: name), options: gateway.options())
            }
            try context.out.show(account) { AccountCommand.render(account, context.out) }
        }
    }

    struct RevokeSessions: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "End every session of an account (e.g. a lost laptop); it may log in again.",
            discussion: examples("tongxinctl account revoke-sessions wang.clerk"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account name.") var name: String

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).revokeSessions(.init(account: name), options: gateway.options())
            }
            try context.out.show(response) { "ended \(response.revoked) session(s) of \(name)\n" }
        }
    }

    static func render(_ account: GatewayV1.Account, _ out: Output) -> String {
        let now = Int64(Date().timeIntervalSince1970)
        let state: Table.Cell = account.disabled
            ? .init("disabled", .bad)
            : account.lockedUntil > now ? .init("locked until \(Format.instant(seconds: account.lockedUntil))", .warning) : .init("active", .good)
        var text = out.record([
            ("account", .init(account.name)),
            ("display name", .init(account.displayName)),
            ("kind", .init(Kind.label(account.kind))),
            ("home unit", .init(account.homeUnitPath)),
            ("state", state),
        ])
        text += "\n" + (account.grants.isEmpty ? "no grants (tongxinctl grant add \(account.name) <role> <unit-path>)\n" : out.table(GrantTable.table(account.grants)))
        return text
    }
}
