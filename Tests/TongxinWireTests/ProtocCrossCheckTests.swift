import Foundation
import Testing
import TongxinSchemas
import TongxinWire

/// Google's `protoc` as an independent implementation of the protobuf encoding.
enum Protoc {
    static let schemas: URL = URL(fileURLWithPath: #filePath)
        .resolvingSymlinksInPath()
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Schemas")

    static var protoFiles: [String] {
        let enumerator = FileManager.default.enumerator(atPath: schemas.path)
        var files: [String] = []
        while let path = enumerator?.nextObject() as? String {
            if path.hasSuffix(".proto") { files.append(path) }
        }
        return files.sorted()
    }

    static func run(_ arguments: [String], input: Data) throws -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/protoc")
        process.arguments = ["-I", schemas.path] + arguments + protoFiles
        // stdin from a file, so an early exit of protoc cannot raise SIGPIPE in the test process.
        let inputFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("tongxin-protoc-\(UInt64.random(in: 0...UInt64.max)).bin")
        try input.write(to: inputFile)
        defer { try? FileManager.default.removeItem(at: inputFile) }
        let stdout = Pipe(), stderr = Pipe()
        process.standardInput = try FileHandle(forReadingFrom: inputFile)
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        let errors = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw ProtocFailure(message: String(decoding: errors, as: UTF8.self))
        }
        return output
    }

    static func decode(_ bytes: [UInt8], as name: String) throws -> String {
        String(decoding: try run(["--decode=\(name)"], input: Data(bytes)), as: UTF8.self)
    }

    static func encode(_ text: String, as name: String) throws -> [UInt8] {
        Array(try run(["--encode=\(name)"], input: Data(text.utf8)))
    }
}

struct ProtocFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { "protoc failed: \(message)" }
}

private func protocRoundTrip<M: WireMessage>(_ message: M, name: String) throws -> Bool {
    let text = try Protoc.decode(message.serializedBytes(), as: name)
    let reencoded = try Protoc.encode(text, as: name)
    return try M(serializedBytes: reencoded) == message
}

@Suite("protoc, an independent implementation, agrees with TongxinWire")
struct ProtocCrossCheckTests {
    @Test("bytes written by TongxinWire decode with protoc to the expected text")
    func swiftToProtoc() throws {
        let frame = RpcV1.Frame(
            callId: 3, kind: .request, method: "/tongxin.health.v1.Health/Ping",
            metadata: [RpcV1.MetadataEntry(key: "x-trace-id", value: "abc")],
            timeoutMicros: 1500, status: RpcV1.Status(code: .failedPrecondition, message: "rule"),
            payload: [0x01, 0x02]
        )
        let text = try Protoc.decode(frame.serializedBytes(), as: "tongxin.rpc.v1.Frame")
        #expect(text == """
            call_id: 3
            kind: FRAME_KIND_REQUEST
            method: "/tongxin.health.v1.Health/Ping"
            metadata {
              key: "x-trace-id"
              value: "abc"
            }
            timeout_micros: 1500
            status {
              code: STATUS_CODE_FAILED_PRECONDITION
              message: "rule"
            }
            payload: "\\001\\002"

            """)
    }

    @Test("bytes from protoc --encode decode in Swift, Chinese text included")
    func protocToSwift() throws {
        let bytes = try Protoc.encode("""
            zh: "党外人士不少于50%"
            en: "non-party members at least 50%"
            """, as: "tongxin.common.v1.LocalizedText")
        let text = try CommonV1.LocalizedText(serializedBytes: bytes)
        #expect(text.zh == "党外人士不少于50%")
        #expect(text.en == "non-party members at least 50%")
    }

    @Test("every message survives TongxinWire → protoc → TongxinWire", arguments: everyMessageSample.map(\.name))
    func everyMessage(name: String) throws {
        let sample = try #require(everyMessageSample.first { $0.name == name }?.message)
        #expect(try protocRoundTrip(sample, name: name))
    }
}
