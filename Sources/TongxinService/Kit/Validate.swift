import Foundation
import TongxinRules
import TongxinSchemas
import TongxinWire

/// Field checks of every service's handlers; each failure is INVALID_ARGUMENT naming the
/// field (a malformed target id, or a unit outside the caller's scope, is NOT_FOUND).
public enum Validate {
    /// Trimmed text of at most `limit` characters without control characters (line breaks
    /// allowed); `required` refuses an empty one.
    public static func text(_ raw: String, field: String, limit: Int = 4000, required: Bool = false) throws(DomainError) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, text.isEmpty { throw .missing(field) }
        guard text.count <= limit,
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" })
        else {
            throw .invalidArgument(field: field, zh: "长度不超过\(limit)个字符且不含控制字符", en: "at most \(limit) characters, no control characters")
        }
        return text
    }

    public static func id(_ raw: String, field: String) throws(DomainError) -> UUID {
        guard !raw.isEmpty else { throw .missing(field) }
        guard let id = UUID(canonicalText: raw) else {
            throw .invalidArgument(field: field, zh: "不是有效的标识", en: "not a valid id")
        }
        return id
    }

    /// An id the caller names as a target: a malformed one is simply not found.
    public static func target(_ raw: String, field: String, what: String) throws(DomainError) -> UUID {
        guard !raw.isEmpty else { throw .missing(field) }
        guard let id = UUID(canonicalText: raw) else { throw .notFound(what: what) }
        return id
    }

    /// A stored enumeration from its wire value; unspecified or unknown is INVALID_ARGUMENT.
    public static func code<Value: RawRepresentable<Int>>(_ wire: some WireEnum, field: String, as: Value.Type = Value.self) throws(DomainError) -> Value {
        guard wire.rawValue != 0, let value = Value(rawValue: Int(wire.rawValue)) else {
            throw wire.rawValue == 0 ? .missing(field) : .invalidArgument(field: field, zh: "取值无效", en: "unknown value")
        }
        return value
    }

    /// A unit path that lies inside the caller's scope. A well-formed path outside it is
    /// NOT_FOUND (the unit does not exist for this caller), never PERMISSION_DENIED.
    public static func unit(_ raw: String, field: String = "unit_path", caller: Caller) throws(DomainError) -> UnitPath {
        guard !raw.isEmpty else { throw .missing(field) }
        let path: UnitPath
        do {
            path = try UnitPath(raw, field: field)
        } catch {
            throw .invalid(error)
        }
        guard let scope = try? UnitPath(caller.unitPath), path.isWithin(scope) else { throw .notFound(what: "unit") }
        return path
    }

    /// The caller's own scope as a unit path (a list over "everything I may see").
    public static func scope(of caller: Caller) throws(DomainError) -> UnitPath {
        guard let scope = try? UnitPath(caller.unitPath) else { throw .notFound(what: "unit") }
        return scope
    }

    /// The instant, or INVALID_ARGUMENT naming `field` for one out of any sane range
    /// (before 1970, after 2999, or nanoseconds out of range).
    public static func instant(_ wire: CommonV1.Timestamp, field: String) throws(DomainError) -> Date {
        guard wire.seconds > 0, wire.seconds < 32_503_680_000, (0..<1_000_000_000).contains(wire.nanos) else {
            throw .invalidArgument(field: field, zh: "时间无效", en: "not a valid instant")
        }
        return wire.date
    }

    /// The calendar day (years 2000–2999), or INVALID_ARGUMENT naming `field`.
    public static func date(_ wire: CommonV1.Date, field: String) throws(DomainError) -> LocalDate {
        guard (2000...2999).contains(wire.year), LocalDate.isValid(year: Int(wire.year), month: Int(wire.month), day: Int(wire.day)) else {
            throw .invalidArgument(field: field, zh: "日期无效", en: "not a valid calendar date")
        }
        return LocalDate(Int(wire.year), Int(wire.month), Int(wire.day))
    }

    /// References (attachments by reference): at most 20, each 1–500 characters.
    public static func references(_ raw: [String], field: String) throws(DomainError) -> [String] {
        guard raw.count <= 20 else {
            throw .invalidArgument(field: field, zh: "附件不超过20个", en: "at most 20 attachments")
        }
        return try raw.map { value throws(DomainError) in try text(value, field: field, limit: 500, required: true) }
    }

    /// `raw` as a unit inside the caller's scope, or the caller's own scope when empty.
    public static func unitOrScope(_ raw: String, caller: Caller) throws(DomainError) -> UnitPath {
        raw.isEmpty ? try scope(of: caller) : try unit(raw, caller: caller)
    }

    /// A calendar year of the deployment's life (2000–2999).
    public static func year(_ value: Int32, field: String = "year") throws(DomainError) -> Int {
        guard (2000...2999).contains(value) else {
            throw .invalidArgument(field: field, zh: "年份须在 2000–2999 之间", en: "a year between 2000 and 2999")
        }
        return Int(value)
    }
}
