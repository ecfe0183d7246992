import ArgumentParser
import Foundation
import TongxinSchemas
import TongxinWire

// MARK: Units

/// A unit path: `u` and 12 digits per level, root first (`u331082000000.u331082001000`).
struct UnitPathArgument: ExpressibleByArgument, Sendable, Equatable {
    let path: String

    init?(argument: String) {
        let labels = argument.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...8).contains(labels.count),
              labels.allSatisfy({ $0.utf8.count == 13 && $0.first == "u" && $0.dropFirst().allSatisfy(\.isASCIIDigit) })
        else { return nil }
        path = argument
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// A unit named by its 12-digit division code (统计用区划代码) or by its path; a path's
/// last label carries the code.
struct UnitArgument: ExpressibleByArgument, Sendable, Equatable {
    let code: String
    /// Present when the argument was a path.
    let path: String?

    init?(argument: String) {
        if argument.utf8.count == 12, argument.allSatisfy(\.isASCIIDigit) {
            code = argument
            path = nil
        } else if let path = UnitPathArgument(argument: argument) {
            self.path = path.path
            code = String(path.path.split(separator: ".").last!.dropFirst())
        } else {
            return nil
        }
    }

    var ref: CommonV1.UnitRef { CommonV1.UnitRef(divisionCode: code) }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

// MARK: Dates and instants

/// A calendar day, `2025-03-03`.
struct DateArgument: ExpressibleByArgument, Sendable, Equatable {
    let date: CommonV1.Date

    init?(argument: String) {
        let parts = argument.split(separator: "-")
        guard parts.count == 3, let year = Int32(parts[0]), let month = Int32(parts[1]), let day = Int32(parts[2]),
              (1900...2200).contains(year), (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var components = DateComponents()
        components.year = Int(year)
        components.month = Int(month)
        components.day = Int(day)
        guard components.isValidDate(in: Calendar(identifier: .gregorian)) else { return nil }
        date = CommonV1.Date(year: year, month: month, day: day)
    }

    /// The start of the day in the local time zone.
    var startOfDay: Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        return calendar.date(from: DateComponents(year: Int(date.year), month: Int(date.month), day: Int(date.day)))!
    }

    static var defaultCompletionKind: CompletionKind { .default }
}

/// An instant: `2025-03-10 14:30` or `2025-03-10T14:30` in the local time zone ($TZ), or
/// with an offset (`2025-03-10T14:30+08:00`, `…Z`); a bare day is its midnight.
struct InstantArgument: ExpressibleByArgument, Sendable, Equatable {
    let date: Date

    init?(argument: String) {
        var text = argument.trimmingCharacters(in: .whitespaces).replacingOccurrences(of: " ", with: "T")
        var zone = TimeZone.current
        if text.hasSuffix("Z") {
            zone = TimeZone(secondsFromGMT: 0)!
            text.removeLast()
        } else if text.count > 16, let sign = text.lastIndex(where: { $0 == "+" || $0 == "-" }),
                  sign > text.index(text.startIndex, offsetBy: 10) {
            let digits = text[text.index(after: sign)...].filter(\.isASCIIDigit)
            guard digits.count == 4, let hours = Int(digits.prefix(2)), let minutes = Int(digits.suffix(2)), hours < 15, minutes < 60,
                  let offset = TimeZone(secondsFromGMT: (text[sign] == "-" ? -1 : 1) * (hours * 3600 + minutes * 60))
            else { return nil }
            zone = offset
            text = String(text[..<sign])
        }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        for format in ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
            formatter.dateFormat = format
            if let date = formatter.date(from: text) {
                self.date = date
                return
            }
        }
        return nil
    }

    var timestamp: CommonV1.Timestamp { Format.timestamp(date) }

    static var defaultCompletionKind: CompletionKind { .default }
}

// MARK: Choices (the API's enums as words)

/// One value of an API enum as the command line spells it (kebab-case English, or the
/// Chinese term) and as tables print it.
struct ChoiceOption<Wire: WireEnum>: Sendable {
    let name: String
    let wire: Wire
    let zh: String

