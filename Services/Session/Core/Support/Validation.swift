import SessionRules
import Foundation
import TongxinService
import TongxinWire

/// Field checks shared by the handlers; each failure is INVALID_ARGUMENT naming the field.
enum Validate {
    /// Trimmed text of at most `limit` characters without control characters (line breaks
    /// allowed); `required` refuses an empty one.
    static func text(_ raw: String, field: String, limit: Int = 4000, required: Bool = false) throws(SessionError) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if required, text.isEmpty { throw .missing(field) }
        guard text.count <= limit,
              !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" })
        else {
            throw .invalidArgument(field: field, zh: "长度不超过\(limit)个字符且不含控制字符", en: "at most \(limit) characters, no control characters")
        }
        return text
    }

    static func id(_ raw: String, field: String) throws(SessionError) -> UUID {
        guard !raw.isEmpty else { throw .missing(field) }
        guard let id = UUID(canonicalText: raw) else {
            throw .invalidArgument(field: field, zh: "不是有效的标识", en: "not a valid id")
        }
        return id
    }

    /// An id the caller names as a target: a malformed one is simply not found.
    static func target(_ raw: String, field: String, what: String) throws(SessionError) -> UUID {
        guard !raw.isEmpty else { throw .missing(field) }
        guard let id = UUID(canonicalText: raw) else { throw .notFound(what: what) }
        return id
    }

    /// A stored enumeration from its wire value; unspecified or unknown is INVALID_ARGUMENT.
    static func code<Value: RawRepresentable<Int>>(_ wire: some WireEnum, field: String, as: Value.Type = Value.self) throws(SessionError) -> Value {
        guard wire.rawValue != 0, let value = Value(rawValue: Int(wire.rawValue)) else {
            throw wire.rawValue == 0 ? .missing(field) : .invalidArgument(field: field, zh: "取值无效", en: "unknown value")
        }
        return value
    }

    /// A unit path that lies inside the caller's scope. A well-formed path outside it is
    /// NOT_FOUND (the unit does not exist for this caller), never PERMISSION_DENIED.
    static func unit(_ raw: String, field: String = "unit_path", caller: Caller) throws(SessionError) -> UnitPath {
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
    static func scope(of caller: Caller) throws(SessionError) -> UnitPath {
        guard let scope = try? UnitPath(caller.unitPath) else { throw .notFound(what: "unit") }
        return scope
    }
}
