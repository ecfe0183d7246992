import Foundation

/// An instant given as ISO 8601 with offset, e.g. `2024-03-06T23:59:59+08:00`.
func instant(_ text: String) -> Date {
    let formatter = ISO8601DateFormatter()
    if text.contains(".") { formatter.formatOptions.insert(.withFractionalSeconds) }
    guard let date = formatter.date(from: text) else { fatalError("bad test instant \(text)") }
    return date
}
