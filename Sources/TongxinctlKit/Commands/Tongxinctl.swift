import ArgumentParser
import Foundation
import TongxinRPC

/// `tongxinctl <noun> <verb>` — the administrators' command-line client. It talks only to
/// the gateway (`--gateway`, `TONGXIN_GATEWAY`, the profile's, or 127.0.0.1:7100), with the
/// session `tongxinctl login` stored in the profile.
///
/// The nouns are listed in ``Nouns/all``; each noun is one file of `Nouns/`.
public struct Tongxinctl: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "tongxinctl",
        abstract: "Administer a Tongxin deployment through its gateway.",
        discussion: """
            Log in once per profile, then use `tongxinctl <noun> <verb>`:

              tongxinctl login --gateway 10.0.0.5:7100 --account zhang.san
              tongxinctl unit list
              tongxinctl council check 4f6a2a7e-2b1c-4d8e-9f00-1234567890ab

            Every command takes --json (for scripts) and prints an aligned table otherwise;
            colour only on a terminal and never with NO_COLOR. Settings: --gateway
            ($TONGXIN_GATEWAY), --profile ($TONGXIN_PROFILE), --acting-unit
            ($TONGXIN_ACTING_UNIT); a token in $TONGXIN_TOKEN replaces the profile's session.
            Profiles live in $XDG_CONFIG_HOME/tongxin/profiles.json (or
            ~/.config/tongxin/profiles.json), mode 0600.

            Shell completion: tongxinctl --generate-completion-script bash|zsh|fish

            \(ExitKind.helpText)
            """,
        version: "tongxinctl 1.0",
        subcommands: Nouns.all
    )

    public init() {}

    /// Parses `arguments`, runs the command and returns the exit status; errors are printed
    /// as one line on standard error (``ErrorReport``).
    ///
    /// `TONGXINCTL_PARSE_ONLY=1`: parse and validate the arguments, print the command's name
    /// and return 0 without running it (or print the parse error and return 2) —
    /// `Scripts/check_docs_cli.py` checks every `tongxinctl` line of the docs this way.
    public static func run(arguments: [String], environment: [String: String] = ProcessInfo.processInfo.environment) async -> Int32 {
        let errorStyle = Style.forStream(2, environment: environment)
        func fail(_ line: String, _ status: ExitKind) -> Int32 {
            FileHandle.standardError.write(Data((errorStyle.colour(line, .red) + "\n").utf8))
            return status.rawValue
        }
        do {
            var command = try parseAsRoot(arguments)
            if environment["TONGXINCTL_PARSE_ONLY"] == "1" {
                print("parses: \(commandPath(of: type(of: command)))")
                return 0
            }
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            return 0
        } catch let failure as CallFailure {
            return fail(ErrorReport.line(for: failure.error, gateway: failure.gateway, hint: failure.hint), ExitKind.of(failure.error.code))
        } catch let error as RPCError {
            return fail(ErrorReport.line(for: error), ExitKind.of(error.code))
        } catch let failure as CommandFailure {
            return fail(ErrorReport.line(for: failure), failure.status)
        } catch let code as ExitCode {
            return code.rawValue
        } catch {
            let code = exitCode(for: error)
            if code == .success {
                print(fullMessage(for: error, columns: Terminal.columns(1)))
                return 0
            }
            if code == .validationFailure {
                let message = self.message(for: error)
                return fail("tongxinctl: usage: \(message.isEmpty ? "see --help" : message) (see --help)", .usage)
            }
            let message = self.message(for: error)
            if !message.isEmpty { _ = fail("tongxinctl: \(message)", .server) }
            return code.rawValue
        }
    }

    /// "unit import" for `Nouns.Unit.Import`.
    static func commandPath(of type: any ParsableCommand.Type) -> String {
        func search(_ node: any ParsableCommand.Type, _ path: [String]) -> [String]? {
            if node == type { return path }
            for child in node.configuration.subcommands {
                let name = child.configuration.commandName ?? String(describing: child).lowercased()
                if let found = search(child, path + [name]) { return found }
            }
            return nil
        }
        return search(Tongxinctl.self, [])?.joined(separator: " ") ?? String(describing: type)
    }
}
