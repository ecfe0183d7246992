/// A readable table for a terminal: a header, columns separated by two spaces and aligned
/// by display width (a Chinese character takes two columns, ``DisplayWidth``), long cells
/// cut with "…" at their column's limit, control characters (newlines, tabs, escapes from
/// the data) shown as spaces, so one record is always one line. No borders, no trailing
/// spaces — easy to read, and to `grep`/`awk` in a pinch (scripts should use `--json`).
public struct Table: Sendable {
    public enum Alignment: Sendable {
        case left, right
    }

    public struct Column: Sendable {
        public var title: String
        public var alignment: Alignment
        /// The widest a cell may be, in columns (nil: no limit).
        public var maxWidth: Int?

        public init(_ title: String, alignment: Alignment = .left, maxWidth: Int? = nil) {
            self.title = title
            self.alignment = alignment
            self.maxWidth = maxWidth
        }
    }

    /// One cell: its text and how to colour it on a terminal.
    public struct Cell: Sendable, ExpressibleByStringLiteral, ExpressibleByStringInterpolation {
        public var text: String
        public var level: Style.Level

        public init(_ text: String, _ level: Style.Level = .neutral) {
            self.text = text
            self.level = level
        }

        public init(stringLiteral value: String) {
            self.init(value)
        }
    }

    public var columns: [Column]
    public var rows: [[Cell]]

    public init(_ columns: [Column], rows: [[Cell]] = []) {
        self.columns = columns
        self.rows = rows
    }

    public mutating func append(_ row: [Cell]) {
        rows.append(row)
    }

    /// The table as lines of text (each ending in a newline); an empty table is its header only.
    public func render(style: Style = Style(enabled: false)) -> String {
        let cleaned = rows.map { row in
            columns.indices.map { index -> Cell in
                guard index < row.count else { return Cell("") }
                var cell = row[index]
                cell.text = Table.oneLine(cell.text)
                if let limit = columns[index].maxWidth {
                    cell.text = DisplayWidth.truncate(cell.text, to: limit)
                }
                return cell
            }
        }
        let widths = columns.indices.map { index in
            cleaned.reduce(DisplayWidth.of(columns[index].title)) { max($0, DisplayWidth.of($1[index].text)) }
        }
        var output = ""
        func line(_ cells: [Cell], header: Bool) {
            var parts: [String] = []
            for (index, cell) in cells.enumerated() {
                let last = index == cells.count - 1
                let alignment = columns[index].alignment
                var text = last && alignment == .left ? cell.text : DisplayWidth.pad(cell.text, to: widths[index], right: alignment == .right)
                if header {
                    text = style.bold(text)
                } else if cell.level != .neutral {
                    // Colour the text, not the padding (so the escapes never shift alignment).
                    let padding = String(repeating: " ", count: DisplayWidth.of(text) - DisplayWidth.of(cell.text))
                    let coloured = style.verdict(cell.text, cell.level)
                    text = alignment == .right ? padding + coloured : coloured + padding
                }
                parts.append(text)
            }
            var joined = parts.joined(separator: "  ")
            while joined.hasSuffix(" ") { joined.removeLast() }
            output += joined + "\n"
        }
        line(columns.map { Cell($0.title) }, header: true)
        for row in cleaned {
            line(row, header: false)
        }
        return output
    }

    /// Label–value lines for one record ("name      白水洋镇"), labels aligned.
    public static func record(_ fields: [(String, Cell)], style: Style = Style(enabled: false)) -> String {
        let width = fields.reduce(0) { max($0, DisplayWidth.of($1.0)) }
        var output = ""
        for (label, value) in fields {
            let text = oneLine(value.text)
            output += style.dim(DisplayWidth.pad(label, to: width)) + "  " + style.verdict(text, value.level) + "\n"
        }
        return output
    }

    /// `text` with every control character (newline, tab, ESC …) replaced by a space.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? " " : $0 }))
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
    }
}
