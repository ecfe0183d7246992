import CProtobufC

/// A Swift scalar that maps onto protobuf-c's in-memory representation of a field type.
public protocol WireScalar: Sendable, Hashable {
    /// protobuf-c field types stored with this Swift type's layout.
    static func accepts(_ type: ProtobufCType) -> Bool
    static var cStride: Int { get }
    static func load(from pointer: UnsafeRawPointer) -> Self
    func store(to pointer: UnsafeMutableRawPointer)
}

extension WireScalar where Self: FixedWidthInteger {
    public static var cStride: Int { MemoryLayout<Self>.stride }
    public static func load(from pointer: UnsafeRawPointer) -> Self { pointer.loadUnaligned(as: Self.self) }
    public func store(to pointer: UnsafeMutableRawPointer) { pointer.storeBytes(of: self, as: Self.self) }
}

extension Int32: WireScalar {
    public static func accepts(_ type: ProtobufCType) -> Bool {
        type == PROTOBUF_C_TYPE_INT32 || type == PROTOBUF_C_TYPE_SINT32 || type == PROTOBUF_C_TYPE_SFIXED32
    }
}

extension Int64: WireScalar {
    public static func accepts(_ type: ProtobufCType) -> Bool {
        type == PROTOBUF_C_TYPE_INT64 || type == PROTOBUF_C_TYPE_SINT64 || type == PROTOBUF_C_TYPE_SFIXED64
    }
}

extension UInt32: WireScalar {
    public static func accepts(_ type: ProtobufCType) -> Bool {
        type == PROTOBUF_C_TYPE_UINT32 || type == PROTOBUF_C_TYPE_FIXED32
    }
}

extension UInt64: WireScalar {
    public static func accepts(_ type: ProtobufCType) -> Bool {
        type == PROTOBUF_C_TYPE_UINT64 || type == PROTOBUF_C_TYPE_FIXED64
    }
}

/// protobuf-c stores `bool` as `protobuf_c_boolean`, a C `int`.
extension Bool: WireScalar {
    public static func accepts(_ type: ProtobufCType) -> Bool { type == PROTOBUF_C_TYPE_BOOL }
    public static var cStride: Int { MemoryLayout<protobuf_c_boolean>.stride }
    public static func load(from pointer: UnsafeRawPointer) -> Bool {
        pointer.loadUnaligned(as: protobuf_c_boolean.self) != 0
    }
    public func store(to pointer: UnsafeMutableRawPointer) {
        pointer.storeBytes(of: self ? 1 : 0, as: protobuf_c_boolean.self)
    }
}

extension Float: WireScalar {
    public static func accepts(_ type: ProtobufCType) -> Bool { type == PROTOBUF_C_TYPE_FLOAT }
    public static var cStride: Int { MemoryLayout<Float>.stride }
    public static func load(from pointer: UnsafeRawPointer) -> Float { pointer.loadUnaligned(as: Float.self) }
    public func store(to pointer: UnsafeMutableRawPointer) { pointer.storeBytes(of: self, as: Float.self) }
}

extension Double: WireScalar {
    public static func accepts(_ type: ProtobufCType) -> Bool { type == PROTOBUF_C_TYPE_DOUBLE }
    public static var cStride: Int { MemoryLayout<Double>.stride }
    public static func load(from pointer: UnsafeRawPointer) -> Double { pointer.loadUnaligned(as: Double.self) }
    public func store(to pointer: UnsafeMutableRawPointer) { pointer.storeBytes(of: self, as: Double.self) }
}
