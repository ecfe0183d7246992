import CProtobufC

/// Reads the fields of a message decoded by protobuf-c. Valid only while the decoded
/// message lives (inside `WireMessage.init(serializedBytes:)`); generated code copies
/// every field into Swift values.
public struct WireReader {
    let base: UnsafeRawPointer
    let descriptor: WireDescriptor

    init(base: UnsafeRawPointer, descriptor: WireDescriptor) {
        self.base = base
        self.descriptor = descriptor
    }

    private func singular(_ number: UInt32, _ accepts: (ProtobufCType) -> Bool) -> UnsafePointer<ProtobufCFieldDescriptor> {
        let field = descriptor.field(number)
        precondition(field.pointee.label != PROTOBUF_C_LABEL_REPEATED && accepts(field.pointee.type),
                     "\(descriptor.name).\(number): field type does not match the generated code")
        return field
    }

    private func repeated(_ number: UInt32, _ accepts: (ProtobufCType) -> Bool) -> (count: Int, elements: UnsafeRawPointer?) {
        let field = descriptor.field(number)
        precondition(field.pointee.label == PROTOBUF_C_LABEL_REPEATED && accepts(field.pointee.type),
                     "\(descriptor.name).\(number): field type does not match the generated code")
        let count = base.load(fromByteOffset: Int(field.pointee.quantifier_offset), as: Int.self)
        let elements = base.load(fromByteOffset: Int(field.pointee.offset), as: UnsafeRawPointer?.self)
        return (elements == nil ? 0 : count, elements)
    }

    public func scalar<T: WireScalar>(_ number: UInt32) -> T {
        let field = singular(number, T.accepts)
        return T.load(from: base + Int(field.pointee.offset))
    }

    public func string(_ number: UInt32) -> String {
        let field = singular(number) { $0 == PROTOBUF_C_TYPE_STRING }
        guard let chars = base.load(fromByteOffset: Int(field.pointee.offset), as: UnsafePointer<CChar>?.self) else {
            return ""
        }
        return String(cString: chars)
    }

    public func bytes(_ number: UInt32) -> [UInt8] {
        let field = singular(number) { $0 == PROTOBUF_C_TYPE_BYTES }
        let binary = base.load(fromByteOffset: Int(field.pointee.offset), as: ProtobufCBinaryData.self)
        return Self.copy(binary)
    }

    public func enumeration<E: WireEnum>(_ number: UInt32) -> E {
        let field = singular(number) { $0 == PROTOBUF_C_TYPE_ENUM }
        return E(rawValue: base.load(fromByteOffset: Int(field.pointee.offset), as: Int32.self))
    }

    public func message<M: WireMessage>(_ number: UInt32) throws -> M? {
        let field = singular(number) { $0 == PROTOBUF_C_TYPE_MESSAGE }
        guard let child = base.load(fromByteOffset: Int(field.pointee.offset), as: UnsafeRawPointer?.self) else {
            return nil
        }
        return try M(wire: WireReader(base: child, descriptor: M.wireDescriptor))
    }

    public func repeatedScalar<T: WireScalar>(_ number: UInt32) -> [T] {
        let (count, elements) = repeated(number, T.accepts)
        guard let elements else { return [] }
        return (0..<count).map { T.load(from: elements + $0 * T.cStride) }
    }

    public func repeatedString(_ number: UInt32) -> [String] {
        let (count, elements) = repeated(number) { $0 == PROTOBUF_C_TYPE_STRING }
        guard let elements else { return [] }
        let strings = elements.assumingMemoryBound(to: UnsafePointer<CChar>?.self)
        return (0..<count).map { strings[$0].map { String(cString: $0) } ?? "" }
    }

    public func repeatedBytes(_ number: UInt32) -> [[UInt8]] {
        let (count, elements) = repeated(number) { $0 == PROTOBUF_C_TYPE_BYTES }
        guard let elements else { return [] }
        let items = elements.assumingMemoryBound(to: ProtobufCBinaryData.self)
        return (0..<count).map { Self.copy(items[$0]) }
    }

    public func repeatedEnumeration<E: WireEnum>(_ number: UInt32) -> [E] {
        let (count, elements) = repeated(number) { $0 == PROTOBUF_C_TYPE_ENUM }
        guard let elements else { return [] }
        return (0..<count).map { E(rawValue: elements.load(fromByteOffset: $0 * 4, as: Int32.self)) }
    }

    public func repeatedMessage<M: WireMessage>(_ number: UInt32) throws -> [M] {
        let (count, elements) = repeated(number) { $0 == PROTOBUF_C_TYPE_MESSAGE }
        guard let elements else { return [] }
        let children = elements.assumingMemoryBound(to: UnsafeRawPointer?.self)
        var result: [M] = []
        result.reserveCapacity(count)
        for index in 0..<count {
            guard let child = children[index] else { continue }
            result.append(try M(wire: WireReader(base: child, descriptor: M.wireDescriptor)))
        }
        return result
    }

    private static func copy(_ binary: ProtobufCBinaryData) -> [UInt8] {
        guard binary.len > 0, let data = binary.data else { return [] }
        return Array(UnsafeBufferPointer(start: data, count: binary.len))
    }
}
