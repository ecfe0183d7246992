import ArgumentParser
import Foundation
import GatewayAPI
import GatewayRules
import TongxinSchemas

// 授权 — roles granted at units (the security administrator's, permission gateway.grants).

struct GrantCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grant",
        abstract: "Grant and revoke roles at units; a grant covers the unit's subtree (security administrator).",
        subcommands: [Add.self, Remove.self, List.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Grant a role at a unit (and its subtree).",
            discussion: """
                Roles: \(RoleArgument.helpList).
                The system, security and audit administrators must be three different accounts
                (三权分立; refused with rule gateway.separation_of_duties, exit 5).

                \(examples(
                    "tongxinctl grant add wang.clerk village_clerk u331082000000.u331082104000.u331082104201",
                    "tongxinctl grant add li.town town_admin u331082000000.u331082104000"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account.") var account: String
        @Argument(help: "The role.") var role: RoleArgument
        @Argument(help: "The unit path the grant covers.") var unitPath: UnitPathArgument

        func run() async throws {
            let context = try global.context()
            let grant = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).grantRole(
                    .init(account: account, role: role.role.rawValue, unitPath: unitPath.path), options: gateway.options())
            }
            try context.out.show(grant) { context.out.table(GrantTable.table([grant])) }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Revoke a grant.",
            discussion: examples("tongxinctl grant remove wang.clerk village_clerk u331082000000.u331082104000.u331082104201"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account.") var account: String
        @Argument(help: "The role.") var role: RoleArgument
        @Argument(help: "The unit path of the grant.") var unitPath: UnitPathArgument

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).revokeGrant(
                    .init(account: account, role: role.role.rawValue, unitPath: unitPath.path), options: gateway.options())
            }
            try context.out.show(response) { "revoked \(role.role.rawValue) of \(account) at \(unitPath.path)\n" }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List an account's grants.", discussion: examples("tongxinctl grant list wang.clerk"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The account.") var account: String

        func run() async throws {
            let context = try global.context()
            let found = try await context.withGateway { gateway in
                try await GatewayV1.Gateway.Client(gateway.rpc).getAccount(.init(name: account), options: gateway.options())
            }
            try context.out.list(found.grants) { context.out.table(GrantTable.table(found.grants)) }
        }
    }
}

/// A role name as the gateway spells it (`village_clerk`), or its Chinese title.
struct RoleArgument: ExpressibleByArgument, Sendable {
    let role: Role

    init?(argument: String) {
        guard let role = Role(rawValue: argument.replacingOccurrences(of: "-", with: "_"))
            ?? Role.allCases.first(where: { RoleArgument.title($0) == argument }) else { return nil }
        self.role = role
    }

    static var allValueStrings: [String] { Role.allCases.map(\.rawValue) }
    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }
    static var helpList: String { Role.allCases.map { "\($0.rawValue) (\(title($0)))" }.joined(separator: ", ") }

    static func title(_ role: Role) -> String {
        switch role {
        case .countyAdmin: "县级管理员"
        case .townAdmin: "镇街管理员"
        case .villageClerk: "村社文书"
        case .councilChair: "议事会主席"
        case .councilMember: "议事会成员"
        case .supervisor: "监督员"
        case .assessor: "评估员"
        case .integrationClient: "对接系统"
        case .systemAdmin: "系统管理员"
        case .securityAdmin: "安全管理员"
        case .auditAdmin: "审计管理员"
        }
    }
}

enum GrantTable {
    static func table(_ grants: [GatewayV1.Grant]) -> Table {
        var table = Table([.init("ACCOUNT"), .init("ROLE"), .init("UNIT"), .init("GRANTED"), .init("BY")])
        for grant in grants {
            let title = Role(rawValue: grant.role).map { " " + RoleArgument.title($0) } ?? ""
            table.append([.init(grant.account), .init(grant.role + title), .init(grant.unitPath),
                          .init(Format.instant(seconds: grant.grantedAt)), .init(Format.text(grant.grantedBy))])
        }
        return table
    }
}

// 角色 — what each role may do.

struct RoleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "role",
        abstract: "The roles a grant can give and their permissions.",
        subcommands: [List.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List the roles and the permissions each gives (the gateway's table, GatewayRules).",
            discussion: examples("tongxinctl role list", "tongxinctl role list --json"))
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let out = Output(json: global.json, environment: ProcessInfo.processInfo.environment)
            try out.value(.array(Role.allCases.map { role in
                .object([("role", .string(role.rawValue)), ("title", .string(RoleArgument.title(role))),
                         ("permissions", .array(role.permissions.sorted().map(JSONValue.string)))])
            })) {
                var table = Table([.init("ROLE"), .init("TITLE"), .init("PERMISSIONS")])
                for role in Role.allCases {
                    table.append([.init(role.rawValue), .init(RoleArgument.title(role)), .init(role.permissions.sorted().joined(separator: " "))])
                }
                return out.table(table)
            }
        }
    }
}
