import CProtobufC

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes the fields of a message into a protobuf-c struct that is about to be packed.
/// Default values (0, "", empty, nil) are left as protoc-c's init set them, which is what
/// proto3 omits on the wire.
public struct WireWriter {
    let base: UnsafeMutableRawPointer
    let descriptor: WireDescriptor
    let arena: WireArena

    init(base: UnsafeMutableRawPointer, descriptor: WireDescriptor, arena: WireArena) {
        self.base = base
        self.descriptor = descriptor
        self.arena = arena
    }

    private func singular(_ number: UInt32, _ accepts: (ProtobufCType) -> Bool) -> UnsafePointer<ProtobufCFieldDescriptor> {
        let field = descriptor.field(number)
        precondition(field.pointee.label != PROTOBUF_C_LABEL_REPEATED && accepts(field.pointee.type),
                     "\(descriptor.name).\(number): field type does not match the generated code")
        return field
    }

    private func setRepeated(_ number: UInt32, count: Int, stride: Int, _ accepts: (ProtobufCType) -> Bool) -> UnsafeMutableRawPointer? {
        let field = descriptor.field(number)
        precondition(field.pointee.label == PROTOBUF_C_LABEL_REPEATED && accepts(field.pointee.type),
                     "\(descriptor.name).\(number): field type does not match the generated code")
        guard count > 0 else { return nil }
        let elements = arena.allocate(byteCount: count * stride)
        base.storeBytes(of: count, toByteOffset: Int(field.pointee.quantifier_offset), as: Int.self)
        base.storeBytes(of: UnsafeMutableRawPointer?(elements), toByteOffset: Int(field.pointee.offset), as: UnsafeMutableRawPointer?.self)
        return elements
    }

    /// Marks a proto2 `optional` scalar as present (proto3 fields have no has_ flag).
    private func markPresent(_ field: UnsafePointer<ProtobufCFieldDescriptor>) {
        if field.pointee.label == PROTOBUF_C_LABEL_OPTIONAL,
           field.pointee.type != PROTOBUF_C_TYPE_STRING, field.pointee.type != PROTOBUF_C_TYPE_MESSAGE {
            base.storeBytes(of: 1, toByteOffset: Int(field.pointee.quantifier_offset), as: protobuf_c_boolean.self)
        }
    }

    public func scalar<T: WireScalar>(_ number: UInt32, _ value: T) {
        let field = singular(number, T.accepts)
        value.store(to: base + Int(field.pointee.offset))
        markPresent(field)
    }

    public func string(_ number: UInt32, _ value: String) throws {
        let field = singular(number) { $0 == PROTOBUF_C_TYPE_STRING }
        guard !value.isEmpty else { return }
        let copy = try cString(value, field: field)
        base.storeBytes(of: copy, toByteOffset: Int(field.pointee.offset), as: UnsafeMutableRawPointer?.self)
    }

    public func bytes(_ number: UInt32, _ value: [UInt8]) {
        let field = singular(number) { $0 == PROTOBUF_C_TYPE_BYTES }
        guard !value.isEmpty else { return }
        base.storeBytes(of: binary(value), toByteOffset: Int(field.pointee.offset), as: ProtobufCBinaryData.self)
        markPresent(field)
    }

    public func enumeration<E: WireEnum>(_ number: UInt32, _ value: E) {
        let field = singular(number) { $0 == PROTOBUF_C_TYPE_ENUM }
        base.storeBytes(of: value.rawValue, toByteOffset: Int(field.pointee.offset), as: Int32.self)
        markPresent(field)
    }

    public func message<M: WireMessage>(_ number: UInt32, _ value: M?) throws {
        let field = singular(number) { $0 == PROTOBUF_C_TYPE_MESSAGE }
        guard let value else { return }
        let child = try build(value)
        base.storeBytes(of: UnsafeMutableRawPointer?(child), toByteOffset: Int(field.pointee.offset), as: UnsafeMutableRawPointer?.self)
    }

    public func repeatedScalar<T: WireScalar>(_ number: UInt32, _ values: [T]) {
        guard let elements = setRepeated(number, count: values.count, stride: T.cStride, T.accepts) else { return }
        for (index, value) in values.enumerated() {
            value.store(to: elements + index * T.cStride)
        }
    }

    public func repeatedString(_ number: UInt32, _ values: [String]) throws {
        let stride = MemoryLayout<UnsafeMutableRawPointer?>.stride
        guard let elements = setRepeated(number, count: values.count, stride: stride, { $0 == PROTOBUF_C_TYPE_STRING }) else { return }
        let field = descriptor.field(number)
        for (index, value) in values.enumerated() {
            let copy = try cString(value, field: field)
            elements.storeBytes(of: copy, toByteOffset: index * stride, as: UnsafeMutableRawPointer?.self)
        }
    }

    public func repeatedBytes(_ number: UInt32, _ values: [[UInt8]]) {
        let stride = MemoryLayout<ProtobufCBinaryData>.stride
        guard let elements = setRepeated(number, count: values.count, stride: stride, { $0 == PROTOBUF_C_TYPE_BYTES }) else { return }
        for (index, value) in values.enumerated() {
            elements.storeBytes(of: binary(value), toByteOffset: index * stride, as: ProtobufCBinaryData.self)
        }
    }

    public func repeatedEnumeration<E: WireEnum>(_ number: UInt32, _ values: [E]) {
        guard let elements = setRepeated(number, count: values.count, stride: 4, { $0 == PROTOBUF_C_TYPE_ENUM }) else { return }
        for (index, value) in values.enumerated() {
            elements.storeBytes(of: value.rawValue, toByteOffset: index * 4, as: Int32.self)
        }
    }

    public func repeatedMessage<M: WireMessage>(_ number: UInt32, _ values: [M]) throws {
        let stride = MemoryLayout<UnsafeMutableRawPointer?>.stride
        guard let elements = setRepeated(number, count: values.count, stride: stride, { $0 == PROTOBUF_C_TYPE_MESSAGE }) else { return }
        for (index, value) in values.enumerated() {
            let child = try build(value)
            elements.storeBytes(of: UnsafeMutableRawPointer?(child), toByteOffset: index * stride, as: UnsafeMutableRawPointer?.self)
        }
    }

    private func build<M: WireMessage>(_ value: M) throws -> UnsafeMutableRawPointer {
        let childDescriptor = M.wireDescriptor
        let child = arena.allocateMessage(childDescriptor)
        try value.write(to: WireWriter(base: child, descriptor: childDescriptor, arena: arena))
        return child
    }

    private func cString(_ value: String, field: UnsafePointer<ProtobufCFieldDescriptor>) throws -> UnsafeMutableRawPointer {
        var value = value
        return try value.withUTF8 { utf8 in
            if let start = utf8.baseAddress, memchr(start, 0, utf8.count) != nil {
                throw WireError.invalidString(message: descriptor.name, field: String(cString: field.pointee.name))
            }
            let copy = arena.allocate(byteCount: utf8.count + 1)
            if let source = utf8.baseAddress {
                copy.copyMemory(from: source, byteCount: utf8.count)
            }
            copy.storeBytes(of: 0, toByteOffset: utf8.count, as: UInt8.self)
            return copy
        }
    }

    private func binary(_ value: [UInt8]) -> ProtobufCBinaryData {
        let copy = arena.allocate(byteCount: value.count)
        value.withUnsafeBytes { copy.copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
        return ProtobufCBinaryData(len: value.count, data: copy.assumingMemoryBound(to: UInt8.self))
    }
}
