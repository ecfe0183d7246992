import TongxinWire
/// What the top level of a `Frame`'s bytes says, read without decoding it: the call id,
/// the kind, and how many metadata entries (field 4) of how many bytes it carries.
///
/// One pass, no allocation: the limits on metadata are checked on this before protobuf-c
/// materialises a single entry. The scan stops quietly at the first malformed byte
/// (protobuf-c refuses such a frame right after), so the counts are a lower bound only
/// for frames that would not decode anyway.
struct FrameScan {
    private(set) var callID: UInt64 = 0
    private(set) var kind: Int32 = 0
    private(set) var metadataEntries = 0
    /// The encoded bytes of every entry (key and value with their tags and lengths).
    private(set) var metadataBytes = 0

    init(_ bytes: UnsafeRawBufferPointer) {
        var index = 0
        while index < bytes.count {
            guard let tag = ProtobufVarint.read(bytes, &index) else { return }
            switch (tag >> 3, tag & 7) {
            case (1, 0):
                guard let value = ProtobufVarint.read(bytes, &index) else { return }
                self.callID = value
            case (2, 0):
                guard let value = ProtobufVarint.read(bytes, &index) else { return }
                self.kind = Int32(truncatingIfNeeded: value)
            case (_, 0):
                guard ProtobufVarint.read(bytes, &index) != nil else { return }
            case (_, 1):
                index += 8
            case (_, 5):
                index += 4
            case (let number, 2):
                guard let length = ProtobufVarint.read(bytes, &index), length <= UInt64(bytes.count - index) else { return }
                index += Int(length)
                if number == 4 {
                    self.metadataEntries += 1
                    self.metadataBytes += Int(length)
                }
            default:
                return
            }
        }
    }

}
