#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Colour and emphasis for one output stream: ANSI escapes only when the stream is a
/// terminal, `NO_COLOR` is not set (https://no-color.org: any non-empty value) and `TERM`
/// is not `dumb`. Piped or redirected output, `--json` and logs never carry escapes.
public struct Style: Sendable {
    public let enabled: Bool

    public init(enabled: Bool) {
        self.enabled = enabled
    }

    /// Whether to colour a stream, from the facts that decide it (pure, tested).
    public static func decide(isTerminal: Bool, environment: [String: String]) -> Bool {
        guard isTerminal else { return false }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return false }
        if environment["TERM"] == "dumb" { return false }
        return true
    }

    /// The style of standard output (fd 1) or standard error (fd 2) of this process.
    public static func forStream(_ descriptor: Int32, environment: [String: String]) -> Style {
        Style(enabled: decide(isTerminal: Terminal.isTerminal(descriptor), environment: environment))
    }

    public enum Colour: String, Sendable {
        case red = "31", green = "32", yellow = "33", blue = "34", grey = "90"
    }

    public func colour(_ text: String, _ colour: Colour) -> String {
        enabled ? "\u{1B}[\(colour.rawValue)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ text: String) -> String {
        enabled ? "\u{1B}[1m\(text)\u{1B}[0m" : text
    }

    public func dim(_ text: String) -> String {
        enabled ? "\u{1B}[2m\(text)\u{1B}[0m" : text
    }

    /// A marker for an outcome: green for good, yellow for advisory, red for bad.
    public func verdict(_ text: String, _ level: Level) -> String {
        switch level {
        case .good: colour(text, .green)
        case .warning: colour(text, .yellow)
        case .bad: colour(text, .red)
        case .neutral: text
        }
    }

    public enum Level: Sendable {
        case good, warning, bad, neutral
    }
}

/// Facts about the terminal.
public enum Terminal {
    public static func isTerminal(_ descriptor: Int32) -> Bool {
        isatty(descriptor) == 1
    }

    /// The terminal's width in columns (nil when not a terminal).
    public static func columns(_ descriptor: Int32 = 1) -> Int? {
        guard isTerminal(descriptor) else { return nil }
        var size = winsize()
        #if canImport(Glibc)
        let request = UInt(TIOCGWINSZ)
        #else
        let request = TIOCGWINSZ
        #endif
        guard ioctl(descriptor, request, &size) == 0, size.ws_col > 0 else { return nil }
        return Int(size.ws_col)
    }
}
