import Foundation
import GatewayRules
import Testing
import TongxinTesting

/// The C client example (`Examples/c-client`, issue 12 item 7): built with protoc-c against
/// `Schemas/` and libprotobuf-c, it logs in through the gateway and asks who it is.
@Suite(.gateway("gw_cclient"))
struct CClientTests {
    @Test("the C client logs in through the gateway and reads its unit and permissions")
    func cClient() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        _ = try await harness.session("c-client", .villageClerk, at: county.villagePath(1), county: county)
        let example = TestDatabase.repositoryRoot.appendingPathComponent("Examples/c-client")
        let build = FileManager.default.temporaryDirectory.appendingPathComponent("tongxin-c-client-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: build) }
        let make = try run("/usr/bin/env", ["make", "-s", "-C", example.path, "BUILD=\(build.path)"])
        #expect(make.status == 0, "\(make.output)")
        let client = try run(build.appendingPathComponent("tongxin-client").path,
                             ["127.0.0.1", "\(harness.gateway.port)", "c-client", GatewayHarness.password])
        #expect(client.status == 0, "\(client.output)")
        #expect(client.output.contains("account=c-client unit=\(county.villagePath(1))"))
        #expect(client.output.contains("membership.write"))
        let wrong = try run(build.appendingPathComponent("tongxin-client").path,
                            ["127.0.0.1", "\(harness.gateway.port)", "c-client", "not the password"])
        #expect(wrong.status == 1)
        #expect(wrong.output.contains("status 16"))
    }

    func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }
}
