import Foundation

/// A bind parameter.
///
/// Every value travels as a separate parameter of `PQexecParams` with an explicit type OID,
/// never spliced into SQL text, so no input can change a statement's meaning and the
/// server never has to guess a type from context.
public enum PostgresValue: Sendable, Hashable {
    case null
    case text(String)
    case int(Int64)
    case bool(Bool)
    case double(Double)
    case timestamp(Date)
    case uuid(UUID)
    /// JSON document text, sent as `jsonb`.
    case jsonb(String)
    case textArray([String])
    case intArray([Int64])
    case bytea([UInt8])

    /// Type OIDs from `pg_type`, stable across PostgreSQL versions.
    enum OID {
        static let unknown: UInt32 = 0
        static let bool: UInt32 = 16
        static let bytea: UInt32 = 17
        static let int8: UInt32 = 20
        static let int2: UInt32 = 21
        static let int4: UInt32 = 23
        static let text: UInt32 = 25
        static let oid: UInt32 = 26
        static let float4: UInt32 = 700
        static let float8: UInt32 = 701
        static let varchar: UInt32 = 1043
        static let date: UInt32 = 1082
        static let timestamp: UInt32 = 1114
        static let timestamptz: UInt32 = 1184
        static let numeric: UInt32 = 1700
        static let uuid: UInt32 = 2950
        static let jsonb: UInt32 = 3802
        static let textArray: UInt32 = 1009
        static let int8Array: UInt32 = 1016
    }

    /// A convenience for optional values: nil binds SQL NULL.
    public init(_ value: String?) { self = value.map(PostgresValue.text) ?? .null }
    public init(_ value: Int?) { self = value.map { .int(Int64($0)) } ?? .null }
    public init(_ value: Bool?) { self = value.map(PostgresValue.bool) ?? .null }
    public init(_ value: Date?) { self = value.map(PostgresValue.timestamp) ?? .null }
    public init(_ value: UUID?) { self = value.map(PostgresValue.uuid) ?? .null }

    /// The type OID sent with the parameter (0 lets the server infer the type of a NULL).
    var typeOID: UInt32 {
        switch self {
        case .null: return OID.unknown
        case .text: return OID.text
        case .int: return OID.int8
        case .bool: return OID.bool
        case .double: return OID.float8
        case .timestamp: return OID.timestamptz
        case .uuid: return OID.uuid
        case .jsonb: return OID.jsonb
        case .textArray: return OID.textArray
        case .intArray: return OID.int8Array
        case .bytea: return OID.bytea
        }
    }

    /// The text-format representation, or nil for SQL NULL.
    func encoded() throws(PostgresError) -> String? {
        switch self {
        case .null: return nil
        case .text(let value), .jsonb(let value): return try Self.checkedText(value)
        case .int(let value): return String(value)
        case .bool(let value): return value ? "t" : "f"
        case .double(let value):
            if value.isNaN { return "NaN" }
            if value.isInfinite { return value > 0 ? "Infinity" : "-Infinity" }
            return "\(value)"
        case .timestamp(let value): return PostgresTimestamp.format(value)
        case .uuid(let value): return value.canonicalText
        case .textArray(let values):
            var out = "{"
            for (index, value) in values.enumerated() {
                if index > 0 { out += "," }
                out += "\""
                for scalar in try Self.checkedText(value).unicodeScalars {
                    if scalar == "\"" || scalar == "\\" { out.unicodeScalars.append("\\") }
                    out.unicodeScalars.append(scalar)
                }
                out += "\""
            }
            return out + "}"
        case .intArray(let values):
            return "{" + values.map { String($0) }.joined(separator: ",") + "}"
        case .bytea(let bytes):
            let digits = Array("0123456789abcdef".utf8)
            var out: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
            out.reserveCapacity(2 + bytes.count * 2)
            for byte in bytes {
                out.append(digits[Int(byte >> 4)])
                out.append(digits[Int(byte & 0x0f)])
            }
            return String(decoding: out, as: UTF8.self)
        }
    }

    /// PostgreSQL text cannot hold NUL; refuse it here rather than truncate silently in C.
    private static func checkedText(_ value: String) throws(PostgresError) -> String {
        if value.utf8.contains(0) {
            throw PostgresError(kind: .invalidInput, message: "text values cannot contain NUL (\\0) characters")
        }
        return value
    }
}

extension PostgresValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
}

extension PostgresValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .int(value) }
}

extension PostgresValue: ExpressibleByBooleanLiteral {
    public init(booleanLiteral value: Bool) { self = .bool(value) }
}

extension PostgresValue: ExpressibleByFloatLiteral {
    public init(floatLiteral value: Double) { self = .double(value) }
}

extension PostgresValue: ExpressibleByNilLiteral {
    public init(nilLiteral: ()) { self = .null }
}
