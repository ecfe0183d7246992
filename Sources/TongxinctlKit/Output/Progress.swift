import Foundation

/// A progress bar on standard error, redrawn in place with a carriage return — only when
/// standard error is a terminal (``Progress/init(enabled:label:total:)`` is given that
/// fact); a pipe, a log file or `--json` get nothing.
public final class Progress: @unchecked Sendable {
    public let enabled: Bool
    public let label: String
    public let total: Int
    private var lastDrawn = -1

    public init(enabled: Bool, label: String, total: Int) {
        self.enabled = enabled && total > 0
        self.label = label
        self.total = total
    }

    /// `[##########----------]  50/100 people  3 rejected` in `width` columns at most.
    public static func line(done: Int, total: Int, label: String, failed: Int, width: Int) -> String {
        let counts = "\(String(repeating: " ", count: max(0, String(total).count - String(done).count)))\(done)/\(total) \(label)"
            + (failed > 0 ? "  \(failed) rejected" : "")
        let barWidth = max(10, min(40, width - DisplayWidth.of(counts) - 4))
        let filled = total > 0 ? min(barWidth, done * barWidth / total) : barWidth
        return "[" + String(repeating: "#", count: filled) + String(repeating: "-", count: barWidth - filled) + "]  " + counts
    }

    public func update(done: Int, failed: Int) {
        guard enabled else { return }
        // Redraw at most once per 1/200 of the work (a large import must not spend its time drawing).
        let step = max(1, total / 200)
        guard done == total || done - lastDrawn >= step else { return }
        lastDrawn = done
        let width = Terminal.columns(2) ?? 80
        FileHandle.standardError.write(Data(("\r" + Progress.line(done: done, total: total, label: label, failed: failed, width: width)).utf8))
    }

    /// Ends the bar's line.
    public func finish() {
        guard enabled, lastDrawn >= 0 else { return }
        FileHandle.standardError.write(Data("\n".utf8))
    }
}
