import Foundation

/// A Swift type that can be read from a result cell in PostgreSQL's text format.
///
/// Results are always requested in text format, so one parser per Swift type covers every
/// server type that prints compatibly (e.g. `Int` from int2/int4/int8). The type OID is
/// passed for types that need it (e.g. `[UInt8]` from `bytea`).
public protocol PostgresDecodable {
    static func decode(text: String, typeOID: UInt32) throws -> Self
    /// The value for SQL NULL. Throws by default; `Optional` answers nil.
    static func decodeNull() throws -> Self
}

extension PostgresDecodable {
    public static func decodeNull() throws -> Self {
        throw PostgresError(kind: .decoding, message: "NULL cannot be decoded as \(Self.self); decode an Optional")
    }
}

/// A type that can also be read as the element of a one-dimensional PostgreSQL array,
/// which gives `[Element]` (and `[Element?]` for arrays holding NULLs) its decoding.
public protocol PostgresArrayElement: PostgresDecodable {
    static func decodeArray(text: String, typeOID: UInt32) throws -> [Self]
}

extension PostgresArrayElement {
    public static func decodeArray(text: String, typeOID: UInt32) throws -> [Self] {
        let elementOID = PostgresArrayLiteral.elementOID(ofArray: typeOID)
        return try PostgresArrayLiteral.parse(text).map { element in
            if let element { try decode(text: element, typeOID: elementOID) } else { try decodeNull() }
        }
    }
}

extension Array: PostgresDecodable where Element: PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> [Element] {
        try Element.decodeArray(text: text, typeOID: typeOID)
    }
}

extension Optional: PostgresDecodable where Wrapped: PostgresDecodable {
    public static func decode(text: String, typeOID: UInt32) throws -> Wrapped? {
        try Wrapped.decode(text: text, typeOID: typeOID)
    }

    public static func decodeNull() throws -> Wrapped? { nil }
}

extension Optional: PostgresArrayElement where Wrapped: PostgresArrayElement {}

private func decodingError(_ text: String, as type: Any.Type) -> PostgresError {
    let shown = text.count > 64 ? String(text.prefix(64)) + "…" : text
    return PostgresError(kind: .decoding, message: "cannot decode '\(shown)' as \(type)")
}

extension String: PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> String { text }
}

extension Int64: PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> Int64 {
        guard let value = Int64(text) else { throw decodingError(text, as: Int64.self) }
        return value
    }
}

extension Int: PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> Int {
        guard let value = Int(text) else { throw decodingError(text, as: Int.self) }
        return value
    }
}

extension Int32: PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> Int32 {
        guard let value = Int32(text) else { throw decodingError(text, as: Int32.self) }
        return value
    }
}

extension Bool: PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> Bool {
        switch text {
        case "t", "true": return true
        case "f", "false": return false
        default: throw decodingError(text, as: Bool.self)
        }
    }
}

extension Double: PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> Double {
        guard let value = Double(text) else { throw decodingError(text, as: Double.self) }
        return value
    }
}

extension Date: PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> Date {
        guard let value = PostgresTimestamp.parse(text) else { throw decodingError(text, as: Date.self) }
        return value
    }
}

extension UUID: PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> UUID {
        guard let value = UUID(canonicalText: text) else { throw decodingError(text, as: UUID.self) }
        return value
    }
}

/// `UInt8` exists as an element so that `[UInt8]` decodes `bytea` (hex output).
extension UInt8: PostgresArrayElement {
    public static func decode(text: String, typeOID: UInt32) throws -> UInt8 {
        guard let value = UInt8(text) else { throw decodingError(text, as: UInt8.self) }
        return value
    }

