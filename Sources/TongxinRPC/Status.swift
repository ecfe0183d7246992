import TongxinSchemas

/// The outcome of a call, in gRPC's canonical vocabulary.
///
/// Every service answers with one of the same 17 codes so that callers (the gateway,
/// the outbox, the admin CLI) can decide what to do — retry, report, give up — without
/// knowing which service failed or why. The message is for humans: it names the rule
/// that was broken (ARCHITECTURE.md, principle 7).
public struct Status: Sendable, Hashable, CustomStringConvertible {
    /// The canonical status codes, numbered as in gRPC so they can be logged and
    /// compared across systems.
    public enum Code: Int, Sendable, Hashable, CaseIterable, CustomStringConvertible {
        case ok = 0
        case cancelled = 1
        case unknown = 2
        case invalidArgument = 3
        case deadlineExceeded = 4
        case notFound = 5
        case alreadyExists = 6
        case permissionDenied = 7
        case resourceExhausted = 8
        case failedPrecondition = 9
        case aborted = 10
        case outOfRange = 11
        case unimplemented = 12
        case internalError = 13
        case unavailable = 14
        case dataLoss = 15
        case unauthenticated = 16

        /// The upper-snake-case name gRPC uses (`DEADLINE_EXCEEDED`), so logs and metrics
        /// read the same as in every other gRPC system.
        public var description: String {
            switch self {
            case .ok: "OK"
            case .cancelled: "CANCELLED"
            case .unknown: "UNKNOWN"
            case .invalidArgument: "INVALID_ARGUMENT"
            case .deadlineExceeded: "DEADLINE_EXCEEDED"
            case .notFound: "NOT_FOUND"
            case .alreadyExists: "ALREADY_EXISTS"
            case .permissionDenied: "PERMISSION_DENIED"
            case .resourceExhausted: "RESOURCE_EXHAUSTED"
            case .failedPrecondition: "FAILED_PRECONDITION"
            case .aborted: "ABORTED"
            case .outOfRange: "OUT_OF_RANGE"
            case .unimplemented: "UNIMPLEMENTED"
            case .internalError: "INTERNAL"
            case .unavailable: "UNAVAILABLE"
            case .dataLoss: "DATA_LOSS"
            case .unauthenticated: "UNAUTHENTICATED"
            }
        }
    }

    public var code: Code
    public var message: String

    public init(code: Code, message: String = "") {
        self.code = code
        self.message = message
    }

    /// The successful outcome.
    public static let ok = Status(code: .ok)

    public var description: String {
        self.message.isEmpty ? "\(self.code)" : "\(self.code): \(self.message)"
    }
}

extension Status.Code {
    /// Reads a code from the wire; a number this build does not know becomes UNKNOWN,
    /// as gRPC prescribes for unrecognised codes.
    init(wire code: RpcV1.StatusCode) {
        self = Status.Code(rawValue: Int(code.rawValue)) ?? .unknown
    }

    var wire: RpcV1.StatusCode {
        RpcV1.StatusCode(rawValue: Int32(self.rawValue))
    }
}

extension Status {
    init(wire status: RpcV1.Status?) {
        guard let status else {
            self = Status(code: .unknown, message: "response carried no status")
            return
        }
        self.init(code: Code(wire: status.code), message: status.message)
    }

    var wire: RpcV1.Status {
        RpcV1.Status(code: self.code.wire, message: self.message)
    }
}
