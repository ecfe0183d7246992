import ArgumentParser
import Foundation
import HealthAPI
import TongxinSchemas

// 健康 — is the gateway (or, with --gateway, any service's port) serving?

struct HealthCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "health",
        abstract: "Check the gateway and its dependencies.",
        subcommands: [Check.self], defaultSubcommand: Check.self)

    struct Check: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check the gateway and its dependencies; exit 1 unless serving (no login needed).",
            discussion: """
                Health is open at every port, so on the server itself the same command checks one
                service (--gateway 127.0.0.1:7101 for membership).

                \(examples("tongxinctl health check", "tongxinctl health check --gateway 127.0.0.1:7101 --json"))
                """)
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway(authenticated: false) { gateway in
                try await HealthV1.Health.Client(gateway.rpc).check(.init(), options: gateway.options(authenticated: false))
            }
            try context.out.show(response) {
                var table = Table([.init("NAME"), .init("STATUS"), .init("DETAIL")])
                table.append([.init("\(response.service) \(response.version)"), status(response.status), .init("")])
                for dependency in response.dependencies {
                    table.append([.init("  " + dependency.name), status(dependency.status), .init(dependency.detail)])
                }
                return context.out.table(table)
            }
            if response.status != .serving { throw ExitCode(ExitKind.negative.rawValue) }
        }

        func status(_ status: HealthV1.ServingStatus) -> Table.Cell {
            switch status {
            case .serving: .init("SERVING", .good)
            case .notServing: .init("NOT_SERVING", .bad)
            default: .init("UNKNOWN", .warning)
            }
        }
    }
}
