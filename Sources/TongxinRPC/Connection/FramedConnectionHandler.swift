import Logging
import NIOCore
import TongxinSchemas

/// What both ends of a connection do alike: split the byte stream into frames, batch
/// outgoing frames into one flush per event-loop turn, answer and send keep-alive pings,
/// and drop a peer that stops halfway through a frame.
///
/// Backpressure (when `Limits.pausesReadingWhenUnwritable`, the server's end): while the
/// channel is not writable — more outbound bytes queued than its write-buffer high-water
/// mark, because the peer does not read — no further frame is decoded and no read is
/// issued, so a peer cannot make us queue answers without bound; reading resumes when
/// the channel is writable again, and a connection unwritable for `unwritableTimeout` is
/// closed.
///
/// `ServerConnectionHandler` and `ClientConnectionHandler` add the call logic in
/// `frameReceived(_:)`. Everything here runs on the channel's event loop.
class FramedConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The largest PING payload a peer may send (as in HTTP/2, 8 bytes): a PONG echoes it,
    /// so a larger one would let a peer make us write what it likes.
    static let maxPingPayload = 8

    /// The limits and timers of a connection.
    struct Limits {
        var maxFrameSize: Int
        /// How long the rest of a started frame may take to arrive.
        var frameReadTimeout: Duration?
        var keepAliveInterval: Duration?
        var keepAliveTimeout: Duration
        /// See `FrameDecoder.maxMetadataEntries` / `maxMetadataBytes`.
        var maxMetadataEntries: Int = 64
        var maxMetadataBytes: Int = 8 * 1024
        /// Stop decoding and reading while the channel is not writable (the server's end;
        /// a client keeps reading so that two ends can never wait on each other).
        var pausesReadingWhenUnwritable = false
        /// How long the channel may stay unwritable before the connection is closed.
        var unwritableTimeout: Duration? = nil
    }

    private struct PendingPing {
        var sentAt: NIODeadline
        var promise: EventLoopPromise<Duration>?
        var timeout: Scheduled<Void>?
    }

    let limits: Limits
    var logger: Logger
    private(set) var context: ChannelHandlerContext?
    private var decoder: FrameDecoder
    private(set) var readingStopped = false
    private var inReadBurst = false
    private var flushPending = false
    private var flushScheduled = false
    private var frameReadTimer: Scheduled<Void>?
    private var keepAliveTimer: Scheduled<Void>?
    private var pings: [UInt64: PendingPing] = [:]
    private var activated = false
    /// Reading is paused for backpressure: the channel is not writable.
    private(set) var outboundBlocked = false
    /// A `read` was held back while paused; issued when reading resumes.
    private var readPending = false
    private var unwritableTimer: Scheduled<Void>?

    init(limits: Limits, logger: Logger) {
        self.limits = limits
        self.logger = logger
        self.decoder = FrameDecoder(
            maxFrameSize: limits.maxFrameSize, maxMetadataEntries: limits.maxMetadataEntries, maxMetadataBytes: limits.maxMetadataBytes)
    }

    // MARK: Hooks for the two ends

    /// A frame other than PING/PONG arrived.
    func frameReceived(_ frame: RpcV1.Frame) {}

    /// The connection is up and the handler is in the pipeline.
    func connectionActive() {}

    /// The connection is gone; fail or cancel whatever still depends on it.
    func connectionInactive() {}

    /// The highest call id this end will still answer, for the GOAWAY it sends.
    var lastCallIDForGoAway: UInt64 { 0 }

    /// The stream can no longer be framed. The default says why in a GOAWAY and closes.
    func framingFailed(_ error: FrameError) {
        self.logger.warning("closing connection: \(error)")
        self.closeWithGoAway(error.status)
    }

    /// A REQUEST frame was skipped undecoded (`FrameError.callRefused`). A server answers
    /// the call; the default (a client, which never receives requests) closes.
    func callRefused(_ callID: UInt64, _ status: Status) {
        self.framingFailed(.protocolViolation("unexpected REQUEST frame"))
    }

    // MARK: Channel events

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive {
            self.activate()
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        self.activate()
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        self.frameReadTimer?.cancel()
        self.keepAliveTimer?.cancel()
        self.unwritableTimer?.cancel()
        let pings = self.pings
        self.pings = [:]
        for ping in pings.values {
            ping.timeout?.cancel()
            ping.promise?.fail(RPCError(code: .unavailable, message: "connection closed before the PONG arrived"))
        }
        self.connectionInactive()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        self.logger.debug("connection error: \(error)")
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !self.readingStopped else { return }
        self.inReadBurst = true
        self.decoder.append(self.unwrapInboundIn(data))
        self.decodeFrames()
    }

    /// Dispatches the buffered frames until the buffer runs dry, the connection fails, or
    /// backpressure pauses reading (the rest stays buffered until it resumes).
    private func decodeFrames() {
        var framesRead = 0
        while !self.readingStopped, !self.isPaused {
            let frame: RpcV1.Frame?
            do {
                frame = try self.decoder.next()
            } catch {
                guard error.isFatal else {
                    framesRead += 1
                    if case .callRefused(let callID, let status) = error {
                        self.callRefused(callID, status)
                    }
                    continue
                }
                self.readingStopped = true
                self.frameReadTimer?.cancel()
                self.framingFailed(error)
                return
            }
            guard let frame else { break }
            framesRead += 1
            self.dispatch(frame)
        }
        self.watchPartialFrame(restart: framesRead > 0)
    }

    /// Whether backpressure holds reading: the channel cannot take more bytes.
    private var isPaused: Bool {
        guard self.limits.pausesReadingWhenUnwritable, let context else { return false }
        return self.outboundBlocked || !context.channel.isWritable
    }

    func read(context: ChannelHandlerContext) {
        if self.isPaused {
            self.readPending = true
            return
        }
        context.read()
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if self.limits.pausesReadingWhenUnwritable {
            if context.channel.isWritable {
                self.resumeReading()
            } else {
                self.pauseReading()
            }
        }
        context.fireChannelWritabilityChanged()
    }

    private func pauseReading() {
        guard !self.outboundBlocked, let context else { return }
        self.outboundBlocked = true
        // The peer is not slow to send but slow to read: the partial-frame timer would
        // blame the wrong side, the unwritable timer takes over.
        self.frameReadTimer?.cancel()
        self.frameReadTimer = nil
        guard let timeout = self.limits.unwritableTimeout, self.unwritableTimer == nil else { return }
        self.unwritableTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            self.unwritableTimer = nil
            self.logger.warning("closing connection: the peer read nothing for \(timeout) while answers were waiting")
            self.readingStopped = true
            self.context?.close(promise: nil)
        }
    }

    private func resumeReading() {
        guard self.outboundBlocked, let context else { return }
        self.outboundBlocked = false
        self.unwritableTimer?.cancel()
        self.unwritableTimer = nil
        guard !self.readingStopped else { return }
        self.decodeFrames()
        if self.readPending, !self.isPaused {
            self.readPending = false
            context.read()
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        self.inReadBurst = false
        if self.flushPending {
            self.flushPending = false
            context.flush()
        }
        context.fireChannelReadComplete()
    }

    private func activate() {
        guard !self.activated else { return }
        self.activated = true
        self.scheduleKeepAlive()
        self.connectionActive()
    }

    private func dispatch(_ frame: RpcV1.Frame) {
        switch frame.kind {
        case .ping:
            guard frame.payload.count <= Self.maxPingPayload else {
                self.readingStopped = true
                self.framingFailed(.protocolViolation("PING payload of \(frame.payload.count) bytes exceeds \(Self.maxPingPayload) bytes"))
                return
            }
            self.send(.pong(frame.payload))
        case .pong:
            self.pongReceived(frame.payload)
        default:
            self.frameReceived(frame)
        }
    }

    // MARK: Sending

    /// Queues a frame; frames queued in the same event-loop turn go out in one flush.
    /// Returns false when the frame could not be encoded or the channel is gone.
    @discardableResult
    func send(_ frame: RpcV1.Frame) -> Bool {
        guard let context, context.channel.isActive else { return false }
        let buffer: ByteBuffer
        do {
            buffer = try frame.encoded(allocator: context.channel.allocator, maxFrameSize: self.limits.maxFrameSize)
        } catch {
            self.logger.error("frame could not be encoded: \(error)")
            return false
        }
        self.write(buffer)
        return true
    }

    /// Queues an already encoded frame (see `send(_:)`).
    func write(_ buffer: ByteBuffer) {
        guard let context else { return }
        context.write(self.wrapOutboundOut(buffer), promise: nil)
        self.scheduleFlush()
    }

    private func scheduleFlush() {
        if self.inReadBurst {
            self.flushPending = true
            return
        }
        guard !self.flushScheduled, let context else { return }
        self.flushScheduled = true
        context.eventLoop.assumeIsolated().execute {
            self.flushScheduled = false
            self.context?.flush()
        }
    }

    /// Says why in a GOAWAY, stops reading and closes.
    func closeWithGoAway(_ status: Status) {
        self.readingStopped = true
        guard let context else { return }
        self.send(.goAway(lastCallID: self.lastCallIDForGoAway, status: status))
        context.flush()
        context.close(promise: nil)
    }

    // MARK: Slow peers

    /// A frame that has started must be complete within `frameReadTimeout`; otherwise a
    /// peer could hold a connection (and its buffer) forever with a few bytes.
    private func watchPartialFrame(restart: Bool) {
        guard let timeout = self.limits.frameReadTimeout, let context, !self.readingStopped, !self.isPaused else { return }
        guard self.decoder.hasPartialFrame else {
            self.frameReadTimer?.cancel()
            self.frameReadTimer = nil
            return
        }
        if self.frameReadTimer != nil, !restart { return }
        self.frameReadTimer?.cancel()
        self.frameReadTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            self.frameReadTimer = nil
            self.logger.warning("closing connection: a frame was not completed within \(timeout)")
            self.readingStopped = true
            self.closeWithGoAway(Status(code: .deadlineExceeded, message: "frame not completed within \(timeout)"))
        }
    }

    // MARK: Keep-alive

    private func scheduleKeepAlive() {
        guard let interval = self.limits.keepAliveInterval, let context else { return }
        self.keepAliveTimer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(interval)) {
            self.keepAliveTimer = nil
            self.ping(promise: nil)
            self.scheduleKeepAlive()
        }
    }

    /// Sends a PING; `promise` gets the round-trip time. A PING unanswered within
    /// `keepAliveTimeout` means the peer is gone: the connection is closed.
    func ping(promise: EventLoopPromise<Duration>?) {
        guard let context, context.channel.isActive else {
            promise?.fail(RPCError(code: .unavailable, message: "connection is closed"))
            return
        }
        // Random, so that a peer cannot answer a PING it never read.
        var id = UInt64.random(in: 1...UInt64.max)
        while self.pings[id] != nil {
            id = UInt64.random(in: 1...UInt64.max)
        }
        let timeout = self.limits.keepAliveTimeout
        let timer = context.eventLoop.assumeIsolated().scheduleTask(in: TimeAmount(timeout)) {
            guard let ping = self.pings.removeValue(forKey: id) else { return }
            ping.promise?.fail(RPCError(code: .unavailable, message: "no PONG within \(timeout)"))
            self.logger.warning("closing connection: no PONG within \(timeout)")
            self.closeWithGoAway(Status(code: .unavailable, message: "keep-alive timeout"))
        }
        self.pings[id] = PendingPing(sentAt: .now(), promise: promise, timeout: timer)
        var payload: [UInt8] = []
        payload.reserveCapacity(8)
        withUnsafeBytes(of: id.bigEndian) { payload.append(contentsOf: $0) }
        self.send(.ping(payload))
    }

    private func pongReceived(_ payload: [UInt8]) {
        guard payload.count == 8 else { return }
        let id = payload.reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        guard let ping = self.pings.removeValue(forKey: id) else { return }
        ping.timeout?.cancel()
        let elapsed = NIODeadline.now() - ping.sentAt
        ping.promise?.succeed(.nanoseconds(elapsed.nanoseconds))
    }
}

extension SocketAddress {
    /// `host:port`, for logs and `ServerCallContext.peer`.
    var displayString: String {
        if let ip = self.ipAddress, let port = self.port {
            return self.protocol == .inet6 ? "[\(ip)]:\(port)" : "\(ip):\(port)"
        }
        return "\(self)"
    }
}
