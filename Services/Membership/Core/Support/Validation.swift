import Foundation
import MembershipRules

/// Field checks shared by the handlers; each failure is INVALID_ARGUMENT naming the field
/// (issue 3, "Bad input").
enum Validate {
    /// A trimmed, non-empty name of at most `limit` characters.
    static func name(_ raw: String, field: String = "name", limit: Int = 200) throws(MembershipError) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty else { throw .missing(field) }
        guard text.count <= limit, !text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw .invalidArgument(field: field, zh: "长度不超过\(limit)个字符且不含控制字符", en: "at most \(limit) characters, no control characters")
        }
        return text
    }

    /// Free text (a reason, a note) of at most `limit` characters; may be empty.
    static func text(_ raw: String, field: String, limit: Int = 4000) throws(MembershipError) -> String {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard text.count <= limit else {
            throw .invalidArgument(field: field, zh: "长度不超过\(limit)个字符", en: "at most \(limit) characters")
        }
        return text
    }

    static func divisionCode(_ raw: String) throws(MembershipError) -> DivisionCode {
        guard !raw.isEmpty else { throw .missing("division_code") }
        do {
            return try DivisionCode(raw)
        } catch {
            throw .invalid(error)
        }
    }

    static func id(_ raw: String, field: String) throws(MembershipError) -> UUID {
        guard !raw.isEmpty else { throw .missing(field) }
        guard let id = UUID(canonicalText: raw) else {
            throw .invalidArgument(field: field, zh: "不是有效的标识", en: "not a valid id")
        }
        return id
    }

    static func count(_ value: Int64, field: String) throws(MembershipError) -> Int {
        guard value >= 0, value <= 1_000_000 else {
            throw .invalidArgument(field: field, zh: "应为0到1000000之间的整数", en: "must be between 0 and 1000000")
        }
        return Int(value)
    }
}
