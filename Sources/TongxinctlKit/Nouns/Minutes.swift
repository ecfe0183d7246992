import ArgumentParser
import Foundation
import SessionAPI
import TongxinSchemas

// 会议纪要 — the minutes, generated from the record (the same text every time), signed by the
// host and the recorder once the meeting is closed.

struct MinutesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "minutes",
        abstract: "Minutes (会议纪要): print or save them; sign them as host or recorder.",
        subcommands: [Show.self, Sign.self])

    struct RoleChoice: Choice {
        var wire: SessionV1.SignatoryRole
        static let options: [ChoiceOption<SessionV1.SignatoryRole>] = [.init("host", .host, "主持人"), .init("recorder", .recorder, "记录人")]
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a meeting's minutes (text, Chinese) to standard output, or save them to a file.",
            discussion: """
                The signatures and the SHA-256 digest of the text follow on standard error,
                so the text on standard output is exactly what was signed. --json prints the
                whole record (meeting, topics with opinions, rounds, votes and results,
                text, signatures).

                \(examples(
                    "tongxinctl minutes show 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f",
                    "tongxinctl minutes show 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f --output 会议纪要-2025-03-20.txt"))
                """)
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The meeting's id.") var meeting: String
        @Option(help: "Write the text to this file instead of standard output.", completion: .file()) var output: String?

        func run() async throws {
            let context = try global.context()
            let minutes = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).getMinutes(.init(meetingId: meeting), options: gateway.options())
            }
            if let output {
                try writeFile(output, minutes.text)
                try context.out.value(.object([("file", .string(output)), ("digest", .string(minutes.digest)), ("signed_off", .bool(minutes.signedOff))])) {
                    "wrote the minutes to \(output) (\(minutes.text.utf8.count) bytes)\n" + MinutesCommand.signatures(minutes, context.out)
                }
                return
            }
            if context.out.json {
                print(try ProtoJSON.encode(minutes).render())
                return
            }
            print(minutes.text, terminator: minutes.text.hasSuffix("\n") ? "" : "\n")
            context.out.note(MinutesCommand.signatures(minutes, Output(json: false, environment: [:])).trimmingCharacters(in: .newlines))
        }
    }

    struct Sign: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign the minutes as they stand, as the meeting's host or recorder (in person: your account must be the one named).",
            discussion: examples("tongxinctl minutes sign 6c7d8e9f-0a1b-4c2d-8e3f-4a5b6c7d8e9f --role recorder"))
        @OptionGroup var global: GlobalOptions
        @Argument(help: "The meeting's id.") var meeting: String
        @Option(help: "host or recorder.") var role: RoleChoice

        func run() async throws {
            let context = try global.context()
            let minutes = try await context.withGateway { gateway in
                try await SessionV1.Session.Client(gateway.rpc).signMinutes(.init(meetingId: meeting, role: role.wire), options: gateway.options())
            }
            try context.out.show(minutes) { MinutesCommand.signatures(minutes, context.out) }
        }
    }

    static func signatures(_ minutes: SessionV1.Minutes, _ out: Output) -> String {
        var fields: [(String, Table.Cell)] = [("digest", .init(minutes.digest))]
        for signature in minutes.signatures {
            let current = signature.digest == minutes.digest
            fields.append(("signed (\(RoleChoice.label(signature.role)))",
                           .init("\(signature.signer), \(Format.instant(signature.signedAt))" + (current ? "" : " — an earlier text"), current ? .good : .warning)))
        }
        fields.append(("signed off", minutes.signedOff ? .init("yes 已签署", .good) : .init("no 待签署", .warning)))
        return out.record(fields)
    }
}

/// Writes `text` to `path` (UTF-8), as a usage-free failure when it cannot.
func writeFile(_ path: String, _ text: String) throws {
    do {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
    } catch {
        throw CommandFailure(.usage, "cannot write \(path): \(error.localizedDescription)")
    }
}
