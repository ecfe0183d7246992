import Foundation

/// 看板范围 — which towns of a unit the county dashboard shows a caller (issue 12 item 5): the
/// caller's grants bound it. A grant whose role reads the dashboard and whose unit covers the
/// unit shows all of it (``whole``); grants of such roles at units inside it show what they
/// cover (``within(_:)``: a town administrator asking for the county sees their own town);
/// nothing of either kind is no dashboard at all (nil: NOT_FOUND, existence does not leak).
public enum DashboardScope: Sendable, Equatable {
    /// A grant covers the whole unit.
    case whole
    /// Only these units inside it (none covering another), sorted by path.
    case within([UnitPath])

    /// The scope of `unit` for a caller whose grants are `grants` (each grant's unit with
    /// the permissions it gives there), counting only grants that give `permission`.
    public static func of(_ unit: UnitPath, grants: [(unit: UnitPath, permissions: Set<String>)],
                          permission: String = GatewayPermission.dashboardRead) -> DashboardScope? {
        let reading = grants.filter { $0.permissions.contains(permission) }.map(\.unit)
        if reading.contains(where: { $0.covers(unit) }) { return .whole }
        let inside = Set(reading.filter { unit.covers($0) })
        // A unit inside another one listed adds nothing.
        let outermost = inside.filter { candidate in !inside.contains { $0 != candidate && $0.covers(candidate) } }
        guard !outermost.isEmpty else { return nil }
        return .within(outermost.sorted { $0.description < $1.description })
    }

    /// The units whose subtrees hold the towns shown: the unit itself, or the grants' units.
    public func roots(of unit: UnitPath) -> [UnitPath] {
        switch self {
        case .whole: [unit]
        case .within(let units): units
        }
    }

    /// Whether `town` is shown: inside the unit (the caller checks that) and, unless the
    /// whole unit is, covered by one of the grants' units.
    public func shows(_ town: UnitPath) -> Bool {
        switch self {
        case .whole: true
        case .within(let units): units.contains { $0.covers(town) }
        }
    }
}

/// 季度 — the quarter a dashboard counts meetings and filings in: a calendar quarter in the
/// deployment's time zone (China Standard Time), [start, end).
public struct DashboardQuarter: Sendable, Equatable {
    public let year: Int
    public let quarter: Int
    public let start: Date
    public let end: Date

    public enum Problem: Error, Equatable {
        /// `year` and `quarter` must be given together (or both left 0).
        case incomplete
        case yearOutOfRange
        case quarterOutOfRange
    }

    /// The quarter `year`/`quarter` (1–4), or — both 0 — the one containing `now`.
    public init(year: Int, quarter: Int, now: Date, timeZone: TimeZone) throws(Problem) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        var year = year
        var quarter = quarter
        if year == 0 && quarter == 0 {
            let today = calendar.dateComponents([.year, .month], from: now)
            year = today.year ?? 1970
            quarter = ((today.month ?? 1) - 1) / 3 + 1
        } else if year == 0 || quarter == 0 {
            throw .incomplete
        }
        guard (2000...2999).contains(year) else { throw .yearOutOfRange }
        guard (1...4).contains(quarter) else { throw .quarterOutOfRange }
        let firstMonth = (quarter - 1) * 3 + 1
        guard let start = calendar.date(from: DateComponents(year: year, month: firstMonth, day: 1)),
              let end = calendar.date(from: DateComponents(year: quarter == 4 ? year + 1 : year, month: quarter == 4 ? 1 : firstMonth + 3, day: 1))
        else { throw .yearOutOfRange }
        self.year = year
        self.quarter = quarter
        self.start = start
        self.end = end
    }
}
