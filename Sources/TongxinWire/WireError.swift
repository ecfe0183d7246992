/// Why a message could not be encoded or decoded.
public enum WireError: Error, Sendable, Hashable, CustomStringConvertible {
    /// protobuf-c rejected the bytes: truncated, garbage, or a field of the wrong wire type.
    case malformed(message: String, byteCount: Int)
    /// A string field holds a NUL character (which protobuf-c's C strings cannot carry) or
    /// bytes that are not valid UTF-8. `field` is `Message.field` of the offending field,
    /// which may be nested inside `message`.
    case invalidString(message: String, field: String)
    /// protobuf-c packed a different number of bytes than it measured (a bug, never input).
    case encodingFailed(message: String)

    public var description: String {
        switch self {
        case .malformed(let message, let count):
            return "malformed \(message) (\(count) bytes)"
        case .invalidString(let message, let field):
            return "\(message): \(field) is not valid UTF-8 or contains a NUL character"
        case .encodingFailed(let message):
            return "could not encode \(message)"
        }
    }
}
