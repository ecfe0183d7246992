/// 协商清单 — what may be consulted (正面清单, 004: village plans, construction, land transfer,
/// water/power/roads, public welfare, collective "three assets", village rules, social
/// security funds, land acquisition, neighbour disputes) and what may not (负面清单, 003).
///
/// Lists are kept per unit and inherited down the tree: a town's entries apply to its
/// villages unless a village sets its own entry for the same category (issue 9 §2). So the
/// entry in force for a category is the nearest one on the way up from the unit.
public enum ScopeListKind: Int, Sendable, Hashable, CaseIterable, Codable {
    case positive = 1
    case negative

    public var nameZH: String { self == .positive ? "正面清单" : "负面清单" }
    public var nameEN: String { self == .positive ? "positive list" : "negative list" }
}

/// One unit's entry for one category.
public struct ScopeListEntry: Sendable, Hashable {
    public var id: String
    public var unitPath: UnitPath
    public var list: ScopeListKind
    public var category: Category
    public var text: String

    public init(id: String, unitPath: UnitPath, list: ScopeListKind, category: Category, text: String) {
        self.id = id
        self.unitPath = unitPath
        self.list = list
        self.category = category
        self.text = text
    }
}

public enum ScopeLists {
    /// The entries in force at `unit`: per category, the entry of the deepest unit on the
    /// way up (the unit itself first). Entries of units not above `unit` are ignored.
    public static func effective(_ entries: [ScopeListEntry], at unit: UnitPath) -> [Category: ScopeListEntry] {
        var inForce: [Category: ScopeListEntry] = [:]
        for entry in entries where unit.isWithin(entry.unitPath) {
            if let current = inForce[entry.category], current.unitPath.depth >= entry.unitPath.depth { continue }
            inForce[entry.category] = entry
        }
        return inForce
    }

    /// Refuses a topic of `category` at `unit` when the entry in force puts the category on
    /// the negative list (`scope.negative_list`), citing the entry: its text and the unit
    /// that set it.
    public static func check(_ category: Category, at unit: UnitPath, entries: [ScopeListEntry]) throws(DomainViolation) {
        guard let entry = effective(entries, at: unit)[category], entry.list == .negative else { return }
        throw DomainViolation(
            rule: "scope.negative_list", field: "category",
            zh: "「\(category.nameZH)」在负面清单上（\(entry.unitPath)：\(entry.text)），不得列为协商议题",
            en: "category \(category) is on the negative list (\(entry.unitPath): \(entry.text)) and may not be consulted")
    }
}
