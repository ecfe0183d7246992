import Foundation
import NIOConcurrencyHelpers
import Testing
@testable import TongxinRPC
import TongxinSchemas

/// Peers that misbehave on purpose, against a real server on 127.0.0.1: bounded in
/// sockets (tens), bytes (tens of MB) and time (seconds), so the suite holds on a busy
/// machine. Figures (peak RSS, p99 of a concurrent call) are printed for BENCHMARKS.md.
@Suite("Abuse: peers that do not read, flood connections, or send hostile frames", .serialized)
struct AbuseTests {
    static let check = RPCMethod<HealthV1.CheckRequest, HealthV1.CheckResponse>(service: Test.service, name: "Check", idempotent: false)

    @Test("a peer that streams PINGs and never reads: the server stops reading it, stays small, keeps serving others, and closes it")
    func neverReadingPeer() async throws {
        var configuration = RPCServer.Configuration.test()
        configuration.unwritableTimeout = .seconds(3)
        try await withServer(configuration) { running, client in
            ProcessMemory.resetPeakRSS()
            let rssBefore = ProcessMemory.rss()
            let peer = try StubbornPeer(port: running.port)
            let chunk = try (0..<1024).flatMap { _ in try RawPeer.encode(.ping([1, 2, 3, 4, 5, 6, 7, 8])) }  // 16 KiB of PINGs

            // Meanwhile another connection keeps calling.
            let latencies = Task {
                var samples: [Duration] = []
                while !Task.isCancelled, samples.count < 2_000 {
                    let start = ContinuousClock.now
                    guard (try? await client.unary(Test.echo, Test.request([1]))) != nil else { break }
                    samples.append(.now - start)
                    try? await Task.sleep(for: .milliseconds(5))
                }
                return samples
            }

            var written = 0
            var lastProgress = ContinuousClock.now
            let start = ContinuousClock.now
            var stalled = false
            while .now - start < .seconds(20), written < 256 << 20 {
                switch peer.write(chunk) {
                case .wrote(let count):
                    written += count
                    lastProgress = .now
                    // Never hog a thread of the (two-thread) pool that every test shares.
                    // and at most ~8 MB/s: the server's CPU is shared with the timing tests too.
                    try await Task.sleep(for: .milliseconds(2))
                case .wouldBlock:
                    if .now - lastProgress > .seconds(2) { stalled = true }
                    try await Task.sleep(for: .milliseconds(5))
                case .failed:
                    stalled = true  // closed by the unwritable timeout already
                }
                if stalled { break }
            }
            let peak = ProcessMemory.peakRSS()
            // The server stopped reading: what the peer got in is what the socket buffers
            // of both ends hold (a few MB on loopback), not an unbounded stream.
            // (A trickle may go on for a while as loopback autotunes its buffers, so the bound
            // is on the bytes over the whole window: ~160 MB would go in at this pace if the
            // server read on.)
            #expect(written < 48 << 20, "the peer wrote \(written) bytes (stalled: \(stalled))")
            #expect(peak - rssBefore < 128 << 20, "peak RSS grew by \(peak - rssBefore) bytes")

            // Not read for the unwritable timeout (3 s): closed (reset) by the server. The
            // clock restarts whenever the kernel's buffers (autotuned on loopback) take a
            // little more and the channel turns writable for a moment, hence the margin.
            let closedBy = ContinuousClock.now + .seconds(60)
            while !peer.isBroken, .now < closedBy {
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(peer.isBroken, "the connection is still open")

            latencies.cancel()
            let samples = await latencies.value.sorted()
            #expect(samples.count > 10)
            let p99 = samples[min(samples.count - 1, samples.count * 99 / 100)]
            print("ABUSE never-reading peer: wrote \(written >> 10) KiB before stalling; test-process RSS \(rssBefore >> 20) MiB before, peak \(peak >> 20) MiB; concurrent echo p99 \(p99) over \(samples.count) calls")
        }
    }

    @Test("connections over the per-address cap get GOAWAY RESOURCE_EXHAUSTED and are closed; the others are still served")
    func perAddressCap() async throws {
        var configuration = RPCServer.Configuration.test()
        configuration.maxConnectionsPerAddress = 50
        let running = try await RunningServer.start(configuration)
        var peers: [RawPeer] = []
        for _ in 0..<50 {
            let peer = try await RawPeer.connect(port: running.port)
            try await peer.send(.ping([7]))
            #expect(try await peer.nextFrame()?.kind == .pong)  // admitted and served
            peers.append(peer)
        }
        for _ in 0..<5 {
            let extra = try await RawPeer.connect(port: running.port)
            let goAway = try #require(try await extra.nextFrame())
            #expect(goAway.kind == .goaway)
            #expect(goAway.statusCode == .resourceExhausted)
            #expect(goAway.status?.message.contains("limit 50") == true)
            try await extra.waitForClose()
        }
        try await peers[17].send(.request(callID: 1, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: try Test.request([4]).serializedBytes()))
        #expect(try await peers[17].nextFrame()?.statusCode == .ok)

        // A slot freed is a slot for the next connection.
        await peers.removeLast().close()
        var admitted = false
        for _ in 0..<50 where !admitted {
            let next = try await RawPeer.connect(port: running.port)
            // Until the server has seen the freed slot, a new peer may be refused and closed
            // before its PING is written: that is a refusal, not a failure.
            do {
                try await next.send(.ping([9]))
                admitted = try await next.nextFrame()?.kind == .pong
            } catch {
                admitted = false
            }
            peers.append(next)
            if !admitted { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(admitted)
        for peer in peers { await peer.close() }
        try await running.stop()
    }

    @Test("2,000 idle connections: those over the cap are refused at once, the admitted ones are still served")
    func twoThousandIdleConnections() async throws {
        // Both ends live in this process: 2 descriptors a connection, plus what the suites
        // running beside this one hold. RPCServer raises the soft limit to the hard one as it
        // starts; a machine whose hard limit is lower still gets the same test, scaled down
        // (and says so), rather than a server that cannot accept what the test connects.
        let files = OpenFileLimit.raiseToHard()
        let total = min(2_000, max(200, (files.soft - 1_024) / 2))
        let cap = total * 3 / 4
        if total < 2_000 {
            print("ABUSE idle connections: open-file limit \(files.soft) (hard \(files.hard)); \(total) connections instead of 2,000")
        }
        var configuration = RPCServer.Configuration.test()
        configuration.maxConnectionsPerAddress = cap
        let running = try await RunningServer.start(configuration)
        var peers: [RawPeer] = []
        peers.reserveCapacity(total)
        for _ in 0..<total {
            peers.append(try await RawPeer.connect(port: running.port))
        }
        // Those beyond the cap are refused with a GOAWAY as they arrive. Which ones those are
        // is the server's order of accepting, not the order of connecting: when the listen
        // queue overflows (net.core.somaxconn) or the accepting loop falls behind on a busy
        // machine, a handshake completes later by a SYN-ACK retransmission. So every peer's
        // first frame is read at once and the refusals are counted, whichever they are.
        let firstFrames = NIOLockedValueBox([Int: RpcV1.Frame?]())
        let readers = peers.enumerated().map { index, peer in
            Task {
                let frame = try? await peer.nextFrame(within: .seconds(180))
                firstFrames.withLockedValue { $0[index] = frame }
            }
        }
        func isRefusal(_ frame: RpcV1.Frame?) -> Bool {
            frame?.kind == .goaway && frame?.statusCode == .resourceExhausted
        }
        func refusals() -> Int {
            firstFrames.withLockedValue { $0.values.count(where: isRefusal) }
        }
        let waitStart = ContinuousClock.now
        while refusals() < total - cap, ContinuousClock.now - waitStart < .seconds(60) {
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(refusals() == total - cap, "refused \(refusals()) of \(total) with the cap at \(cap) (nofile \(files.soft))")
        // Nothing else arrived on the admitted ones: they are idle, and still answer —
        // first, middle and last alike.
        let admitted = firstFrames.withLockedValue { frames in (0..<total).filter { frames[$0] == nil } }
        #expect(admitted.count == cap)
        for index in Set([admitted.first, admitted.dropFirst(admitted.count / 2).first, admitted.last].compactMap { $0 }).sorted() {
            try await peers[index].send(.request(
                callID: 1, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: try Test.request([7]).serializedBytes()))
            let answerStart = ContinuousClock.now
            while firstFrames.withLockedValue({ $0[index] }) == nil, ContinuousClock.now - answerStart < .seconds(30) {
                try await Task.sleep(for: .milliseconds(50))
            }
            let answer = try #require(firstFrames.withLockedValue { $0[index] } ?? nil, "peer \(index) did not answer")
            #expect(answer.statusCode == .ok && answer.callId == 1, "peer \(index)")
        }
        #expect(refusals() == total - cap)
        for peer in peers { await peer.close() }
        for reader in readers { await reader.value }
        try await running.stop()
    }

    @Test("the open-file soft limit is raised to the hard limit, never lowered")
    func openFileLimitRaised() {
        let before = OpenFileLimit.current()
        let after = OpenFileLimit.raiseToHard()
        #expect(after.soft >= before.soft)
        #expect(after.hard == before.hard)
        #expect(after.soft == after.hard || after.soft >= 10_240)
    }

    @Test("the total connection cap refuses the connection beyond it the same way")
    func totalCap() async throws {
        var configuration = RPCServer.Configuration.test()
        configuration.maxConnections = 5
        let running = try await RunningServer.start(configuration)
        var peers: [RawPeer] = []
        for _ in 0..<5 {
            let peer = try await RawPeer.connect(port: running.port)
            try await peer.send(.ping([1]))
            #expect(try await peer.nextFrame()?.kind == .pong)
            peers.append(peer)
        }
        let extra = try await RawPeer.connect(port: running.port)
        let goAway = try #require(try await extra.nextFrame())
        #expect(goAway.kind == .goaway && goAway.statusCode == .resourceExhausted)
        try await extra.waitForClose()
        for peer in peers { await peer.close() }
        try await running.stop()
    }

    @Test("a call that never completes cannot hold a connection: GOAWAY at the idle timeout, closed after the grace")
    func stalledCallCap() async throws {
        let cancelled = Flag()
        let service = ClosureService(Test.method("Forever")) { _, _ in
            do {
                try await Task.sleep(for: .seconds(600))
            } catch {
                cancelled.raise()
                throw error
            }
            return HealthV1.PingResponse()
        }
        let running = try await RunningServer.start(.test(idleTimeout: .seconds(2), drainTimeout: .seconds(2)), services: [service])
        let peer = try await RawPeer.connect(port: running.port)
        let start = ContinuousClock.now
        try await peer.send(.request(callID: 1, method: Test.method("Forever").path, metadata: [:], timeoutMicros: 0, payload: []))
        let goAway = try #require(try await peer.nextFrame(within: .seconds(30)))
        #expect(goAway.kind == .goaway)
        #expect(.now - start >= .milliseconds(1_500))
        try await peer.waitForClose(within: .seconds(30))
        try await cancelled.wait(.seconds(10), "the stalled handler to be cancelled")
        try await running.stop()
    }

    @Test("a REQUEST of a million empty metadata entries is answered RESOURCE_EXHAUSTED unread; the handler never runs")
    func millionMetadataEntries() async throws {
        let runs = NIOLockedValueBox(0)
        let service = ClosureService(Test.method("Count")) { _, _ in
            runs.withLockedValue { $0 += 1 }
            return HealthV1.PingResponse()
        }
        let running = try await RunningServer.start(.test(), services: [service])
        let peer = try await RawPeer.connect(port: running.port)
        let head = try RpcV1.Frame(callId: 1, kind: .request, method: Test.method("Count").path).serializedBytes()
        var emptyEntries = [UInt8](repeating: 0, count: 2_000_000)
        emptyEntries.withUnsafeMutableBufferPointer { bytes in
            for index in stride(from: 0, to: bytes.count, by: 2) { bytes[index] = 0x22 }  // field 4, length 0
        }
        let body = head + emptyEntries
        let length = UInt32(body.count)
        try await peer.send([UInt8(length >> 24), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + body)
        let answer = try #require(try await peer.nextFrame())
        #expect(answer.callId == 1)
        #expect(answer.statusCode == .resourceExhausted)

        // 64 entries pass; 65 do not; the connection serves on.
        let entries = (0..<64).map { RpcV1.MetadataEntry(key: "k\($0)", value: "v") }
        try await peer.send(RpcV1.Frame(callId: 3, kind: .request, method: Test.method("Count").path, metadata: entries))
        #expect(try await peer.nextFrame()?.statusCode == .ok)
        try await peer.send(RpcV1.Frame(callId: 5, kind: .request, method: Test.method("Count").path, metadata: entries + [RpcV1.MetadataEntry(key: "one", value: "more")]))
        #expect(try await peer.nextFrame()?.statusCode == .resourceExhausted)
        try await peer.send(RpcV1.Frame(callId: 7, kind: .request, method: Test.method("Count").path, metadata: [RpcV1.MetadataEntry(key: "big", value: String(repeating: "x", count: 8 * 1024))]))
        #expect(try await peer.nextFrame()?.statusCode == .resourceExhausted)
        #expect(runs.withLockedValue { $0 } == 1)
        await peer.close()
        try await running.stop()
    }

    @Test("a PING with a payload over 8 bytes gets GOAWAY and the connection closes")
    func oversizedPing() async throws {
        let running = try await RunningServer.start()
        let peer = try await RawPeer.connect(port: running.port)
        try await peer.send(.ping(Array(repeating: 0xAA, count: 1024)))
        let goAway = try #require(try await peer.nextFrame())
        #expect(goAway.kind == .goaway)
        try await peer.waitForClose()
        try await running.stop()
    }

    @Test("invalid UTF-8 or NUL in a request's string field is INVALID_ARGUMENT without internals; the handler never runs")
    func invalidStrings() async throws {
        let runs = NIOLockedValueBox(0)
        let service = ClosureService()
        let checkService = CheckService { runs.withLockedValue { $0 += 1 } }
        let running = try await RunningServer.start(.test(), services: [service, checkService])
        let peer = try await RawPeer.connect(port: running.port)
        let payloads: [[UInt8]] = [[0x0A, 2, 0xC3, 0x28], [0x0A, 3, 0x61, 0x00, 0x62], [0x0A, 3, 0xED, 0xA0, 0x80]]
        for (index, payload) in payloads.enumerated() {
            let id = UInt64(2 * index + 1)
            try await peer.send(.request(callID: id, method: Self.check.path, metadata: [:], timeoutMicros: 0, payload: payload))
            let answer = try #require(try await peer.nextFrame())
            #expect(answer.callId == id)
            #expect(answer.statusCode == .invalidArgument)
            #expect(answer.status?.message == "the request is not a valid CheckRequest")
        }
        // In the frame itself (a metadata value): that call is refused, the connection stays.
        var frame = try RpcV1.Frame(callId: 11, kind: .request, method: Self.check.path).serializedBytes()
        frame += [0x22, 6, 0x0A, 1, 0x6B, 0x12, 1, 0xFF]
        let length = UInt32(frame.count)
        try await peer.send([0, 0, UInt8(length >> 8), UInt8(length & 0xFF)] + frame)
        let refused = try #require(try await peer.nextFrame())
        #expect(refused.callId == 11 && refused.statusCode == .invalidArgument)
        try await peer.send(.request(callID: 13, method: Self.check.path, metadata: [:], timeoutMicros: 0, payload: try HealthV1.CheckRequest(service: "议事").serializedBytes()))
        #expect(try await peer.nextFrame()?.statusCode == .ok)
        #expect(runs.withLockedValue { $0 } == 1)
        await peer.close()
        try await running.stop()
    }
}

/// A method whose request has a string field (`CheckRequest.service`).
struct CheckService: RPCService {
    let ran: @Sendable () -> Void

    func register(into router: inout RPCRouter) {
        let ran = self.ran
        router.register(AbuseTests.check) { _, _ in
            ran()
            return HealthV1.CheckResponse()
        }
    }
}
