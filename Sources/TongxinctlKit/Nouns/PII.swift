import ArgumentParser
import Foundation
import MembershipAPI
import TongxinSchemas

// 密钥轮换 — re-encrypt personal data under the current PII key (system administrator, pii.rotate).

struct PIICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pii",
        abstract: "Personal data administration (system administrator).",
        subcommands: [Rotate.self])

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-encrypt phone and ID numbers under the current PII key, batch after batch, until none remain.",
            discussion: """
                After TONGXIN_PII_KEY was replaced (the old key moved to TONGXIN_PII_OLD_KEYS and the
                services restarted): run until it reports remaining 0, then drop the old key.

                \(examples("tongxinctl pii rotate", "tongxinctl pii rotate --unit 331082000000 --batch-size 500"))
                """)
        @OptionGroup var global: GlobalOptions
        @Option(help: "The subtree's root (default: the acting unit).") var unit: UnitArgument?
        @Option(help: "People per call (1–1000).") var batchSize: Int32 = 200

        func run() async throws {
            let context = try global.context()
            var total: Int64 = 0
            var last = MembershipV1.RotatePIIKeyResponse()
            try await context.withGateway { gateway in
                while true {
                    last = try await MembershipV1.Membership.Client(gateway.rpc).rotatePIIKey(
                        .init(unit: unit?.ref, batchSize: batchSize), options: gateway.options())
                    total += last.rewrapped
                    if !context.out.json { print("key \(last.keyId): re-encrypted \(total), remaining \(last.remaining)") }
                    if last.remaining == 0 || last.rewrapped == 0 { break }
                }
            }
            last.rewrapped = total
            if context.out.json { try context.out.show(last) { "" } }
        }
    }
}
