import Foundation
import SupervisionRules
import TongxinService
import TongxinWire

/// Field checks shared by the handlers; each failure is INVALID_ARGUMENT naming the field.
enum Validate {
    /// Trimmed text of at most `limit` characters without control characters (line breaks
    /// allowed); `required` refuses an empty one.
    static func text(_ raw: String, field: String, limit: Int = 4000, required: Bool = false) throws(SupervisionError) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, text.isEmpty { throw .missing(field) }
        guard text.count <= limit,
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" })
        else {
            throw .invalidArgument(field: field, zh: "长度不超过\(limit)个字符且不含控制字符", en: "at most \(limit) characters, no control characters")
        }
        return text
    }

    /// References (attachments): at most 20, each at most 500 characters.
    static func references(_ raw: [String], field: String) throws(SupervisionError) -> [String] {
        guard raw.count <= 20 else {
            throw .invalidArgument(field: field, zh: "附件不超过20个", en: "at most 20 attachments")
        }
        return try raw.map { value throws(SupervisionError) in try text(value, field: field, limit: 500, required: true) }
    }

    static func id(_ raw: String, field: String) throws(SupervisionError) -> UUID {
        guard !raw.isEmpty else { throw .missing(field) }
        guard let id = UUID(canonicalText: raw) else {
            throw .invalidArgument(field: field, zh: "不是有效的标识", en: "not a valid id")
        }
        return id
    }

    /// An id the caller names as a target: a malformed one is simply not found.
    static func target(_ raw: String, field: String, what: String) throws(SupervisionError) -> UUID {
        guard !raw.isEmpty else { throw .missing(field) }
        guard let id = UUID(canonicalText: raw) else { throw .notFound(what: what) }
        return id
    }

    /// A stored enumeration from its wire value; unspecified or unknown is INVALID_ARGUMENT.
    static func code<Value: RawRepresentable<Int>>(_ wire: some WireEnum, field: String, as: Value.Type = Value.self) throws(SupervisionError) -> Value {
        guard wire.rawValue != 0, let value = Value(rawValue: Int(wire.rawValue)) else {
            throw wire.rawValue == 0 ? .missing(field) : .invalidArgument(field: field, zh: "取值无效", en: "unknown value")
        }
        return value
    }

    /// A unit path inside the caller's scope; a well-formed path outside it is NOT_FOUND.
    static func unit(_ raw: String, field: String = "unit_path", caller: Caller) throws(SupervisionError) -> UnitPath {
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

    /// `raw`, or the caller's own scope when empty.
    static func unitOrScope(_ raw: String, caller: Caller) throws(SupervisionError) -> UnitPath {
        if raw.isEmpty {
            guard let scope = try? UnitPath(caller.unitPath) else { throw .notFound(what: "unit") }
            return scope
        }
        return try unit(raw, caller: caller)
    }

    static func year(_ value: Int32, field: String = "year") throws(SupervisionError) -> Int {
        guard (2000...2999).contains(value) else {
            throw .invalidArgument(field: field, zh: "年份须在 2000–2999 之间", en: "a year between 2000 and 2999")
        }
        return Int(value)
    }
}