    init(_ name: String, _ wire: Wire, _ zh: String) {
        self.name = name
        self.wire = wire
        self.zh = zh
    }
}

/// An API enum taken as an argument: `--channel door-to-door` or `--channel 入户走访`.
protocol Choice: ExpressibleByArgument, Sendable {
    associatedtype Wire: WireEnum
    static var options: [ChoiceOption<Wire>] { get }
    var wire: Wire { get }
    init(wire: Wire)
}

extension Choice {
    init?(argument: String) {
        let lowered = argument.lowercased().replacingOccurrences(of: "_", with: "-")
        guard let option = Self.options.first(where: { $0.name == lowered || $0.zh == argument }) else { return nil }
        self.init(wire: option.wire)
    }

    static var allValueStrings: [String] { options.map(\.name) }

    static var defaultCompletionKind: CompletionKind { .list(allValueStrings) }

    /// "door-to-door 入户走访" (what to type, and the term).
    static func label(_ wire: Wire) -> String {
        options.first { $0.wire == wire }.map { "\($0.name) \($0.zh)" } ?? (wire.rawValue == 0 ? "—" : "#\(wire.rawValue)")
    }

    /// "door-to-door" only.
    static func name(_ wire: Wire) -> String {
        options.first { $0.wire == wire }?.name ?? (wire.rawValue == 0 ? "—" : "#\(wire.rawValue)")
    }

    /// The values with their terms, for a command's help.
    static var helpList: String {
        options.map { "\($0.name) (\($0.zh))" }.joined(separator: ", ")
    }
}

// MARK: Formatting

enum Format {
    static func timestamp(_ date: Date) -> CommonV1.Timestamp {
        let seconds = date.timeIntervalSince1970.rounded(.down)
        return CommonV1.Timestamp(seconds: Int64(seconds), nanos: Int32(((date.timeIntervalSince1970 - seconds) * 1e9).rounded(.down)))
    }

    /// "2025-03-03 10:00" in the local time zone; "—" when absent.
    static func instant(_ timestamp: CommonV1.Timestamp?) -> String {
        guard let timestamp, timestamp.seconds != 0 || timestamp.nanos != 0 else { return "—" }
        return instant(seconds: timestamp.seconds)
    }

    static func instant(seconds: Int64) -> String {
        guard seconds != 0 else { return "—" }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = .current
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        return formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
    }

    static func date(_ date: CommonV1.Date?) -> String {
        guard let date, date.year != 0 else { return "—" }
        return String(format: "%04d-%02d-%02d", date.year, date.month, date.day)
    }

    static func yesNo(_ value: Bool) -> String { value ? "yes" : "no" }

    static func text(_ value: String) -> String { value.isEmpty ? "—" : value }

    /// A localized text as "中文 / English".
    static func bilingual(_ text: CommonV1.LocalizedText?) -> String {
        guard let text else { return "" }
        return [text.zh, text.en].filter { !$0.isEmpty }.joined(separator: " / ")
    }
}

/// "Example:" followed by indented command lines for a command's discussion; a line too
/// long for an 80-column help screen continues on the next (` \\`) before an option, so
/// every example can be copied as it is shown.
func examples(_ lines: String...) -> String {
    "Example" + (lines.count > 1 ? "s" : "") + ":\n" + lines.map { wrapExample($0, width: 76) }.joined(separator: "\n")
}

/// `line` indented by two spaces, broken before ` --option`s into lines of at most `width`
/// columns (where it can be), continuation lines indented by six.
func wrapExample(_ line: String, width: Int) -> String {
    var pieces: [String] = []
    var rest = Substring(line)
    while let range = rest.range(of: " --", options: [], range: rest.index(after: rest.startIndex)..<rest.endIndex) {
        pieces.append(String(rest[..<range.lowerBound]))
        rest = rest[rest.index(after: range.lowerBound)...]
    }
    pieces.append(String(rest))
    var output: [String] = []
    var current = "  " + pieces[0]
    for piece in pieces.dropFirst() {
        if DisplayWidth.of(current) + 1 + DisplayWidth.of(piece) + 2 > width {
            output.append(current + " \\")
            current = "      " + piece
        } else {
            current += " " + piece
        }
    }
    output.append(current)
    return output.joined(separator: "\n")
}
