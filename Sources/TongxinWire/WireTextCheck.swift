import CProtobufC

/// What protobuf-c does not check when it unpacks: that every `string` field holds valid
/// UTF-8 without NUL characters (protobuf-c copies the bytes into a C string, so a NUL
/// would silently cut the value short and invalid UTF-8 would be "repaired" by Swift).
///
/// Runs over the wire bytes *before* `protobuf_c_message_unpack`, guided by protoc-c's
/// runtime descriptors: string fields are validated, message fields are descended into
/// (at most `maxDepth` levels), everything else is skipped. Structural errors are left to
/// protobuf-c, which rejects them right after.
enum WireTextCheck {
    /// Nesting beyond this depth is refused rather than walked (and protobuf-c itself
    /// recurses without a limit).
    static let maxDepth = 100

    enum Outcome: Equatable {
        case valid
        /// `field` is `Message.field`, for logs only.
        case invalidString(field: String)
        case tooDeep
    }

    static func check(_ bytes: UnsafeRawBufferPointer, _ descriptor: UnsafePointer<ProtobufCMessageDescriptor>, depth: Int = 0) -> Outcome {
        guard depth < maxDepth else { return .tooDeep }
        var index = 0
        while index < bytes.count {
            guard let tag = ProtobufVarint.read(bytes, &index) else { return .valid }
            let number = tag >> 3
            switch tag & 7 {
            case 0:
                guard ProtobufVarint.read(bytes, &index) != nil else { return .valid }
            case 1:
                index += 8
            case 5:
                index += 4
            case 2:
                guard let length = ProtobufVarint.read(bytes, &index), length <= UInt64(bytes.count - index) else { return .valid }
                let value = UnsafeRawBufferPointer(rebasing: bytes[index..<index + Int(length)])
                index += Int(length)
                guard number <= UInt64(UInt32.max),
                      let field = protobuf_c_message_descriptor_get_field(descriptor, UInt32(number))
                else { continue }
                if field.pointee.type == PROTOBUF_C_TYPE_STRING {
                    guard isValidText(value) else {
                        return .invalidString(field: String(cString: descriptor.pointee.name) + "." + String(cString: field.pointee.name))
                    }
                } else if field.pointee.type == PROTOBUF_C_TYPE_MESSAGE, let child = field.pointee.descriptor {
                    let outcome = check(value, child.assumingMemoryBound(to: ProtobufCMessageDescriptor.self), depth: depth + 1)
                    guard outcome == .valid else { return outcome }
                }
            default:
                return .valid  // groups or garbage: protobuf-c's to refuse
            }
        }
        return .valid
    }

    /// Whether `bytes` are well-formed UTF-8 (no overlong forms, surrogates or code points
    /// above U+10FFFF) without any NUL.
    static func isValidText(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var index = 0
        let count = bytes.count
        while index < count {
            let lead = bytes[index]
            if lead < 0x80 {
                guard lead != 0 else { return false }
                index += 1
                continue
            }
            var lower: UInt8 = 0x80
            var upper: UInt8 = 0xBF
            let continuation: Int
            switch lead {
            case 0xC2...0xDF: continuation = 1
            case 0xE0: continuation = 2; lower = 0xA0
            case 0xED: continuation = 2; upper = 0x9F
            case 0xE1...0xEF: continuation = 2
            case 0xF0: continuation = 3; lower = 0x90
            case 0xF4: continuation = 3; upper = 0x8F
            case 0xF1...0xF3: continuation = 3
            default: return false
            }
            guard index + continuation < count else { return false }
            let second = bytes[index + 1]
            guard second >= lower, second <= upper else { return false }
            var next = index + 2
            while next <= index + continuation {
                guard bytes[next] & 0xC0 == 0x80 else { return false }
                next += 1
            }
            index += continuation + 1
        }
        return true
    }

}
