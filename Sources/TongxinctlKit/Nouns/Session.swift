import ArgumentParser
import Foundation
import GatewayAPI
import TongxinRPC
import TongxinSchemas
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// 登录 — login, logout, whoami and the profiles that keep sessions apart.

struct Login: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Log in at the gateway and keep the session in the profile (mode 0600).",
        discussion: """
            Asks for the password without echo (or reads it from standard input with
            --password-stdin). The profile remembers the gateway, the acting unit and the
            session (8 h at most, ended after 15 min without a call by default), so later
            commands need neither. Several profiles keep deployments apart.

            --with-token stores a token read from standard input instead of logging in (an
            API key, or a tooling token from `tongxinctl token mint` on the server); it is
            checked with WhoAmI first.

            \(examples(
                "tongxinctl login --gateway 10.0.0.5:7100 --account zhang.san",
                "tongxinctl login --profile county-test --gateway 127.0.0.1:7100 --account zhang.san",
                "printf '%s\\n' \"$PASSWORD\" | tongxinctl login --account zhang.san --password-stdin",
                "tongxinctl token mint --unit-path u331082000000 --permission gateway.accounts gateway.grants | tongxinctl login --profile bootstrap --with-token"))
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: "The account name (asked for on a terminal when absent).") var account: String?
    @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false
    @Flag(help: "Store a token read from standard input instead of logging in with a password.") var withToken = false

    func validate() throws {
        if withToken && (passwordStdin || account != nil) {
            throw ValidationError("--with-token takes neither --account nor --password-stdin")
        }
    }

    func run() async throws {
        let context = try global.context()
        let settings = context.settings
        if withToken {
            guard let token = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces), !token.isEmpty else {
                throw CommandFailure(.usage, "no token on standard input")
            }
            let who = try await checkedWhoAmI(context: context, token: token)
            try context.store.update { file in
                var profile = file.profiles[settings.profileName] ?? Profile()
                profile.gateway = settings.gateway
                profile.token = token
                profile.account = who.account
                profile.expiresAt = nil
                if let unit = global.actingUnit { profile.actingUnit = unit.path }
                file.profiles[settings.profileName] = profile
                if file.current == nil { file.current = settings.profileName }
            }
            try report(context: context, account: who.account, expiresAt: nil, grants: who.grants)
            return
        }
        let name: String
        if let account {
            name = account
        } else {
            guard Terminal.isTerminal(0) else { throw CommandFailure(.usage, "--account is required when standard input is not a terminal") }
            FileHandle.standardError.write(Data("Account 账号: ".utf8))
            name = readLine(strippingNewline: true)?.trimmingCharacters(in: .whitespaces) ?? ""
        }
        guard !name.isEmpty else { throw CommandFailure(.usage, "no account name") }
        let password: String
        if passwordStdin {
            password = readLine(strippingNewline: true) ?? ""
        } else {
            guard Terminal.isTerminal(0) else {
                throw CommandFailure(.usage, "no terminal to ask for the password: pipe it with --password-stdin")
            }
            password = Terminal.readSecret(prompt: "Password 密码: ")
        }
        guard !password.isEmpty else { throw CommandFailure(.usage, "no password") }
        let session = try await context.withGateway(authenticated: false) { gateway in
            try await GatewayV1.Gateway.Client(gateway.rpc).login(.init(account: name, password: password), options: gateway.options(authenticated: false))
        }
        try context.store.update { file in
            var profile = file.profiles[settings.profileName] ?? Profile()
            profile.gateway = settings.gateway
            profile.token = session.sessionToken
            profile.account = name
            profile.expiresAt = session.expiresAt
            if let unit = global.actingUnit { profile.actingUnit = unit.path }
            file.profiles[settings.profileName] = profile
            if file.current == nil { file.current = settings.profileName }
        }
        try report(context: context, account: name, expiresAt: session.expiresAt, grants: session.grants)
    }

    private func checkedWhoAmI(context: CommandContext, token: String) async throws -> GatewayV1.WhoAmIResponse {
        let gateway = try GatewayClient(address: context.settings.gateway, token: token, actingUnit: context.settings.actingUnit)
        do {
            let who = try await GatewayV1.Gateway.Client(gateway.rpc).whoAmI(.init(), options: gateway.options())
            await gateway.close()
            return who
        } catch let error as RPCError {
            await gateway.close()
            throw CallFailure(error: error, gateway: context.settings.gateway, hint: "the token was not stored")
        }
    }

    private func report(context: CommandContext, account: String, expiresAt: Int64?, grants: [GatewayV1.Grant]) throws {
        let settings = context.settings
        try context.out.value(
            .object([
                ("profile", .string(settings.profileName)), ("gateway", .string(settings.gateway)), ("account", .string(account)),
                ("expires_at", expiresAt.map { .int($0) } ?? .null), ("grants", .array(try grants.map(ProtoJSON.encode))),
            ])
        ) {
            var text = "logged in as \(account) at \(settings.gateway) (profile \(settings.profileName))"
            if let expiresAt { text += ", session until \(Format.instant(seconds: expiresAt))" }
            text += "\n"
            if !grants.isEmpty { text += "\n" + context.out.table(GrantTable.table(grants)) }
            return text
        }
    }
}

struct Logout: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "End the profile's session at the gateway and forget its token.",
        discussion: examples("tongxinctl logout", "tongxinctl logout --profile county-test"))

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = try global.context()
        let name = context.settings.profileName
        guard let profile = context.file.profiles[name], profile.token != nil else {
            try context.out.value(.object([("profile", .string(name)), ("logged_out", .bool(false))])) { "profile \(name) holds no session\n" }
            return
        }
        var remark = ""
        if profile.token?.hasPrefix("txs_") ?? false, context.settings.tokenSource?.hasPrefix("profile") ?? false {
            do {
                _ = try await context.withGateway { gateway in
                    try await GatewayV1.Gateway.Client(gateway.rpc).logout(.init(), options: gateway.options())
                }
            } catch let failure as CallFailure where failure.error.code == .unauthenticated {
                remark = " (the session had already ended)"
            } catch let failure as CallFailure where failure.error.code == .unavailable {
                remark = " (the gateway was unreachable; the session ends by itself at its expiry)"
            }
        }
        try context.store.update { file in
            file.profiles[name]?.token = nil
            file.profiles[name]?.expiresAt = nil
        }
        try context.out.value(.object([("profile", .string(name)), ("logged_out", .bool(true))])) {
            "logged out of profile \(name)\(remark)\n"
        }
    }
}

struct WhoAmI: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "whoami",
        abstract: "Show the account, the unit calls act for, its permissions there and the grants.",
        discussion: examples("tongxinctl whoami", "tongxinctl whoami --acting-unit u331082000000.u331082104000 --json"))

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let context = try global.context()
        let who = try await context.withGateway { gateway in
            try await GatewayV1.Gateway.Client(gateway.rpc).whoAmI(.init(), options: gateway.options())
        }
        try context.out.show(who) {
            var text = context.out.record([
                ("account", .init(who.account)),
                ("acting for", .init(who.unitPath)),
                ("permissions", .init(who.permissions.joined(separator: " "))),
                ("profile", .init(context.settings.profileName)),
                ("gateway", .init(context.settings.gateway)),
            ])
            if !who.grants.isEmpty { text += "\n" + context.out.table(GrantTable.table(who.grants)) }
            return text
        }
    }
}

/// 配置 — the profiles: several gateways (county test, county production) and sessions.
struct ProfileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "profile",
        abstract: "Manage profiles: a gateway, an acting unit and a session each.",
        subcommands: [List.self, Show.self, Use.self, SetCommand.self, Remove.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the profiles (* marks the current one).", discussion: examples("tongxinctl profile list"))
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try global.context()
            let now = Int64(Date().timeIntervalSince1970)
            let names = context.file.profiles.keys.sorted()
            try context.out.value(.array(names.map { name in
                let profile = context.file.profiles[name]!
                return .object([
                    ("name", .string(name)), ("current", .bool(name == context.settings.profileName)),
                    ("gateway", profile.gateway.map(JSONValue.string) ?? .null),
                    ("acting_unit", profile.actingUnit.map(JSONValue.string) ?? .null),
                    ("account", profile.account.map(JSONValue.string) ?? .null),
                    ("logged_in", .bool(profile.token != nil && (profile.expiresAt ?? .max) > now)),
                    ("expires_at", profile.expiresAt.map { .int($0) } ?? .null),
                ])
            })) {
                var table = Table([.init(""), .init("PROFILE"), .init("GATEWAY"), .init("ACCOUNT"), .init("ACTING UNIT"), .init("SESSION")])
                for name in names {
                    let profile = context.file.profiles[name]!
                    let session: Table.Cell = if profile.token == nil {
                        .init("none", .neutral)
                    } else if let expiresAt = profile.expiresAt {
                        expiresAt > now ? .init("until \(Format.instant(seconds: expiresAt))", .good) : .init("ended", .bad)
                    } else {
                        .init("token", .good)
                    }
                    table.append([.init(name == context.settings.profileName ? "*" : ""), .init(name),
                                  .init(profile.gateway ?? Settings.defaultGateway), .init(profile.account ?? "—"),
                                  .init(profile.actingUnit ?? "—"), session])
                }
                return context.out.table(table) + (names.isEmpty ? "no profiles yet: tongxinctl login\n" : "")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show the settings a command would use now, and where each comes from.",
            discussion: examples("tongxinctl profile show", "TONGXIN_PROFILE=county-test tongxinctl profile show"))
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try global.context()
            let settings = context.settings
            try context.out.value(.object([
                ("profile", .string(settings.profileName)), ("file", .string(context.store.path)),
                ("gateway", .string(settings.gateway)), ("acting_unit", settings.actingUnit.map(JSONValue.string) ?? .null),
                ("token_source", settings.tokenSource.map(JSONValue.string) ?? .null),
                ("expires_at", settings.expiresAt.map { .int($0) } ?? .null),
            ])) {
                context.out.record([
                    ("profile", .init(settings.profileName)),
                    ("file", .init(context.store.path)),
                    ("gateway", .init(settings.gateway)),
                    ("acting unit", .init(settings.actingUnit ?? "— (the unit of your grants)")),
                    ("token", .init(settings.tokenSource ?? "none: tongxinctl login")),
                    ("session until", .init(settings.expiresAt.map { Format.instant(seconds: $0) } ?? "—")),
                ])
            }
        }
    }

    struct Use: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a profile the current one (used when --profile and TONGXIN_PROFILE are absent).",
            discussion: examples("tongxinctl profile use county-test"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The profile.") var name: String

        func run() async throws {
            let context = try global.context()
            try context.store.update { file in
                if file.profiles[name] == nil { file.profiles[name] = Profile() }
                file.current = name
            }
            try context.out.value(.object([("current", .string(name))])) { "current profile: \(name)\n" }
        }
    }

    struct SetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set",
            abstract: "Store --gateway and --acting-unit in the profile.",
            discussion: examples(
                "tongxinctl profile set --profile county-prod --gateway 10.0.0.5:7100",
                "tongxinctl profile set --acting-unit u331082000000.u331082104000",
                "tongxinctl profile set --clear-acting-unit"))
        @OptionGroup var global: GlobalOptions
        @Flag(help: "Forget the profile's acting unit.") var clearActingUnit = false

        func validate() throws {
            if global.gateway == nil && global.actingUnit == nil && !clearActingUnit {
                throw ValidationError("give --gateway, --acting-unit or --clear-acting-unit")
            }
            if let gateway = global.gateway, Settings.address(gateway) == nil {
                throw ValidationError("--gateway must be host:port")
            }
        }

        func run() async throws {
            let context = try global.context()
            let name = context.settings.profileName
            try context.store.update { file in
                var profile = file.profiles[name] ?? Profile()
                if let gateway = global.gateway { profile.gateway = gateway }
                if let unit = global.actingUnit { profile.actingUnit = unit.path }
                if clearActingUnit { profile.actingUnit = nil }
                file.profiles[name] = profile
            }
            let profile = try context.store.load().profiles[name] ?? Profile()
            try context.out.value(.object([
                ("profile", .string(name)), ("gateway", profile.gateway.map(JSONValue.string) ?? .null),
                ("acting_unit", profile.actingUnit.map(JSONValue.string) ?? .null),
            ])) {
                "profile \(name): gateway \(profile.gateway ?? Settings.defaultGateway), acting unit \(profile.actingUnit ?? "—")\n"
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Forget a profile and its token (log out first to end the session at the gateway).",
            discussion: examples("tongxinctl profile remove county-test"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The profile.") var name: String

        func run() async throws {
            let context = try global.context()
            guard context.file.profiles[name] != nil else { throw CommandFailure(.notFound, "no profile \(name)") }
            try context.store.update { file in
                file.profiles[name] = nil
                if file.current == name { file.current = nil }
            }
            try context.out.value(.object([("removed", .string(name))])) { "removed profile \(name)\n" }
        }
    }
}

extension Terminal {
    /// Reads a line from the terminal without echoing it.
    static func readSecret(prompt: String) -> String {
        FileHandle.standardError.write(Data(prompt.utf8))
        var original = termios()
        let hasTerminal = tcgetattr(0, &original) == 0
        if hasTerminal {
            var silent = original
            silent.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(0, TCSAFLUSH, &silent)
        }
        let line = readLine(strippingNewline: true) ?? ""
        if hasTerminal {
            tcsetattr(0, TCSAFLUSH, &original)
            FileHandle.standardError.write(Data("\n".utf8))
        }
        return line
    }
}