    public static func decodeArray(text: String, typeOID: UInt32) throws -> [UInt8] {
        let utf8 = Array(text.utf8)
        guard typeOID == PostgresValue.OID.bytea || (utf8.count >= 2 && utf8[0] == UInt8(ascii: "\\") && utf8[1] == UInt8(ascii: "x")) else {
            return try PostgresArrayLiteral.parse(text).map { element in
                if let element { try decode(text: element, typeOID: 0) } else { try decodeNull() }
            }
        }
        guard utf8.count >= 2, utf8[0] == UInt8(ascii: "\\"), utf8[1] == UInt8(ascii: "x"), utf8.count % 2 == 0 else {
            throw decodingError(text, as: [UInt8].self)
        }
        func nibble(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity((utf8.count - 2) / 2)
        var index = 2
        while index < utf8.count {
            guard let high = nibble(utf8[index]), let low = nibble(utf8[index + 1]) else {
                throw decodingError(text, as: [UInt8].self)
            }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }
}

/// Parser for the text form of one-dimensional arrays: `{a,"b c",NULL}`.
enum PostgresArrayLiteral {
    static func parse(_ text: String) throws -> [String?] {
        var scalars = Array(text.unicodeScalars)[...]
        // Arrays with a lower bound other than 1 print as `[0:2]={...}`.
        if scalars.first == "[", let equals = scalars.firstIndex(of: "=") {
            scalars = scalars[(equals + 1)...]
        }
        guard scalars.first == "{", scalars.last == "}" else { throw decodingError(text, as: [String].self) }
        scalars = scalars.dropFirst().dropLast()
        var elements: [String?] = []
        if scalars.allSatisfy({ $0 == " " }) { return elements }
        var index = scalars.startIndex
        while true {
            while index < scalars.endIndex, scalars[index] == " " { index += 1 }
            guard index < scalars.endIndex else { throw decodingError(text, as: [String].self) }
            if scalars[index] == "{" {
                throw PostgresError(kind: .decoding, message: "multi-dimensional arrays are not supported")
            }
            if scalars[index] == "\"" {
                index += 1
                var element = String.UnicodeScalarView()
                var closed = false
                while index < scalars.endIndex {
                    let scalar = scalars[index]
                    index += 1
                    if scalar == "\\" {
                        guard index < scalars.endIndex else { break }
                        element.append(scalars[index])
                        index += 1
                    } else if scalar == "\"" {
                        closed = true
                        break
                    } else {
                        element.append(scalar)
                    }
                }
                guard closed else { throw decodingError(text, as: [String].self) }
                elements.append(String(element))
                while index < scalars.endIndex, scalars[index] == " " { index += 1 }
            } else {
                var element = String.UnicodeScalarView()
                while index < scalars.endIndex, scalars[index] != "," {
                    if scalars[index] == "\\" { index += 1; guard index < scalars.endIndex else { break } }
                    element.append(scalars[index])
                    index += 1
                }
                while let last = element.last, last == " " { element.removeLast() }
                let value = String(element)
                elements.append(value.utf8.count == 4 && value.uppercased() == "NULL" ? nil : value)
            }
            if index == scalars.endIndex { return elements }
            guard scalars[index] == "," else { throw decodingError(text, as: [String].self) }
            index += 1
        }
    }

    static func elementOID(ofArray oid: UInt32) -> UInt32 {
        switch oid {
        case 1000: return PostgresValue.OID.bool
        case 1001: return PostgresValue.OID.bytea
        case 1005: return PostgresValue.OID.int2
        case 1007: return PostgresValue.OID.int4
        case 1009: return PostgresValue.OID.text
        case 1015: return PostgresValue.OID.varchar
        case 1016: return PostgresValue.OID.int8
        case 1021: return PostgresValue.OID.float4
        case 1022: return PostgresValue.OID.float8
        case 1182: return PostgresValue.OID.date
        case 1115: return PostgresValue.OID.timestamp
        case 1185: return PostgresValue.OID.timestamptz
        case 1231: return PostgresValue.OID.numeric
        case 2951: return PostgresValue.OID.uuid
        case 3807: return PostgresValue.OID.jsonb
        default: return 0
        }
    }
}
