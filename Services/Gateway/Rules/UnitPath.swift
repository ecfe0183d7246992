/// A unit's place in the tree as the services scope by it: an ltree path of labels
/// `u<12-digit division code>`, root first (`u330100000000.u330102000000`). DOMAIN.md §"Places".
public struct UnitPath: Sendable, Hashable, CustomStringConvertible {
    public let labels: [Substring]
    public let description: String

    /// Nil unless `text` is 1–8 labels of `u` and 12 digits separated by dots.
    public init?(_ text: String) {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...8).contains(labels.count), labels.allSatisfy(UnitPath.isLabel) else { return nil }
        self.labels = labels
        self.description = text
    }

    static func isLabel(_ label: Substring) -> Bool {
        let utf8 = label.utf8
        return utf8.count == 13 && utf8.first == UInt8(ascii: "u")
            && utf8.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// Whether `other` is this unit or lies below it (ltree `other <@ self`).
    public func covers(_ other: UnitPath) -> Bool {
        other.labels.count >= labels.count && zip(labels, other.labels).allSatisfy { $0 == $1 }
    }

    /// The county (the root's code): a grant's distribution key, as every tenant table's.
    public var countyCode: String { String(labels[0].dropFirst()) }

    /// The tenant a per-tenant limit counts against: the town (the first two labels), or
    /// the county itself for a call at county level.
    public var tenant: String { labels.prefix(2).joined(separator: ".") }
}
