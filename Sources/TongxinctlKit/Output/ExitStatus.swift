import Foundation
import TongxinRPC

/// `tongxinctl`'s exit codes: what went wrong decides the number, so a script can tell a
/// typo from a refusal from an outage without reading the message.
///
/// | code | meaning |
/// |---|---|
/// | 0 | done |
/// | 1 | done, and the answer is "no": a check found a broken binding rule, an import rejected rows, an audit chain is not intact, a service is not serving, a topic was not adopted or a vote not passed, the three zeros are not all met, an open-data section could not be exported |
/// | 2 | usage: the command line is wrong, or the server found the request malformed (INVALID_ARGUMENT, OUT_OF_RANGE) |
/// | 3 | not found (NOT_FOUND; includes things outside your units, which do not exist for you) |
/// | 4 | permission: not logged in, session ended or refused (UNAUTHENTICATED), or not allowed (PERMISSION_DENIED) |
/// | 5 | refused by a rule: FAILED_PRECONDITION (the rule and its figures are printed), ALREADY_EXISTS, ABORTED |
/// | 6 | server or connection: the gateway is unreachable, overloaded or timed out, or failed (UNAVAILABLE, DEADLINE_EXCEEDED, RESOURCE_EXHAUSTED, INTERNAL, UNKNOWN, UNIMPLEMENTED, DATA_LOSS, CANCELLED) |
public enum ExitKind: Int32, Sendable, CaseIterable {
    case ok = 0
    case negative = 1
    case usage = 2
    case notFound = 3
    case permission = 4
    case refused = 5
    case server = 6

    /// The exit status of a call that failed with `code`.
    public static func of(_ code: Status.Code) -> ExitKind {
        switch code {
        case .ok: .ok
        case .invalidArgument, .outOfRange: .usage
        case .notFound: .notFound
        case .permissionDenied, .unauthenticated: .permission
        case .failedPrecondition, .alreadyExists, .aborted: .refused
        case .unavailable, .deadlineExceeded, .resourceExhausted, .internalError, .unknown, .unimplemented, .dataLoss, .cancelled: .server
        }
    }

    /// One word for the kind of failure, printed before the message.
    public var label: String {
        switch self {
        case .ok: "ok"
        case .negative: "no"
        case .usage: "usage"
        case .notFound: "not found"
        case .permission: "permission"
        case .refused: "refused"
        case .server: "server"
        }
    }

    /// The table of codes for `--help` and the docs.
    public static let helpText = """
        Exit codes:
          0  done
          1  done, and the answer is "no": a binding rule broken, import rows
             rejected, an audit chain not intact, a topic not adopted, a vote
             not passed, the three zeros not all met, an open-data section
             not exported
          2  usage: a wrong command line, or a request the server found
             malformed (INVALID_ARGUMENT)
          3  not found (what lies outside your units does not exist for you)
          4  permission: not logged in, session ended (UNAUTHENTICATED), or
             not allowed (PERMISSION_DENIED)
          5  refused by a rule: FAILED_PRECONDITION (the rule and its figures
             are printed), ALREADY_EXISTS
          6  server: unreachable, overloaded, timed out or failed
        """
}

/// A failure of the command itself (not of a call): not logged in, a file that cannot be
/// read, an argument only the command can judge.
public struct CommandFailure: Error, Sendable, CustomStringConvertible {
    public var status: ExitKind
    public var message: String

    public init(_ status: ExitKind, _ message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }
}

/// Errors as one clear line: the kind, the status, the rule broken, the server's Chinese
/// and English message and the figures behind the refusal.
public enum ErrorReport {
    /// `tongxinctl: refused (FAILED_PRECONDITION, rule composition.chair): 议事会须有会长 / a council needs a chair [count=0, minimum=1]`
    public static func line(for error: RPCError, gateway: String? = nil, hint: String? = nil) -> String {
        let status = ExitKind.of(error.code)
        var head = "\(status.label) (\(error.code)"
        if let rule = error.detail?.rule, !rule.isEmpty { head += ", rule \(rule)" }
        if let field = error.detail?.field, !field.isEmpty { head += ", field \(field)" }
        head += ")"
        var message: String
        if let detail = error.detail, !detail.messageZH.isEmpty || !detail.messageEN.isEmpty {
            message = [detail.messageZH, detail.messageEN].filter { !$0.isEmpty }.joined(separator: " / ")
        } else {
            message = error.message
        }
        if error.code == .unavailable, error.neverSent || error.message.isEmpty, let gateway {
            let lowered = error.message.lowercased()
            let why = lowered.contains("refused") ? "connection refused"
                : lowered.contains("timed out") || lowered.contains("timeout") ? "connection timed out"
                : lowered.contains("resolve") || lowered.contains("no such host") ? "unknown host"
                : error.message
            message = "cannot reach the gateway at \(gateway)" + (why.isEmpty ? "" : " (\(why))")
        }
        var line = "tongxinctl: \(head): \(message)"
        if let figures = error.detail?.figures, !figures.isEmpty {
            line += " [" + figures.map { "\($0.name)=\($0.value)" }.joined(separator: ", ") + "]"
        }
        if let hint { line += " — \(hint)" }
        return oneLine(line)
    }

    public static func line(for failure: CommandFailure) -> String {
        oneLine("tongxinctl: \(failure.status.label): \(failure.message)")
    }

    static func oneLine(_ text: String) -> String {
        text.split(whereSeparator: { $0.isNewline }).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
    }
}

/// A call that failed, with what the report needs beside the error: the gateway's address
/// (for "cannot reach") and what to do next (log in again …).
public struct CallFailure: Error, Sendable {
    public var error: RPCError
    public var gateway: String
    public var hint: String?

    public init(error: RPCError, gateway: String, hint: String? = nil) {
        self.error = error
        self.gateway = gateway
        self.hint = hint
    }
}
