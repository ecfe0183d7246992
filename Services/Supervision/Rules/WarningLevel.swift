/// 预警等级 — the red/yellow/green levels of the warning ledger (红黄绿三级预警台账, seed 002).
/// Ordered: green < yellow < red, so the worst of several is their maximum.
public enum WarningLevel: Int, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case green = 1
    case yellow = 2
    case red = 3

    public static func < (lhs: WarningLevel, rhs: WarningLevel) -> Bool { lhs.rawValue < rhs.rawValue }

    public var nameZH: String {
        switch self {
        case .green: "绿色"
        case .yellow: "黄色"
        case .red: "红色"
        }
    }

    public var nameEN: String {
        switch self {
        case .green: "green"
        case .yellow: "yellow"
        case .red: "red"
        }
    }
}

/// How many cases are at each level, and the level a unit rolls up to from them.
public struct LevelCounts: Sendable, Hashable, Codable {
    public var green = 0
    public var yellow = 0
    public var red = 0

    public init(green: Int = 0, yellow: Int = 0, red: Int = 0) {
        self.green = green
        self.yellow = yellow
        self.red = red
    }

    public var total: Int { green + yellow + red }

    public mutating func add(_ level: WarningLevel) {
        switch level {
        case .green: green += 1
        case .yellow: yellow += 1
        case .red: red += 1
        }
    }

    public subscript(level: WarningLevel) -> Int {
        switch level {
        case .green: green
        case .yellow: yellow
        case .red: red
        }
    }
}
