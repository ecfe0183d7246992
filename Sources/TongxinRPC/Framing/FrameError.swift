/// Why a byte stream stopped being a stream of frames.
///
/// Each is fatal for the connection — once a length cannot be trusted or a frame
/// cannot be read, nothing after it can be framed — and is answered with a GOAWAY
/// carrying the status below before the connection is closed.
enum FrameError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The length prefix exceeds the maximum frame size. `callID` is the call the frame
    /// belongs to when it could be read from the bytes that did arrive.
    case tooLarge(length: Int, limit: Int, callID: UInt64?)
    /// The frame's bytes are not a `Frame` message.
    case unparsable(length: Int, reason: String)
    /// The frame is well-formed but breaks the protocol (a reused call id, …).
    case protocolViolation(String)

    var status: Status {
        switch self {
        case .tooLarge(let length, let limit, _):
            Status(code: .resourceExhausted, message: "frame of \(length) bytes exceeds the maximum frame size of \(limit) bytes")
        case .unparsable(let length, let reason):
            Status(code: .internalError, message: "unparsable frame of \(length) bytes: \(reason)")
        case .protocolViolation(let what):
            Status(code: .internalError, message: "protocol violation: \(what)")
        }
    }

    var description: String { self.status.description }
}
