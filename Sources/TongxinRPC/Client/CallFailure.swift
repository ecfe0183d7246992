/// A failed attempt, with what the retry logic needs to know besides the status:
/// whether the request may have reached a handler.
struct CallFailure: Error, Sendable {
    var error: RPCError
    /// False only when the request provably never ran: it was never written, the
    /// connection could not be made, or the server refused it while draining
    /// (a call id above the GOAWAY's `last_call_id`).
    var mayHaveRun: Bool

    init(_ code: Status.Code, _ message: String, mayHaveRun: Bool, cause: (any Error)? = nil) {
        self.error = RPCError(code: code, message: message, cause: cause)
        self.mayHaveRun = mayHaveRun
    }

    init(_ error: RPCError, mayHaveRun: Bool) {
        self.error = error
        self.mayHaveRun = mayHaveRun
    }
}
