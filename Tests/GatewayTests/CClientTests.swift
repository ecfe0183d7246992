import Foundation
import GatewayRules
import Testing
import TongxinTesting

/// The C client example (`Examples/c-client`, issue 12 item 7): built with protoc-c against
/// `Schemas/` and libprotobuf-c, it logs in through the gateway (or calls with an API key),
/// asks who it is, and pushes a 12345 work order and reads it back.
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
        let make = try await run("/usr/bin/env", ["make", "-s", "-C", example.path, "BUILD=\(build.path)"])
        #expect(make.status == 0, "\(make.output)")
        let client = try await run(build.appendingPathComponent("tongxin-client").path,
                             ["127.0.0.1", "\(harness.gateway.port)", "c-client", GatewayHarness.password])
        #expect(client.status == 0, "\(client.output)")
        #expect(client.output.contains("account=c-client unit=\(county.villagePath(1))"))
        #expect(client.output.contains("membership.write"))
        let wrong = try await run(build.appendingPathComponent("tongxin-client").path,
                            ["127.0.0.1", "\(harness.gateway.port)", "c-client", "not the password"])
        #expect(wrong.status == 1)
        #expect(wrong.output.contains("status 16"))
    }

    @Test("the C client pushes a 12345 work order and reads it back through the gateway, logged in or with an API key")
    func cClientAppeal() async throws {
        let harness = try GatewayHarness.current
        let county = try await harness.county()
        // A person account holding the integration client role (it can log in), and a government system with an API key.
        _ = try await harness.session("c-hotline", .integrationClient, at: county.path, county: county)
        let keyed = try await harness.integration("c-platform", county: county)
        let example = TestDatabase.repositoryRoot.appendingPathComponent("Examples/c-client")
        let build = FileManager.default.temporaryDirectory.appendingPathComponent("tongxin-c-client-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: build) }
        let make = try await run("/usr/bin/env", ["make", "-s", "-C", example.path, "BUILD=\(build.path)"])
        #expect(make.status == 0, "\(make.output)")
        let client = build.appendingPathComponent("tongxin-client").path
        let pushed = try await run(client, ["127.0.0.1", "\(harness.gateway.port)", "c-hotline", GatewayHarness.password,
                                      "--appeal", "GD-C-0001", county.villageCode(1)])
        #expect(pushed.status == 0, "\(pushed.output)")
        #expect(pushed.output.contains("submitted appeal=GD-C-0001"))
        #expect(pushed.output.contains("read appeal=GD-C-0001"))
        #expect(pushed.output.contains("division=\(county.villageCode(1)) unit=\(county.villagePath(1)) stage=1"))
        let appeal = try await harness.gateway.api.getAppeal(.init(externalId: "GD-C-0001", source: "c-hotline"), options: harness.tool(
            at: county.path, [GatewayPermission.appealsRead, GatewayPermission.agendaRead, GatewayPermission.changesRead]))
        #expect(pushed.output.contains("item=\(appeal.itemId)"))
        let key = try #require(keyed.metadata.authorization).replacingOccurrences(of: "Bearer ", with: "")
        let viaKey = try await run(client, ["127.0.0.1", "\(harness.gateway.port)", "--api-key", key, "--appeal", "GD-C-0002", county.villageCode(2)])
        #expect(viaKey.status == 0, "\(viaKey.output)")
        #expect(viaKey.output.contains("account=c-platform"))
        #expect(viaKey.output.contains("read appeal=GD-C-0002"))
        // A division code outside the county: NOT_FOUND (status 5), exit 1.
        let outside = try await run(client, ["127.0.0.1", "\(harness.gateway.port)", "--api-key", key, "--appeal", "GD-C-0003", "110101001001"])
        #expect(outside.status == 1 && outside.output.contains("status 5"), "\(outside.output)")
    }

    /// Runs a process on a thread of its own: waiting for it on the test's (cooperative)
    /// thread would starve the in-process gateway the process talks to.
    func run(_ executable: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try runBlocking(executable, arguments) })
            }
        }
    }

    func runBlocking(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
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
