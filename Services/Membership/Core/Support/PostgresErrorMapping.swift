import TongxinPostgres

extension MembershipError {
    /// A database failure that no repository turned into a domain error. Constraint
    /// violations a repository expects (duplicate codes, duplicate seats) are mapped where
    /// they happen, with the field they concern; whatever reaches this point is the
    /// database's state, not the caller's input.
    init(_ error: PostgresError) {
        switch error.kind {
        case .connectionFailed, .connectionLost, .poolClosed:
            self = .unavailable(String(describing: error.kind))
        case .deadlineExceeded:
            self = .deadlineExceeded
        case .queryCanceled:
            self = .cancelled
        case .serializationFailure, .deadlock:
            self = .aborted(String(describing: error.kind))
        case .insufficientPrivilege:
            // A row-level-security refusal on write: the target lies outside the caller's
            // subtree, which must look exactly like a unit that does not exist.
            self = .notFound(what: "unit")
        default:
            self = .internal(error.sqlState ?? String(describing: error.kind))
        }
    }
}
