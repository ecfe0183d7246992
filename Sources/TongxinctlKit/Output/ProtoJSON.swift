import CProtobufC
import Foundation
import TongxinWire

/// `--json`: any message of `Schemas/` as JSON, by walking its protobuf encoding with
/// protoc-c's runtime descriptors — so every message of every service, present and future,
/// prints without code of its own.
///
/// The mapping (valid input for proto3 JSON parsers that accept the original field names):
/// - keys are the field names of the `.proto` (`division_code`), in field-number order;
/// - every field is present: scalars with their default, repeated fields as `[]`, a message
///   that is absent as `null`;
/// - enums by the name of their value (`"CHANNEL_DOOR_TO_DOOR"`; a number this build does
///   not know stays a number); 64-bit integers as JSON numbers; bytes in base64;
/// - `tongxin.common.v1.Timestamp` as an RFC 3339 UTC string (`"2025-03-03T02:00:00Z"`),
///   `tongxin.common.v1.Date` as `"2025-03-03"`, and the wrappers (`StringValue`,
///   `Int64Value`, `BoolValue`) as their value.
public enum ProtoJSON {
    public static func encode<Message: WireMessage>(_ message: Message) throws -> JSONValue {
        let bytes = try message.serializedBytes()
        return bytes.withUnsafeBytes { object($0, Message.wireDescriptor.pointer) }
    }

    static func object(_ bytes: UnsafeRawBufferPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>) -> JSONValue {
        let name = String(cString: descriptor.pointee.name)
        var occurrences: [UInt32: [Occurrence]] = [:]
        var reader = Reader(bytes: bytes)
        while let (number, occurrence) = reader.next() {
            occurrences[number, default: []].append(occurrence)
        }
        switch name {
        case "tongxin.common.v1.Timestamp":
            let seconds = Int64(bitPattern: occurrences[1]?.last?.varint ?? 0)
            let nanos = Int32(truncatingIfNeeded: occurrences[2]?.last?.varint ?? 0)
            return .string(rfc3339(seconds: seconds, nanos: nanos))
        case "tongxin.common.v1.Date":
            func part(_ number: UInt32) -> Int { Int(Int32(truncatingIfNeeded: occurrences[number]?.last?.varint ?? 0)) }
            return .string(String(format: "%04d-%02d-%02d", part(1), part(2), part(3)))
        default:
            break
        }
        var fields: [(String, JSONValue)] = []
        for index in 0..<Int(descriptor.pointee.n_fields) {
            let field = descriptor.pointee.fields.advanced(by: index)
            let values = decode(occurrences[field.pointee.id] ?? [], field)
            let key = String(cString: field.pointee.name)
            if field.pointee.label == C.label_repeated {
                fields.append((key, .array(values)))
            } else if let last = values.last {
                fields.append((key, last))
            } else {
                fields.append((key, defaultValue(field)))
            }
        }
        if name.hasPrefix("tongxin.common.v1."), name.hasSuffix("Value"), fields.count == 1 {
            return fields[0].1
        }
        return .object(fields)
    }

    /// One field's values from its occurrences on the wire (packed runs unpacked).
    static func decode(_ occurrences: [Occurrence], _ field: UnsafePointer<ProtobufCFieldDescriptor>) -> [JSONValue] {
        var values: [JSONValue] = []
        let type = field.pointee.type
        for occurrence in occurrences {
            switch occurrence {
            case .length(let payload) where type == C.type_string:
                values.append(.string(String(decoding: payload, as: UTF8.self)))
            case .length(let payload) where type == C.type_bytes:
                values.append(.string(Data(payload).base64EncodedString()))
            case .length(let payload) where type == C.type_message:
                guard let child = field.pointee.descriptor else { continue }
                values.append(payload.withUnsafeBytes { object($0, child.assumingMemoryBound(to: ProtobufCMessageDescriptor.self)) })
            case .length(let payload):
                // A packed run of scalars.
                payload.withUnsafeBytes { buffer in
                    var reader = Reader(bytes: buffer)
                    while !reader.atEnd {
                        let raw: Occurrence?
                        switch wireType(type) {
                        case 0: raw = reader.varint().map { .varint($0) }
                        case 1: raw = reader.fixed(8).map { .fixed64($0) }
                        default: raw = reader.fixed(4).map { .fixed32(UInt32(truncatingIfNeeded: $0)) }
                        }
                        guard let raw, let value = scalar(raw, field) else { break }
                        values.append(value)
                    }
                }
            default:
                if let value = scalar(occurrence, field) { values.append(value) }
            }
        }
        return values
    }

    static func scalar(_ occurrence: Occurrence, _ field: UnsafePointer<ProtobufCFieldDescriptor>) -> JSONValue? {
        let type = field.pointee.type
        switch occurrence {
        case .varint(let raw):
            switch type {
            case C.type_int32: return .int(Int64(Int32(truncatingIfNeeded: raw)))
            case C.type_int64: return .int(Int64(bitPattern: raw))
            case C.type_uint32: return .uint(UInt64(UInt32(truncatingIfNeeded: raw)))
            case C.type_uint64: return .uint(raw)
            case C.type_sint32: return .int(Int64(Int32(truncatingIfNeeded: zigzag(raw))))
            case C.type_sint64: return .int(zigzag(raw))
            case C.type_bool: return .bool(raw != 0)
            case C.type_enum: return enumValue(Int32(truncatingIfNeeded: raw), field)
            default: return nil
            }
        case .fixed32(let raw):
            switch type {
            case C.type_fixed32: return .uint(UInt64(raw))
            case C.type_sfixed32: return .int(Int64(Int32(bitPattern: raw)))
            case C.type_float: return .double(Double(Float(bitPattern: raw)))
            default: return nil
            }
        case .fixed64(let raw):
            switch type {
            case C.type_fixed64: return .uint(raw)
            case C.type_sfixed64: return .int(Int64(bitPattern: raw))
            case C.type_double: return .double(Double(bitPattern: raw))
            default: return nil
            }
        case .length:
            return nil
        }
    }

