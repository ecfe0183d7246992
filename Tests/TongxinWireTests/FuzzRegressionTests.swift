import Foundation
import Testing
import TongxinFuzzing
import TongxinSchemas
import TongxinWire

/// The fuzz targets (`Scripts/fuzz.sh`) on their seeds and on every finding kept under
/// `Tests/Fixtures/fuzz/<target>/`, in every test run: a fixed bug stays fixed.
@Suite("Fuzz regressions: the frame and message decoders on the kept inputs")
struct FuzzRegressionTests {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/fuzz")

    static func inputs(_ target: String) throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: fixtures.appendingPathComponent(target), includingPropertiesForKeys: nil)
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }

    @Test("every kept input of every target holds every invariant", arguments: ["frames", "messages"])
    func keptInputs(target: String) throws {
        let run = try #require(FuzzTargets.all[target])
        let inputs = try Self.inputs(target)
        #expect(target != "frames" || inputs.count >= 5, "the frame seeds are missing")
        for input in inputs {
            let data = try Data(contentsOf: input)
            let violations = data.withUnsafeBytes { run($0) }
            #expect(violations.isEmpty, "\(target)/\(input.lastPathComponent): \(violations)")
        }
    }

    @Test("every message of Schemas/, fully populated, passes the message target; so does each truncated by one byte")
    func everyMessage() throws {
        #expect(everyMessageType.count == everyMessageSample.count)
        for (name, message) in everyMessageSample {
            let bytes = try message.serializedBytes()
            for candidate in [bytes, Array(bytes.dropLast())] {
                let input = try #require(MessageFuzzing.input(for: name, candidate))
                let violations = input.withUnsafeBytes { MessageFuzzing.decode($0) }
                #expect(violations.isEmpty, "\(name): \(violations)")
            }
        }
    }
}
