/// Why a frame could not be taken as it came.
///
/// Most are fatal for the connection — once a length cannot be trusted or a frame cannot
/// be read, nothing after it can be framed — and are answered with a GOAWAY carrying the
/// status below before the connection is closed. `callRefused` is not: the frame was
/// skipped whole, and only its call is answered (see `isFatal`).
enum FrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The length prefix exceeds the maximum frame size. `callID` is the call the frame
    /// belongs to when it could be read from the bytes that did arrive.
    case tooLarge(length: Int, limit: Int, callID: UInt64?)
    /// The frame's bytes are not a `Frame` message.
    case unparsable(length: Int, reason: String)
    /// The frame is well-formed but breaks the protocol (a reused call id, …).
    case protocolViolation(String)
    /// A frame that is not a REQUEST (so no call can be answered) carries more metadata
    /// than allowed.
    case metadataTooLarge(entries: Int, bytes: Int, maxEntries: Int, maxBytes: Int)
    /// A REQUEST frame was skipped without being decoded (too much metadata, a string that
    /// is not UTF-8): its call is answered with `status`, and the connection goes on.
    case callRefused(callID: UInt64, status: Status)

    /// Whether the connection must close (everything but `callRefused`).
    var isFatal: Bool {
        if case .callRefused = self { return false }
        return true
    }

    var status: Status {
        switch self {
        case .tooLarge(let length, let limit, _):
            Status(code: .resourceExhausted, message: "frame of \(length) bytes exceeds the maximum frame size of \(limit) bytes")
        case .unparsable(let length, _):
            // The decoder's reason stays in the log: no type names or offsets on the wire.
            Status(code: .internalError, message: "unparsable frame of \(length) bytes")
        case .protocolViolation(let what):
            Status(code: .internalError, message: "protocol violation: \(what)")
        case .metadataTooLarge(let entries, let bytes, let maxEntries, let maxBytes):
            Status(code: .resourceExhausted, message: Self.metadataMessage(entries: entries, bytes: bytes, maxEntries: maxEntries, maxBytes: maxBytes))
        case .callRefused(_, let status):
            status
        }
    }

    static func metadataMessage(entries: Int, bytes: Int, maxEntries: Int, maxBytes: Int) -> String {
        "metadata of \(entries) entries and \(bytes) bytes exceeds the limit of \(maxEntries) entries and \(maxBytes) bytes"
    }

    var description: String {
        if case .unparsable(let length, let reason) = self {
            return "unparsable frame of \(length) bytes: \(reason)"
        }
        return self.status.description
    }
}
