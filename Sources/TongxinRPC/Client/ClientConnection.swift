import NIOCore

/// A live connection of the pool, usable from any task: each call completes a promise
/// from the channel handler, so a call costs one hop onto the event loop and one back,
/// and no task of its own.
struct ClientConnection: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<ClientConnectionHandler>

    var eventLoop: any EventLoop { self.handler.eventLoop }
    var id: ObjectIdentifier { ObjectIdentifier(self.channel) }

    /// One attempt of a call. Throws `CallFailure`.
    func call(method: String, metadata: Metadata, payload: [UInt8], deadline: ContinuousClock.Instant?) async throws -> ClientResponse {
        let nioDeadline: NIODeadline?
        let timeoutMicros: Int64
        if let deadline {
            let remaining = deadline - .now
            timeoutMicros = remaining.microseconds
            guard timeoutMicros > 0 else {
                throw CallFailure(.deadlineExceeded, "deadline exceeded before the call was sent", mayHaveRun: false)
            }
            nioDeadline = .now() + TimeAmount(remaining)
        } else {
            nioDeadline = nil
            timeoutMicros = 0
        }
        let promise = self.eventLoop.makePromise(of: ClientResponse.self)
        let handler = self.handler
        if self.eventLoop.inEventLoop {
            handler.value.startCall(method: method, metadata: metadata, payload: payload, deadline: nioDeadline, timeoutMicros: timeoutMicros, promise: promise)
        } else {
            self.eventLoop.execute {
                handler.value.startCall(method: method, metadata: metadata, payload: payload, deadline: nioDeadline, timeoutMicros: timeoutMicros, promise: promise)
            }
        }
        return try await withTaskCancellationHandler {
            try await promise.futureResult.get()
        } onCancel: {
            handler.eventLoop.execute {
                handler.value.cancelCall(promise.futureResult)
            }
        }
    }

    /// A PING/PONG round trip on this connection.
    func ping() async throws -> Duration {
        let promise = self.eventLoop.makePromise(of: Duration.self)
        let handler = self.handler
        self.eventLoop.execute {
            handler.value.ping(promise: promise)
        }
        return try await promise.futureResult.get()
    }

    /// Stops sending calls here and closes once the calls in flight are answered.
    func closeGracefully() {
        let handler = self.handler
        self.eventLoop.execute {
            handler.value.closeGracefully()
        }
    }
}
