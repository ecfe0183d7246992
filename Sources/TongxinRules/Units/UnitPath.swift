/// 单元路径 — a unit as every service's rows carry it: the ltree path membership gives every
/// unit, labels `u` + division code from the county (or city) down, e.g.
/// `u331001000000.u331001001000.u331001001001`.
///
/// Only membership owns the unit tree (ARCHITECTURE.md principle 3). The other services name
/// a unit by path: its form is checked here, the caller's scope by the kit's `Validate.unit`,
/// and row-level security refuses every row outside the scope.
public struct UnitPath: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let labels: [String]

    /// A path of 1–8 labels, each `u` + 12 digits (15 for a villager group or compound).
    public init(_ text: String) throws(DomainViolation) {
        try self.init(text, field: "unit_path")
    }

    public init(_ text: String, field: String) throws(DomainViolation) {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty, labels.count <= 8, labels.allSatisfy(Self.isLabel) else {
            throw DomainViolation(
                rule: "unit.path", field: field,
                zh: "单元路径无效（应为 u+区划代码，以点分隔）",
                en: "not a unit path (labels u + division code, separated by dots)")
        }
        self.labels = labels
    }

    private static func isLabel(_ label: String) -> Bool {
        let digits = label.utf8.dropFirst()
        return label.utf8.first == UInt8(ascii: "u") && (digits.count == 12 || digits.count == 15)
            && digits.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    public var description: String { labels.joined(separator: ".") }

    /// The distribution key of every row of this unit: the division code of its root.
    public var countyCode: String { String(labels[0].dropFirst()) }

    /// The unit's own division code.
    public var divisionCode: String { String(labels[labels.count - 1].dropFirst()) }

    public var depth: Int { labels.count }

    /// Whether this unit is `other` or lies under it (ltree's `<@`).
    public func isWithin(_ other: UnitPath) -> Bool {
        labels.count >= other.labels.count && Array(labels.prefix(other.labels.count)) == other.labels
    }

    /// This unit and every unit above it, the root first.
    public var selfAndAncestors: [UnitPath] {
        (1...labels.count).map { UnitPath(labels: Array(labels.prefix($0))) }
    }

    /// The deepest unit containing every one of `paths` (nil for an empty list or paths of
    /// different roots).
    public static func lowestCommonAncestor(_ paths: [UnitPath]) -> UnitPath? {
        guard var common = paths.first?.labels else { return nil }
        for path in paths.dropFirst() {
            let shared = zip(common, path.labels).prefix { $0 == $1 }.count
            common = Array(common.prefix(shared))
        }
        return common.isEmpty ? nil : UnitPath(labels: common)
    }

    private init(labels: [String]) {
        self.labels = labels
    }

    public static func < (lhs: UnitPath, rhs: UnitPath) -> Bool { lhs.description < rhs.description }
}
