import Foundation
import Logging
import NIOCore
import Testing
@testable import TongxinRPC
import TongxinSchemas

/// Metadata limits are enforced on the frame's bytes, before protobuf-c or Swift
/// materialise a single entry; and a trace id is only taken when it looks like one.
@Suite("Metadata limits and trace ids")
struct MetadataLimitTests {
    /// A 4 MiB frame: a REQUEST (or `kind`) whose every other byte is an empty entry.
    static func hostileFrame(kind: RpcV1.FrameKind = .request) throws -> ByteBuffer {
        let head = try RpcV1.Frame(callId: 9, kind: kind, method: "/a.B/C").serializedBytes()
        let entries = ((4 << 20) - head.count) / 2
        var buffer = ByteBuffer()
        buffer.reserveCapacity(4 + head.count + 2 * entries)
        buffer.writeInteger(UInt32(head.count + 2 * entries))
        buffer.writeBytes(head)
        var body = [UInt8](repeating: 0, count: 2 * entries)
        body.withUnsafeMutableBufferPointer { bytes in
            for index in stride(from: 0, to: bytes.count, by: 2) { bytes[index] = 0x22 }  // field 4, length 0
        }
        buffer.writeBytes(body)
        return buffer
    }

    @Test("a REQUEST over the limits is skipped and refused on its call; other kinds are a fatal RESOURCE_EXHAUSTED")
    func refusals() throws {
        var decoder = FrameDecoder(maxFrameSize: 4 << 20)
        decoder.append(try Self.hostileFrame())
        decoder.append(ByteBuffer(bytes: try RawPeer.encode(.ping([1]))))
        do {
            _ = try decoder.next()
            Issue.record("a REQUEST over the limits decoded")
        } catch {
            guard case .callRefused(9, let status) = error else {
                Issue.record("\(error)")
                return
            }
            #expect(status.code == .resourceExhausted)
            #expect(status.message.hasSuffix("exceeds the limit of 64 entries and 8192 bytes"), "\(status.message)")
        }
        #expect(try decoder.next()?.kind == .ping)  // the stream goes on after the skipped frame

        var other = FrameDecoder(maxFrameSize: 4 << 20)
        other.append(try Self.hostileFrame(kind: .response))
        do {
            _ = try other.next()
            Issue.record("a RESPONSE over the limits decoded")
        } catch {
            #expect(error.isFatal)
            #expect(error.status.code == .resourceExhausted)
        }
    }

    /// Memory is process-wide and suites run in parallel: measured in a child process of
    /// this test binary that runs only `hostileFrameMemory`.
    @Test("refusing a 4 MiB frame of 2M empty entries costs a few MB, not hundreds (measured in a process of its own)",
          .enabled(if: ProcessInfo.processInfo.environment["TONGXIN_RSS_CHILD"] == nil))
    func cheapRefusal() async throws {
        let (status, text) = try await runTestsInChildProcess(filter: "hostileFrameMemory", flag: "TONGXIN_RSS_CHILD")
        #expect(status == 0, "\(text.suffix(2000))")
        #expect(text.contains("hostile frame peak RSS growth"), "the child ran no measurement:\n\(text.suffix(2000))")
    }

    @Test("hostile frame memory", .enabled(if: ProcessInfo.processInfo.environment["TONGXIN_RSS_CHILD"] != nil))
    func hostileFrameMemory() throws {
        let frame = try Self.hostileFrame()
        var decoder = FrameDecoder(maxFrameSize: 4 << 20)
        ProcessMemory.resetPeakRSS()
        let before = ProcessMemory.rss()
        decoder.append(frame)
        #expect(throws: FrameError.self) { try decoder.next() }
        let growth = ProcessMemory.peakRSS() - before
        print("hostile frame peak RSS growth: \(growth >> 10) KiB")
        // Decoding it would take >100 MB in protobuf-c alone (2M structs and a pointer array).
        #expect(growth < 16 << 20, "peak RSS grew by \(growth) bytes")
    }

    @Test("x-trace-id is kept only as 16-32 hex digits; anything else is replaced by a fresh id")
    func traceIDs() {
        let logger = Logger(label: "test")
        func traceID(_ value: String) -> String {
            ServerCallContext(method: "/a.B/C", metadata: ["x-trace-id": value], logger: logger).traceID
        }
        for valid in ["0123456789abcdef", "0123456789ABCDEF0123456789abcdef"] {
            #expect(traceID(valid) == valid)
        }
        for invalid in ["", "abc", "0123456789abcdeg", String(repeating: "a", count: 33), "0123456789abcdef\n", "０１２３４５６７８９ａｂｃｄｅｆ", "trace-1 OR 1=1"] {
            let replaced = traceID(invalid)
            #expect(replaced != invalid)
            #expect(ServerCallContext.isValidTraceID(replaced), "\(replaced)")
        }
    }
}
