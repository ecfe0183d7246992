import ArgumentParser
import Foundation
import Testing
import TongxinSchemas
@testable import TongxinctlKit

@Suite("the command tree")
struct CommandTreeTests {
    /// Every command with its path, e.g. (["unit", "import"], UnitCommand.Import.self).
    static func commands() -> [(path: [String], type: any ParsableCommand.Type)] {
        var result: [(path: [String], type: any ParsableCommand.Type)] = []
        func walk(_ type: any ParsableCommand.Type, _ path: [String]) {
            result.append((path, type))
            for child in type.configuration.subcommands {
                walk(child, path + [child.configuration.commandName ?? String(describing: child).lowercased()])
            }
        }
        walk(Tongxinctl.self, [])
        return result
    }

    /// The example command lines of a discussion, continuation lines joined.
    static func exampleLines(_ discussion: String) -> [String] {
        var lines: [String] = []
        var pending = ""
        var inExamples = false
        for line in discussion.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Example") { inExamples = true; continue }
            guard inExamples else { continue }
            let text = line.trimmingCharacters(in: .whitespaces)
            if text.isEmpty { continue }
            let joined = pending + text
            if joined.hasSuffix("\\") {
                pending = String(joined.dropLast()).trimmingCharacters(in: .whitespaces) + " "
                continue
            }
            pending = ""
            lines.append(joined)
        }
        return lines
    }

    /// Splits a command line as a POSIX shell does for the cases the examples use: quotes,
    /// backslash escapes, and `VAR=value` / `$(…)` prefixes (dropped).
    static func words(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var quote: Character?
        var escaped = false
        var started = false
        for character in line {
            if escaped { current.append(character); escaped = false; continue }
            if let open = quote {
                if character == open { quote = nil } else if character == "\\" && open == "\"" { escaped = true } else { current.append(character) }
                continue
            }
            switch character {
            case "\\": escaped = true; started = true
            case "'", "\"": quote = character; started = true
            case " ":
                if started { words.append(current); current = ""; started = false }
            default: current.append(character); started = true
            }
        }
        if started { words.append(current) }
        return words
    }

    /// The words with `> file`, `>> file`, `2> file` and `< file` taken out (as a shell would).
    static func withoutRedirections(_ words: [String]) -> [String] {
        var result: [String] = []
        var skip = false
        for word in words {
            if skip { skip = false; continue }
            if [">", ">>", "2>", "<"].contains(word) { skip = true; continue }
            result.append(word)
        }
        return result
    }

    @Test("every command that runs has an example in its help, and every example parses")
    func examples() throws {
        var checked = 0
        for (path, type) in Self.commands() where type.configuration.subcommands.isEmpty {
            let discussion = type.configuration.discussion
            let examples = Self.exampleLines(discussion)
            #expect(!examples.isEmpty, "tongxinctl \(path.joined(separator: " ")) has no example in --help")
            for example in examples {
                // The command is what follows the last `tongxinctl` (after a pipe, or after a
                // `TONGXIN_TOKEN=$(tongxinctl …)` prefix); a line without one (`set -a; …`) is skipped.
                let words = Self.words(example)
                guard let start = words.lastIndex(of: "tongxinctl") else { continue }
                let arguments = Self.withoutRedirections(Array(words[(start + 1)...]))
                do {
                    _ = try Tongxinctl.parseAsRoot(arguments)
                    checked += 1
                } catch {
                    Issue.record("tongxinctl \(path.joined(separator: " ")): the example `\(example)` does not parse: \(Tongxinctl.message(for: error))")
                }
            }
        }
        #expect(checked > 80)
    }

    @Test("every leaf command takes --json and the gateway options")
    func globalOptions() throws {
        for (path, type) in Self.commands() where type.configuration.subcommands.isEmpty && path != ["token", "mint"] {
            let help = type.helpMessage(columns: 200)
            #expect(help.contains("--json"), "tongxinctl \(path.joined(separator: " ")) lacks --json")
            #expect(help.contains("--gateway"), "tongxinctl \(path.joined(separator: " ")) lacks --gateway")
        }
    }

    @Test("the help lists the exit codes")
    func exitCodesInHelp() {
        let help = Tongxinctl.helpMessage(columns: 120)
        for status in ExitKind.allCases {
            #expect(help.contains("  \(status.rawValue)  "))
        }
    }

    @Test("completion scripts are generated for bash, zsh and fish")
    func completions() {
        for shell in ["bash", "zsh", "fish"] {
            let script = Tongxinctl.completionScript(for: CompletionShell(rawValue: shell)!)
            #expect(script.contains("ledger"), "\(shell)")
            #expect(script.contains("door-to-door"), "\(shell): the channel values complete")
        }
    }

    @Test("long examples wrap before an option, within 76 columns")
    func wrapping() {
        let wrapped = wrapExample("tongxinctl ledger add --unit 331082104201 --channel door-to-door --category infrastructure --text 村东头道路破损，雨天积水", width: 76)
        let lines = wrapped.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { DisplayWidth.of($0) <= 76 })
        #expect(lines[0].hasSuffix(" \\") && lines[1].hasPrefix("      --"))
    }

    @Test("arguments: unit codes and paths, days, instants, choices in English or Chinese")
    func arguments() throws {
        #expect(UnitArgument(argument: "331082104201")?.code == "331082104201")
        #expect(UnitArgument(argument: "u331082000000.u331082104000")?.code == "331082104000")
        #expect(UnitArgument(argument: "u331082000000.u331082104000")?.path == "u331082000000.u331082104000")
        #expect(UnitArgument(argument: "3310821042") == nil)
        #expect(UnitPathArgument(argument: "331082000000") == nil)
        #expect(DateArgument(argument: "2025-02-29") == nil)
        #expect(DateArgument(argument: "2024-02-29")?.date == CommonV1.Date(year: 2024, month: 2, day: 29))
        #expect(InstantArgument(argument: "2025-03-20T14:30+08:00")?.date == Date(timeIntervalSince1970: 1_742_452_200))
        #expect(InstantArgument(argument: "2025-03-20 06:30Z")?.date == Date(timeIntervalSince1970: 1_742_452_200))
        #expect(InstantArgument(argument: "yesterday") == nil)
        #expect(LedgerCommand.ChannelChoice(argument: "door-to-door")?.wire == .doorToDoor)
        #expect(LedgerCommand.ChannelChoice(argument: "入户走访")?.wire == .doorToDoor)
        #expect(LedgerCommand.ChannelChoice(argument: "DOOR_TO_DOOR")?.wire == .doorToDoor)
        #expect(LedgerCommand.ChannelChoice(argument: "fax") == nil)
        #expect(LedgerCommand.StatusChoice.label(.underStudy) == "under-study 研究中")
    }

    @Test("the composition report lists every rule, with its violations, and violations of unlisted rules")
    func compositionReport() {
        let rules = [
            MembershipV1.CompositionRule(id: "composition.size", kind: "memberCount", severity: .binding),
            MembershipV1.CompositionRule(id: "composition.women_share", kind: "share", severity: .advisory),
            MembershipV1.CompositionRule(id: "composition.cadre_share", kind: "share", disabled: true),
        ]
        let violations = [
            MembershipV1.RuleViolation(ruleId: "composition.women_share", count: 2, of: 20, minimum: .init(value: 6), severity: .advisory),
            MembershipV1.RuleViolation(ruleId: "statute.kin", count: 1, subject: "p-1", severity: .binding),
        ]
        let rows = CompositionReport.rows(rules: rules, violations: violations)
        #expect(rows.map(\.ruleID) == ["composition.size", "composition.women_share", "composition.cadre_share", "statute.kin"])
        #expect(rows.map(\.result) == [.ok, .advisory, .off, .violated])
        #expect(rows[1].violations.first?.minimum?.value == 6)
    }
}
