import Foundation

/// What an enum is stored as: a small integer (`smallint` code) or a text name.
///
/// Only `Int` and `String` conform: a stored enum value is one of the two, so every
/// enum binds and decodes the same way.
public protocol PostgresEnumStorage: PostgresDecodable, Hashable, Sendable, CustomStringConvertible {
    /// The bind parameter carrying this stored value.
    var postgresValue: PostgresValue { get }
}

extension Int: PostgresEnumStorage {
    public var postgresValue: PostgresValue { .int(Int64(self)) }
}

extension String: PostgresEnumStorage {
    public var postgresValue: PostgresValue { .text(self) }
}

/// An enum kept in a column by an explicit, stable stored value — never by its position
/// in `allCases`, which changes meaning the day a case is inserted.
///
/// Decoding a value no case claims throws a `.decoding` error (the row is corrupt or was
/// written by a newer version); it never falls back to a default case. Enums whose raw
/// value is the stored value get both requirements for free; others (an enum named by
/// strings in JSON but stored as a `smallint` code) spell out the mapping.
public protocol PostgresEnum: PostgresArrayElement, Sendable {
    associatedtype StoredValue: PostgresEnumStorage
    /// The value written to the column.
    var storedValue: StoredValue { get }
    /// The case stored as `storedValue`, or nil when no case is.
    init?(storedValue: StoredValue)
}

extension PostgresEnum where Self: RawRepresentable, RawValue == StoredValue {
    public var storedValue: StoredValue { rawValue }
    public init?(storedValue: StoredValue) { self.init(rawValue: storedValue) }
}

extension PostgresEnum {
    public static func decode(text: String, typeOID: UInt32) throws -> Self {
        let stored = try StoredValue.decode(text: text, typeOID: typeOID)
        guard let value = Self(storedValue: stored) else {
            throw PostgresError(kind: .decoding, message: "\(stored) is not a stored value of \(Self.self)")
        }
        return value
    }

    /// The bind parameter for this value.
    public var postgresValue: PostgresValue { storedValue.postgresValue }

    /// The stored values of `values` as an SQL list, `(1, 2, 3)` or `('a', 'b')`, for
    /// `IN` clauses over trusted, code-defined sets (never over caller input).
    public static func sqlList(_ values: some Sequence<Self>) -> String {
        let items = values.map { value -> String in
            switch value.storedValue.postgresValue {
            case .text(let text): "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
            default: value.storedValue.description
            }
        }
        return "(" + items.joined(separator: ", ") + ")"
    }
}

extension PostgresValue {
    /// A stored enum's value; nil binds SQL NULL.
    public init(_ value: (some PostgresEnum)?) {
        self = value?.postgresValue ?? .null
    }
}