    static func defaultValue(_ field: UnsafePointer<ProtobufCFieldDescriptor>) -> JSONValue {
        switch field.pointee.type {
        case C.type_string, C.type_bytes: .string("")
        case C.type_message: .null
        case C.type_bool: .bool(false)
        case C.type_enum: enumValue(0, field)
        case C.type_float, C.type_double: .double(0)
        case C.type_uint32, C.type_uint64, C.type_fixed32, C.type_fixed64: .uint(0)
        default: .int(0)
        }
    }

    static func enumValue(_ number: Int32, _ field: UnsafePointer<ProtobufCFieldDescriptor>) -> JSONValue {
        if let raw = field.pointee.descriptor {
            let descriptor = raw.assumingMemoryBound(to: ProtobufCEnumDescriptor.self)
            for index in 0..<Int(descriptor.pointee.n_values) {
                let value = descriptor.pointee.values.advanced(by: index)
                if value.pointee.value == number { return .string(String(cString: value.pointee.name)) }
            }
        }
        return .int(Int64(number))
    }

    static func wireType(_ type: ProtobufCType) -> Int {
        switch type {
        case C.type_fixed64, C.type_sfixed64, C.type_double: 1
        case C.type_fixed32, C.type_sfixed32, C.type_float: 5
        default: 0
        }
    }

    static func zigzag(_ raw: UInt64) -> Int64 {
        Int64(bitPattern: (raw >> 1) ^ (0 &- (raw & 1)))
    }

    static func rfc3339(seconds: Int64, nanos: Int32) -> String {
        let date = Date(timeIntervalSince1970: TimeInterval(seconds))
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        var text = String(format: "%04d-%02d-%02dT%02d:%02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0,
                          parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0)
        if nanos > 0 {
            var fraction = String(format: "%09d", nanos)
            while fraction.hasSuffix("0") { fraction.removeLast() }
            text += "." + fraction
        }
        return text + "Z"
    }

    /// One field occurrence on the wire.
    enum Occurrence {
        case varint(UInt64)
        case fixed64(UInt64)
        case fixed32(UInt32)
        case length([UInt8])

        var varint: UInt64? {
            if case .varint(let value) = self { return value }
            return nil
        }
    }

    /// Reads tag–value pairs; stops (as if at the end) on malformed input, which cannot come
    /// from a message this process encoded itself.
    struct Reader {
        let bytes: UnsafeRawBufferPointer
        var index = 0

        init(bytes: UnsafeRawBufferPointer) {
            self.bytes = bytes
        }

        var atEnd: Bool { index >= bytes.count }

        mutating func next() -> (UInt32, Occurrence)? {
            guard !atEnd, let tag = varint() else { return nil }
            let number = UInt32(truncatingIfNeeded: tag >> 3)
            switch tag & 7 {
            case 0:
                guard let value = varint() else { return nil }
                return (number, .varint(value))
            case 1:
                guard let value = fixed(8) else { return nil }
                return (number, .fixed64(value))
            case 5:
                guard let value = fixed(4) else { return nil }
                return (number, .fixed32(UInt32(truncatingIfNeeded: value)))
            case 2:
                guard let length = varint(), length <= UInt64(bytes.count - index) else { return nil }
                let payload = Array(bytes[index..<index + Int(length)])
                index += Int(length)
                return (number, .length(payload))
            default:
                return nil
            }
        }

        mutating func varint() -> UInt64? {
            var result: UInt64 = 0
            var shift: UInt64 = 0
            while index < bytes.count, shift < 64 {
                let byte = bytes[index]
                index += 1
                result |= UInt64(byte & 0x7F) << shift
                if byte & 0x80 == 0 { return result }
                shift += 7
            }
            return nil
        }

        mutating func fixed(_ count: Int) -> UInt64? {
            guard index + count <= bytes.count else { return nil }
            var result: UInt64 = 0
            for offset in 0..<count {
                result |= UInt64(bytes[index + offset]) << (8 * UInt64(offset))
            }
            index += count
            return result
        }
    }
}

/// protobuf-c's constants by their values in protobuf-c.h (`ProtobufCType`, `ProtobufCLabel`):
/// the C module's enum globals are not visible to this target's module emission when
/// TongxinWire is imported, so they are spelled out here.
private enum C {
    static let label_repeated = ProtobufCLabel(rawValue: 2)
    static let type_int32 = ProtobufCType(rawValue: 0)
    static let type_sint32 = ProtobufCType(rawValue: 1)
    static let type_sfixed32 = ProtobufCType(rawValue: 2)
    static let type_int64 = ProtobufCType(rawValue: 3)
    static let type_sint64 = ProtobufCType(rawValue: 4)
    static let type_sfixed64 = ProtobufCType(rawValue: 5)
    static let type_uint32 = ProtobufCType(rawValue: 6)
    static let type_fixed32 = ProtobufCType(rawValue: 7)
    static let type_uint64 = ProtobufCType(rawValue: 8)
    static let type_fixed64 = ProtobufCType(rawValue: 9)
    static let type_float = ProtobufCType(rawValue: 10)
    static let type_double = ProtobufCType(rawValue: 11)
    static let type_bool = ProtobufCType(rawValue: 12)
    static let type_enum = ProtobufCType(rawValue: 13)
    static let type_string = ProtobufCType(rawValue: 14)
    static let type_bytes = ProtobufCType(rawValue: 15)
    static let type_message = ProtobufCType(rawValue: 16)
}
