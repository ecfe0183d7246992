import Logging
import NIOCore
import TongxinSchemas

/// The server's end of one connection: admits calls (or refuses them: unknown method,
/// too many in flight, draining), runs each as a task, and answers each exactly once —
/// with the handler's outcome, or earlier with DEADLINE_EXCEEDED or CANCELLED, in which
/// case the handler's task is cancelled and its eventual outcome dropped.
///
/// A call keeps its slot against `maxConcurrentCallsPerConnection` until its task has
/// really finished, so handlers that ignore cancellation cannot exceed the cap.
final class ServerConnectionHandler: FramedConnectionHandler {
    private struct Call {
        var task: Task<Void, Never>?
        var answered = false
        var deadlineTimer: Scheduled<Void>?
    }

    private enum State {
        case serving
        /// GOAWAY sent; new calls are refused and the connection closes when the last
        /// call finishes.
        case draining
    }

    /// A year: longer timeouts are treated as this one.
    static let maxTimeoutMicros: Int64 = 365 * 24 * 3600 * 1_000_000

    private let shared: RPCServer.Shared
    private var calls: [UInt64: Call] = [:]
    private var highestCallID: UInt64 = 0
    private var state = State.serving
    private var drainReason = "the server is shutting down"
    private var peerWentAway = false
    private var idleTimer: Scheduled<Void>?
    private var stalledCallTimer: Scheduled<Void>?
    /// Set when the server refused the connection (over a connection cap): it only sends
    /// this in a GOAWAY and closes.
    private let refusal: Status?
    private var peer = "unknown"
    private var taskExecutor: EventLoopTaskExecutor?
    private var loopBound: NIOLoopBound<ServerConnectionHandler>?

    init(shared: RPCServer.Shared, refusal: Status? = nil) {
        self.shared = shared
        self.refusal = refusal
        super.init(limits: shared.limits, logger: shared.logger)
    }

    override var lastCallIDForGoAway: UInt64 { self.highestCallID }

    override func connectionActive() {
        guard let context else { return }
        if let refusal = self.refusal {
            self.closeWithGoAway(refusal)
            return
        }
        self.peer = context.channel.remoteAddress?.displayString ?? "unknown"
        self.logger[metadataKey: "peer"] = "\(self.peer)"
        self.loopBound = NIOLoopBound(self, eventLoop: context.eventLoop)
        if self.shared.handlerExecution != .concurrent || !self.shared.eventLoopServices.isEmpty {
            self.taskExecutor = EventLoopTaskExecutor(eventLoop: context.eventLoop)
        }
        self.armIdleTimer()
    }

    override func connectionInactive() {
        self.idleTimer?.cancel()
        self.stalledCallTimer?.cancel()
        let calls = self.calls
        self.calls = [:]
        for call in calls.values {
            call.deadlineTimer?.cancel()
            call.task?.cancel()
        }
        self.loopBound = nil
    }

    override func framingFailed(_ error: FrameError) {
        if case .tooLarge(_, _, let callID?) = error, callID != 0, self.calls[callID] == nil {
            self.send(.response(callID: callID, status: error.status))
        }
        super.framingFailed(error)
    }

    /// A REQUEST skipped undecoded (too much metadata, invalid text): answered without
    /// running anything, like any call refused at the door.
    override func callRefused(_ callID: UInt64, _ status: Status) {
        guard self.calls[callID] == nil else {
            self.protocolViolation("call id \(callID) is already in use")
            return
        }
        self.highestCallID = max(self.highestCallID, callID)
        self.send(.response(callID: callID, status: status))
    }

    override func frameReceived(_ frame: RpcV1.Frame) {
        switch frame.kind {
        case .request:
            self.requestReceived(frame)
        case .cancel:
            self.answerEarly(frame.callId, Status(code: .cancelled, message: "cancelled by the client"))
        case .goaway:
            self.peerWentAway = true
            self.closeIfDone()
        default:
            // RESPONSE, UNSPECIFIED and kinds from a newer protocol mean nothing to a
            // server; ignoring them keeps old servers talking to newer clients.
            self.logger.debug("ignoring frame of kind \(frame.kind)")
        }
    }

    // MARK: Calls

