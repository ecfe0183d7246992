import Logging
import NIOCore
import TongxinSchemas

/// The client's end of one connection: numbers calls (odd, increasing), completes each
/// call's promise from the RESPONSE with its id, enforces deadlines locally (failing
/// the call and sending CANCEL), and fails what is left when the server goes away —
/// marking which calls provably never ran, so they can be retried safely.
final class ClientConnectionHandler: FramedConnectionHandler {
    /// What the connection tells its pool slot.
    enum Event: Sendable {
        /// GOAWAY received: send no new calls here.
        case goAway
        case closed
    }

    private struct PendingCall {
        let promise: EventLoopPromise<ClientResponse>
        var deadlineTimer: Scheduled<Void>?
    }

    private var calls: [UInt64: PendingCall] = [:]
    private var nextCallID: UInt64 = 1
    private var goAwayLastCallID: UInt64?
    private var goAwayReason = "the server is going away"
    private var closing = false
    private var remote = "server"
    private let onEvent: @Sendable (Event) -> Void

    init(limits: Limits, logger: Logger, onEvent: @escaping @Sendable (Event) -> Void) {
        self.onEvent = onEvent
        super.init(limits: limits, logger: logger)
    }

    override func connectionActive() {
        if let address = self.context?.channel.remoteAddress {
            self.remote = address.displayString
        }
    }

    override func connectionInactive() {
        let calls = self.calls
        self.calls = [:]
        for (_, call) in calls {
            call.deadlineTimer?.cancel()
            call.promise.fail(CallFailure(.unavailable, "the connection to \(self.remote) was lost", mayHaveRun: true))
        }
        self.onEvent(.closed)
    }

    override func framingFailed(_ error: FrameError) {
        if case .tooLarge(_, _, let callID?) = error, let call = self.calls.removeValue(forKey: callID) {
            call.deadlineTimer?.cancel()
            call.promise.fail(CallFailure(error.status.rpcError, mayHaveRun: true))
        }
        super.framingFailed(error)
    }

    override func frameReceived(_ frame: RpcV1.Frame) {
        switch frame.kind {
        case .response:
            self.responseReceived(frame)
        case .goaway:
            self.goAwayReceived(frame)
        default:
            self.logger.debug("ignoring frame of kind \(frame.kind)")
        }
    }

    // MARK: Calls

    func startCall(
        method: String,
        metadata: Metadata,
        payload: [UInt8],
        deadline: NIODeadline?,
        timeoutMicros: Int64,
        promise: EventLoopPromise<ClientResponse>
    ) {
        guard let context, context.channel.isActive, self.goAwayLastCallID == nil, !self.closing else {
            promise.fail(CallFailure(.unavailable, "the connection to \(self.remote) is closing", mayHaveRun: false))
            return
        }
        let id = self.nextCallID
        let frame = RpcV1.Frame.request(callID: id, method: method, metadata: metadata, timeoutMicros: timeoutMicros, payload: payload)
        let buffer: ByteBuffer
        do {
            buffer = try frame.encoded(allocator: context.channel.allocator, maxFrameSize: self.limits.maxFrameSize)
        } catch let error as FrameError {
            promise.fail(CallFailure(.resourceExhausted, "request too large: \(error.status.message)", mayHaveRun: false))
            return
        } catch {
            promise.fail(CallFailure(.internalError, "the request frame could not be encoded: \(error)", mayHaveRun: false, cause: error))
            return
        }
        self.nextCallID += 2
        var call = PendingCall(promise: promise)
        if let deadline {
            call.deadlineTimer = context.eventLoop.assumeIsolated().scheduleTask(deadline: deadline) {
                self.deadlinePassed(id)
            }
        }
        self.calls[id] = call
        self.write(buffer)
    }

    /// The caller's task was cancelled: tell the server, fail the call as CANCELLED.
    func cancelCall(_ future: EventLoopFuture<ClientResponse>) {
        guard let (id, call) = self.calls.first(where: { $0.value.promise.futureResult === future }) else { return }
        self.calls[id] = nil
        call.deadlineTimer?.cancel()
        self.send(.cancel(callID: id))
        call.promise.fail(CallFailure(.cancelled, "the call was cancelled", mayHaveRun: true))
        self.closeIfDone()
    }

    private func deadlinePassed(_ id: UInt64) {
        guard let call = self.calls.removeValue(forKey: id) else { return }
        self.send(.cancel(callID: id))
        call.promise.fail(CallFailure(.deadlineExceeded, "deadline exceeded", mayHaveRun: true))
        self.closeIfDone()
    }

    private func responseReceived(_ frame: RpcV1.Frame) {
        guard let call = self.calls.removeValue(forKey: frame.callId) else {
            return  // cancelled or timed out here already
        }
        call.deadlineTimer?.cancel()
        let status = Status(wire: frame.status)
        if status.code == .ok {
            call.promise.succeed(ClientResponse(payload: frame.payload, trailingMetadata: Metadata(wire: frame.metadata)))
        } else {
            let refused = self.goAwayLastCallID.map { frame.callId > $0 } ?? false
            let error = RPCError(
                code: status.code, message: status.message, metadata: Metadata(wire: frame.metadata),
                detail: frame.errorDetail.map(ErrorDetail.init(wire:)))
            call.promise.fail(CallFailure(error, mayHaveRun: !refused))
        }
        self.closeIfDone()
    }

    private func goAwayReceived(_ frame: RpcV1.Frame) {
        let last = min(frame.lastCallId, self.goAwayLastCallID ?? .max)
        self.goAwayLastCallID = last
        if let status = frame.status, !status.message.isEmpty {
            self.goAwayReason = status.message
        }
        self.logger.debug("GOAWAY received", metadata: ["last-call-id": "\(last)", "reason": "\(self.goAwayReason)"])
        self.onEvent(.goAway)
        for (id, call) in self.calls where id > last {
            self.calls[id] = nil
            call.deadlineTimer?.cancel()
            call.promise.fail(CallFailure(.unavailable, "\(self.remote) refused the call: \(self.goAwayReason)", mayHaveRun: false))
        }
        self.closeIfDone()
    }

    // MARK: Closing

    /// Sends no new calls, tells the server, and closes once the calls in flight are
    /// answered.
    func closeGracefully() {
        guard !self.closing else { return }
        self.closing = true
        self.send(.goAway(lastCallID: 0, status: Status(code: .ok, message: "the client is closing")))
        self.closeIfDone()
    }

    private func closeIfDone() {
        guard self.calls.isEmpty, self.closing || self.goAwayLastCallID != nil else { return }
        self.context?.flush()
        self.context?.close(promise: nil)
    }
}

extension Status {
    var rpcError: RPCError {
        RPCError(code: self.code, message: self.message)
    }
}
