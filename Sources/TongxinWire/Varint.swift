/// Protobuf's base-128 varint, read from raw bytes without unpacking a message: what the
/// checks that run before protobuf-c (string validation, frame metadata limits) need.
public enum ProtobufVarint {
    /// The varint at `index` (advanced past it); nil when the bytes end first or it runs
    /// past 64 bits.
    public static func read(_ bytes: UnsafeRawBufferPointer, _ index: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            index += 1
            value |= UInt64(byte & 0x7F) << shift
            if byte & 0x80 == 0 { return value }
            shift += 7
        }
        return nil
    }
}
