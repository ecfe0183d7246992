/// The one error type of the PostgreSQL layer.
///
/// Callers branch on `kind` (retry, map to an RPC status, tell the user about a duplicate)
/// rather than on message text, and the server's diagnostic fields are kept so a unique
/// violation can be reported by constraint name without parsing messages.
public struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, at the granularity callers act on.
    public enum Kind: Sendable {
        /// Could not open a connection (server down, bad credentials, refused).
        case connectionFailed
        /// The connection broke while in use; the statement's outcome is unknown.
        case connectionLost
        /// SQLSTATE 40001: the transaction lost a serialization race and may be retried.
        case serializationFailure
        /// SQLSTATE 40P01: the transaction was chosen as a deadlock victim and may be retried.
        case deadlock
        /// SQLSTATE 23505; `constraint` names the unique index/constraint.
        case uniqueViolation
        /// SQLSTATE 23503.
        case foreignKeyViolation
        /// SQLSTATE 23514.
        case checkViolation
        /// SQLSTATE 23502.
        case notNullViolation
        /// SQLSTATE 42501 (including row-level-security refusals on write).
        case insufficientPrivilege
        /// SQLSTATE 57014 caused by the caller's task being cancelled.
        case queryCanceled
        /// The call's deadline passed (before sending, or the statement was cut off by it).
        case deadlineExceeded
        /// Bad input: data exceptions (SQLSTATE class 22), malformed URLs or values.
        case invalidInput
        /// Any other server-reported error; see `sqlState`.
        case server
        /// The pool was closed.
        case poolClosed
        /// Every connection is in use and the pool's wait queue is full
        /// (`PostgresPool.maxWaiters`): the caller is refused at once instead of queueing.
        case poolExhausted
        /// A result cell could not be decoded into the requested Swift type.
        case decoding
    }

    public var kind: Kind
    /// The five-character SQLSTATE, when the server reported one.
    public var sqlState: String?
    public var message: String
    public var detail: String?
    public var constraint: String?
    public var table: String?
    public var column: String?

    public init(
        kind: Kind, message: String, sqlState: String? = nil, detail: String? = nil,
        constraint: String? = nil, table: String? = nil, column: String? = nil
    ) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
        self.detail = detail
        self.constraint = constraint
        self.table = table
        self.column = column
    }

    public var description: String {
        var text = "PostgresError.\(kind): \(message)"
        if let sqlState { text += " (SQLSTATE \(sqlState))" }
        if let constraint { text += " constraint=\(constraint)" }
        if let table { text += " table=\(table)" }
        if let column { text += " column=\(column)" }
        if let detail { text += " detail: \(detail)" }
        return text
    }

    /// Whether retrying the whole transaction may succeed.
    public var isRetryable: Bool { kind == .serializationFailure || kind == .deadlock }

    /// Maps a SQLSTATE to the kind callers act on.
    static func kind(forSQLState state: String) -> Kind {
        switch state {
        case "40001": return .serializationFailure
        case "40P01": return .deadlock
        case "23505": return .uniqueViolation
        case "23503": return .foreignKeyViolation
        case "23514": return .checkViolation
        case "23502": return .notNullViolation
        case "42501": return .insufficientPrivilege
        case "57014": return .queryCanceled
        // admin_shutdown, crash_shutdown, cannot_connect_now: the session is gone.
        case "57P01", "57P02", "57P03": return .connectionLost
        default:
            if state.hasPrefix("08") { return .connectionLost }
            if state.hasPrefix("22") { return .invalidInput }
            return .server
        }
    }

    static func poolClosed() -> PostgresError {
        PostgresError(kind: .poolClosed, message: "the PostgreSQL pool is closed")
    }

    static func deadlineExceeded(_ message: String = "the call's deadline passed") -> PostgresError {
        PostgresError(kind: .deadlineExceeded, message: message)
    }
}
