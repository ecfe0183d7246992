/// 统计用区划代码 — the 12-digit official division code government systems address units
/// by (DOMAIN.md §"Places"): 2 digits province, 2 city, 2 county, 3 town, 3 village. A
/// unit's code is the last label of its path (`u<code>`); the path itself also names the
/// deployment's root and every unit between, which only membership's tree knows, so the
/// gateway resolves a code through membership (``candidatePaths(_:)`` is for callers with no
/// scope of their own to resolve it in: the anonymous reader of open data).
public enum DivisionCode {
    /// Twelve ASCII digits, not all zero.
    public static func isValid(_ code: String) -> Bool {
        code.utf8.count == 12 && code.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            && code != "000000000000"
    }

    /// The codes of the units above `code` by the national scheme, top first, and `code`
    /// itself last: province, city, county, town (a level whose digits are zero is the level
    /// above, e.g. a city's county digits "00"; repeats are dropped).
    public static func chain(_ code: String) -> [String] {
        guard isValid(code) else { return [] }
        let digits = Array(code)
        var chain: [String] = []
        for kept in [2, 4, 6, 9, 12] {
            let candidate = String(digits.prefix(kept)) + String(repeating: "0", count: 12 - kept)
            if candidate != chain.last { chain.append(candidate) }
        }
        return chain
    }

    /// The paths `code` would have under each root a deployment may have (a county, a city,
    /// a province, the unit itself, a town), most likely first: a deployment serves a county
    /// or a whole city (ARCHITECTURE.md, "Scaling out").
    public static func candidatePaths(_ code: String) -> [UnitPath] {
        let chain = chain(code)
        guard !chain.isEmpty else { return [] }
        let county = String(code.prefix(6)) + "000000"
        let city = String(code.prefix(4)) + "00000000"
        let province = String(code.prefix(2)) + "0000000000"
        let town = String(code.prefix(9)) + "000"
        var roots: [Int] = []
        for root in [county, city, province, code, town] {
            if let index = chain.firstIndex(of: root), !roots.contains(index) { roots.append(index) }
        }
        return roots.compactMap { UnitPath(chain[$0...].map { "u" + $0 }.joined(separator: ".")) }
    }
}
