import ArgumentParser
import AuditAPI
import Foundation
import TongxinSchemas

// 审计 — verification of the hash-chained audit log (the audit administrator's, audit.verify).

struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Verify the audit log (audit administrator).",
        subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Verify every audit chain in the acting unit's subtree; exit 1 unless all are intact.",
            discussion: """
                Recomputes each chain (one per county and town), compares it with its head and its
                keyed checkpoints, and prints one row per chain: INTACT, ALTERED_ENTRY,
                MISSING_ENTRY, TAIL_TRUNCATED or CHAIN_REWRITTEN (see docs/operations.md).

                \(examples(
                    "tongxinctl audit verify",
                    "tongxinctl audit verify --chain u331082000000.u331082104000 --json"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "One chain (county.town path); default: every chain in scope.") var chain: UnitPathArgument?

        func run() async throws {
            let context = try global.context()
            let response = try await context.withGateway { gateway in
                try await AuditV1.Audit.Client(gateway.rpc).verifyAuditChain(.init(chain: chain?.path ?? ""), options: gateway.options())
            }
            let intact = response.chains.filter { $0.verdict == .intact }.count
            try context.out.show(response) {
                var table = Table([.init("CHAIN"), .init("VERDICT"), .init("ENTRIES", alignment: .right), .init("HEAD", alignment: .right),
                                   .init("CHECKPOINTS", alignment: .right), .init("DETAIL")])
                for report in response.chains {
                    table.append([.init(report.chain), .init(verdict(report.verdict), report.verdict == .intact ? .good : .bad),
                                  .init("\(report.lastSeq)"), .init("\(report.headSeq)"), .init("\(report.checkpointsChecked)"),
                                  .init(report.detail)])
                }
                return context.out.table(table) + "\(intact) of \(response.chains.count) chains intact\n"
            }
            if intact != response.chains.count { throw ExitCode(ExitKind.negative.rawValue) }
        }

        func verdict(_ verdict: AuditV1.ChainVerdict) -> String {
            switch verdict {
            case .intact: "INTACT"
            case .alteredEntry: "ALTERED_ENTRY"
            case .missingEntry: "MISSING_ENTRY"
            case .tailTruncated: "TAIL_TRUNCATED"
            case .chainRewritten: "CHAIN_REWRITTEN"
            default: "UNKNOWN(\(verdict.rawValue))"
            }
        }
    }
}
