import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// One connection of a client's pool, (re)established lazily by the calls that need it.
///
/// After a failed attempt, the next one waits a jittered, growing backoff; calls
/// arriving meanwhile wait for it when their deadline allows (so a server restart costs
/// callers a short wait, not errors) and fail with UNAVAILABLE when it does not. All
/// calls waiting for a connection share one attempt. A GOAWAY or a lost connection puts
/// the slot back to idle; the next call reconnects.
final class ConnectionSlot: Sendable {
    private enum State {
        case idle(failures: Int, nextAttempt: ContinuousClock.Instant?, lastError: String?)
        case connecting(failures: Int, EventLoopFuture<ClientConnection>)
        case ready(ClientConnection)
        case closed
    }

    private enum Next {
        case use(ClientConnection)
        case wait(EventLoopFuture<ClientConnection>)
        case connect(failures: Int, EventLoopPromise<ClientConnection>)
        case backOff(until: ContinuousClock.Instant, lastError: String?)
        case closed
    }

    private let configuration: RPCClient.Configuration
    private let group: any EventLoopGroup
    private let logger: Logger
    private let state = NIOLockedValueBox(State.idle(failures: 0, nextAttempt: nil, lastError: nil))

    init(configuration: RPCClient.Configuration, group: any EventLoopGroup, logger: Logger) {
        self.configuration = configuration
        self.group = group
        self.logger = logger
    }

    private var target: String { "\(self.configuration.host):\(self.configuration.port)" }

    /// A ready connection, connecting first when needed. Throws `CallFailure`.
    func connection(deadline: ContinuousClock.Instant?) async throws -> ClientConnection {
        while true {
            let next: Next = self.state.withLockedValue { state in
                switch state {
                case .ready(let connection):
                    return .use(connection)
                case .connecting(_, let future):
                    return .wait(future)
                case .closed:
                    return .closed
                case .idle(let failures, let nextAttempt, let lastError):
                    if let nextAttempt, nextAttempt > .now {
                        return .backOff(until: nextAttempt, lastError: lastError)
                    }
                    let promise = self.group.any().makePromise(of: ClientConnection.self)
                    state = .connecting(failures: failures, promise.futureResult)
                    return .connect(failures: failures, promise)
                }
            }
            switch next {
            case .use(let connection):
                return connection
            case .closed:
                throw CallFailure(.unavailable, "the client is closed", mayHaveRun: false)
            case .wait(let future):
                return try await self.waitFor(future)
            case .connect(let failures, let promise):
                self.connect(failures: failures, promise: promise)
                return try await self.waitFor(promise.futureResult)
            case .backOff(let until, let lastError):
                let reason = lastError.map { ": \($0)" } ?? ""
                if let deadline, deadline < until {
                    throw CallFailure(.unavailable, "cannot connect to \(self.target)\(reason)", mayHaveRun: false)
                }
                do {
                    try await Task.sleep(until: until, clock: .continuous)
                } catch {
                    throw CallFailure(.cancelled, "the call was cancelled", mayHaveRun: false)
                }
            }
        }
    }

    private func waitFor(_ future: EventLoopFuture<ClientConnection>) async throws -> ClientConnection {
        do {
            return try await future.get()
        } catch {
            throw CallFailure(.unavailable, "cannot connect to \(self.target): \(error)", mayHaveRun: false, cause: error)
        }
    }

    private func connect(failures: Int, promise: EventLoopPromise<ClientConnection>) {
        let limits = FramedConnectionHandler.Limits(
            maxFrameSize: self.configuration.maxFrameSize,
            frameReadTimeout: self.configuration.frameReadTimeout,
            keepAliveInterval: self.configuration.keepAliveInterval,
            keepAliveTimeout: self.configuration.keepAliveTimeout
        )
        let logger = self.logger
        ClientBootstrap(group: self.group)
            .channelOption(.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(TimeAmount(self.configuration.connectTimeout))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let id = ObjectIdentifier(channel)
                    let handler = ClientConnectionHandler(limits: limits, logger: logger) { [weak self] event in
                        self?.connectionEvent(event, id: id)
                    }
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .connect(host: self.configuration.host, port: self.configuration.port)
            .flatMapThrowing { channel in
                let handler = try channel.pipeline.syncOperations.handler(type: ClientConnectionHandler.self)
                return ClientConnection(channel: channel, handler: NIOLoopBound(handler, eventLoop: channel.eventLoop))
            }
            .whenComplete { result in
                switch result {
                case .success(let connection):
                    let keep: Bool = self.state.withLockedValue { state in
                        guard case .connecting = state else { return false }
                        state = .ready(connection)
                        return true
                    }
                    if keep {
                        self.logger.debug("connected", metadata: ["server": "\(self.target)"])
                        promise.succeed(connection)
                    } else {
                        connection.channel.close(promise: nil)
                        promise.fail(RPCError(code: .unavailable, message: "the client is closed"))
                    }
                case .failure(let error):
                    let delay = self.configuration.backoff.delay(afterFailures: failures + 1)
                    self.state.withLockedValue { state in
                        guard case .connecting = state else { return }
                        state = .idle(failures: failures + 1, nextAttempt: .now + delay, lastError: "\(error)")
                    }
                    self.logger.debug("connect failed", metadata: ["server": "\(self.target)", "error": "\(error)", "retry-in": "\(delay)"])
                    promise.fail(error)
                }
            }
    }

    private func connectionEvent(_ event: ClientConnectionHandler.Event, id: ObjectIdentifier) {
        self.state.withLockedValue { state in
            guard case .ready(let connection) = state, connection.id == id else { return }
            state = .idle(failures: 0, nextAttempt: nil, lastError: nil)
        }
    }

    /// A connection only if one is up, for pings and diagnostics.
    var readyConnection: ClientConnection? {
        self.state.withLockedValue { state in
            if case .ready(let connection) = state { return connection }
            return nil
        }
    }

    /// Stops the slot; its connection closes once its calls are answered.
    func close() -> ClientConnection? {
        self.state.withLockedValue { state in
            defer { state = .closed }
            if case .ready(let connection) = state { return connection }
            return nil
        }
    }
}