    private func requestReceived(_ frame: RpcV1.Frame) {
        let id = frame.callId
        guard id != 0 else {
            self.protocolViolation("REQUEST with call id 0")
            return
        }
        guard self.calls[id] == nil else {
            self.protocolViolation("call id \(id) is already in use")
            return
        }
        self.highestCallID = max(self.highestCallID, id)

        guard case .serving = self.state else {
            self.send(.response(callID: id, status: Status(code: .unavailable, message: self.drainReason)))
            return
        }
        guard self.calls.count < self.shared.maxConcurrentCalls else {
            self.send(.response(
                callID: id,
                status: Status(code: .resourceExhausted, message: "too many calls in flight on this connection (limit \(self.shared.maxConcurrentCalls))")
            ))
            return
        }
        guard let handler = self.shared.router.handlers[frame.method] else {
            self.send(.response(callID: id, status: Status(code: .unimplemented, message: "unknown method \(frame.method)")))
            return
        }
        var deadline: ContinuousClock.Instant?
        // Capped so that no peer-chosen number can overflow a timer; a call without a
        // deadline gets the server's default, and none gets more than the server's maximum.
        let timeoutMicros = self.shared.effectiveTimeoutMicros(requested: frame.timeoutMicros, cap: Self.maxTimeoutMicros)
        if timeoutMicros != 0 {
            guard timeoutMicros > 0 else {
                self.send(.response(callID: id, status: Status(code: .deadlineExceeded, message: "the deadline had passed before the call arrived")))
                return
            }
            deadline = .now + .microseconds(timeoutMicros)
        }
        guard let context, let loopBound else { return }

        if self.calls.isEmpty {
            // Activity after a quiet spell: the idle clock starts again.
            self.idleTimer?.cancel()
            self.idleTimer = nil
            self.armIdleTimer()
        }
        var call = Call()
        if deadline != nil {
            let timeout = timeoutMicros
            call.deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(in: .microseconds(timeout)) {
                self.answerEarly(id, Status(code: .deadlineExceeded, message: "deadline of \(Duration.microseconds(timeout)) exceeded"))
            }
        }
        self.calls[id] = call

        let callContext = ServerCallContext(
            method: frame.method,
            metadata: Metadata(wire: frame.metadata),
            deadline: deadline,
            callID: id,
            peer: self.peer,
            methodDescriptor: handler.descriptor,
            logger: self.shared.logger
        )
        let executor = self.shared.executor
        let request = ServerRequest(payload: frame.payload)
        let preference = self.shared.runsOnEventLoop(frame.method, descriptor: handler.descriptor) ? self.taskExecutor : nil
        self.calls[id]?.task = Task(executorPreference: preference) {
            let outcome = await executor.execute(handler, request: request, context: callContext)
            if loopBound.eventLoop.inEventLoop {
                loopBound.value.callFinished(id, outcome)
            } else {
                loopBound.eventLoop.execute {
                    loopBound.value.callFinished(id, outcome)
                }
            }
        }
    }

    private func callFinished(_ id: UInt64, _ outcome: Result<ServerResponse, RPCError>) {
        guard let call = self.calls.removeValue(forKey: id) else { return }
        call.deadlineTimer?.cancel()
        if !call.answered {
            switch outcome {
            case .success(let response):
                let frame = RpcV1.Frame.response(callID: id, status: .ok, metadata: response.trailingMetadata, payload: response.payload)
                if !self.send(frame), self.context?.channel.isActive == true {
                    self.send(.response(callID: id, status: Status(
                        code: .resourceExhausted,
                        message: "response of \(response.payload.count) bytes exceeds the maximum frame size of \(self.limits.maxFrameSize) bytes"
                    )))
                }
            case .failure(let error):
                // INTERNAL never carries a detail: what went wrong inside stays in the log.
                let detail = error.code == .internalError ? nil : error.detail
                self.send(.response(callID: id, status: error.status, metadata: error.metadata, detail: detail))
            }
        }
        self.closeIfDone()
        // A completed call is progress: the idle clock starts again.
        self.idleTimer?.cancel()
        self.idleTimer = nil
        self.armIdleTimer()
    }

    /// Answers a call before its handler finished (deadline, client cancel) and cancels
    /// the handler's task; the call keeps its slot until the task is done.
    private func answerEarly(_ id: UInt64, _ status: Status) {
        guard let call = self.calls[id], !call.answered else { return }
        self.calls[id]?.answered = true
        call.deadlineTimer?.cancel()
        self.send(.response(callID: id, status: status))
        call.task?.cancel()
    }

    private func protocolViolation(_ what: String) {
        self.framingFailed(.protocolViolation(what))
    }

    // MARK: Draining and idleness

    /// Starts a graceful drain: GOAWAY now, close once in-flight calls are done.
    func drain(reason: String = "the server is shutting down") {
        guard case .serving = self.state else { return }
        self.state = .draining
        self.drainReason = reason
        self.send(.goAway(lastCallID: self.highestCallID, status: Status(code: .unavailable, message: reason)))
        self.closeIfDone()
    }

    /// Ends the drain: cancels what still runs and closes.
    func forceClose() {
        self.context?.close(promise: nil)
    }

    /// Closes once no call is left, if a drain or the peer's GOAWAY asked for it.
    private func closeIfDone() {
        guard self.calls.isEmpty else { return }
        if case .serving = self.state, !self.peerWentAway { return }
        self.context?.flush()
        self.context?.close(promise: nil)
    }

    /// The idle clock runs from the connection's start, from a call arriving on a
    /// connection without calls, and from each completed call. When it runs out the
    /// connection is drained; calls still in flight then (none finished within
    /// `idleTimeout`) get `stalledCallGrace` more before they are cancelled and the
    /// connection closed, so that an open call cannot keep a connection forever.
    private func armIdleTimer() {
        guard case .serving = self.state, let idleTimeout = self.shared.idleTimeout, let context, self.idleTimer == nil else { return }
        self.idleTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(idleTimeout)) {
            self.idleTimer = nil
            guard !self.calls.isEmpty else {
                self.logger.debug("closing idle connection")
                self.drain(reason: "the connection was idle for \(idleTimeout)")
                return
            }
            let grace = self.shared.stalledCallGrace
            self.logger.warning("draining a connection whose calls made no progress", metadata: ["calls": "\(self.calls.count)"])
            self.drain(reason: "no call completed on this connection within \(idleTimeout)")
            self.stalledCallTimer = self.context?.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(grace)) {
                self.logger.warning("closing a connection whose calls made no progress", metadata: ["calls": "\(self.calls.count)"])
                self.forceClose()
            }
        }
    }
}
