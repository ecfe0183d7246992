import Foundation
import Testing
import TongxinSchemas
import TongxinWire

import CHeapStats

private func decodes<M: WireMessage>(_ type: M.Type, _ bytes: [UInt8]) -> Bool {
    (try? M(serializedBytes: bytes)) != nil
}

private func decodesLike<M: WireMessage>(_ sample: M, _ bytes: [UInt8]) -> Bool {
    decodes(M.self, bytes)
}

private func encoded<M: WireMessage>(_ message: M) throws -> [UInt8] {
    try message.serializedBytes()
}

/// A deterministic generator, so a failure can be replayed.
private struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Bad bytes give an error, never a crash or a leak")
struct MalformedInputTests {
    let frame = RpcV1.Frame(
        callId: 7, kind: .request, method: "/tongxin.health.v1.Health/Ping",
        metadata: [RpcV1.MetadataEntry(key: "x-trace-id", value: "追踪-1")],
        timeoutMicros: 250_000, payload: Array(repeating: 0xAB, count: 300)
    )

    @Test("every truncation of a frame is either a valid prefix message or an error")
    func truncations() throws {
        let bytes = try encoded(frame)
        var failures = 0
        for length in 0..<bytes.count {
            if !decodes(RpcV1.Frame.self, Array(bytes[0..<length])) { failures += 1 }
        }
        // Cutting inside a field always fails; only cuts at field boundaries decode.
        #expect(failures > bytes.count - 10)
        #expect(decodes(RpcV1.Frame.self, bytes))
    }

    @Test("random garbage never crashes any decoder", arguments: everyMessageSample.map(\.name))
    func garbage(name: String) throws {
        let sample = try #require(everyMessageSample.first { $0.name == name }?.message)
        var random = SplitMix64(state: UInt64(truncatingIfNeeded: name.hashValue))
        for _ in 0..<300 {
            let count = Int.random(in: 1...64, using: &random)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &random) }
            _ = decodesLike(sample, bytes)
        }
    }

    @Test("a length that claims more bytes than present is rejected")
    func lyingLength() {
        // field 7 (payload), wire type 2, length 0x7FFFFFFF, then 3 bytes.
        let bytes: [UInt8] = [0x3A, 0xFF, 0xFF, 0xFF, 0xFF, 0x07, 1, 2, 3]
        #expect(!decodes(RpcV1.Frame.self, bytes))
    }

    @Test("a field of the wrong wire type is rejected")
    func wrongWireType() {
        // field 1 (call_id, varint) sent as fixed64.
        #expect(!decodes(RpcV1.Frame.self, [0x09, 1, 2, 3, 4, 5, 6, 7, 8]))
    }

    @Test("invalid UTF-8 in a string field is rejected, never repaired")
    func invalidUTF8() {
        // field 3 (method), length 2, bytes 0xC3 0x28 (invalid sequence).
        let bytes: [UInt8] = [0x1A, 0x02, 0xC3, 0x28]
        #expect(throws: WireError.invalidString(message: "tongxin.rpc.v1.Frame", field: "tongxin.rpc.v1.Frame.method")) {
            try RpcV1.Frame(serializedBytes: bytes)
        }
    }

    /// The heap is process-wide, and Swift Testing runs every suite in parallel, so the
    /// measurement runs in a child process of this test binary that runs nothing else.
    @Test("ten thousand encode/decode cycles do not grow the heap (measured in a process of its own)",
          .enabled(if: ProcessInfo.processInfo.environment["TONGXIN_HEAP_CHILD"] == nil))
    func noLeak() throws {
        let child = Process()
        child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
        child.arguments = ["--testing-library", "swift-testing", "--filter", "heapStaysFlat"]
        child.environment = ProcessInfo.processInfo.environment.merging(["TONGXIN_HEAP_CHILD": "1"]) { $1 }
        let output = Pipe()
        child.standardOutput = output
        child.standardError = output
        try child.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        child.waitUntilExit()
        #expect(child.terminationStatus == 0, "\(text.suffix(2000))")
        #expect(text.contains("\"heap stays flat over encode/decode cycles\" passed"), "the child ran no measurement:\n\(text.suffix(2000))")
    }

    /// The measurement itself, only in the child process started by `noLeak`.
    @Test("heap stays flat over encode/decode cycles",
          .enabled(if: ProcessInfo.processInfo.environment["TONGXIN_HEAP_CHILD"] != nil))
    func heapStaysFlat() throws {
        let sample = frame
        func cycle(_ rounds: Int) throws {
            for _ in 0..<rounds {
                let bytes = try sample.serializedBytes()
                _ = try RpcV1.Frame(serializedBytes: bytes)
                _ = try? RpcV1.Frame(serializedBytes: Array(bytes.dropLast(3)))
            }
        }
        try cycle(1_000)  // warm up caches and lazy statics
        var growths: [Int] = []
        for _ in 0..<3 {
            let before = tongxin_heap_bytes_in_use()
            try cycle(10_000)
            let after = tongxin_heap_bytes_in_use()
            growths.append(after > before ? Int(after - before) : 0)
        }
        // A leak of even 16 bytes a cycle would add 160 KB every round.
        #expect(growths.max()! < 32 * 1024, "heap grew \(growths) bytes per 10,000 cycles")
    }
}
