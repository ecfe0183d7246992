import Testing
@testable import TongxinRPC
import TongxinSchemas

@Suite("Structured error details")
struct ErrorDetailTests {
    static let detail = ErrorDetail(
        rule: "composition.member_count,composition.non_party_share", field: "members",
        messageZH: "成员 19 人，少于 20 人", messageEN: "19 members, fewer than 20",
        figures: [.init("composition.member_count.count", "19"), .init("composition.member_count.minimum", "20")])

    enum Domain: Error, RPCErrorConvertible {
        case refused
        var rpcError: RPCError {
            RPCError(code: .failedPrecondition, message: "[rule] 中文 / English", detail: ErrorDetailTests.detail)
        }
    }

    @Test("a detail thrown by a handler reaches the client's RPCError field by field")
    func roundTrip() async throws {
        let thrown = Test.method("Thrown")
        let domain = Test.method("Domain")
        let service = ClosureService([
            (thrown, { @Sendable _, _ in
                throw RPCError(code: .invalidArgument, message: "phone: 手机号码无效 / invalid phone",
                               detail: ErrorDetail(field: "phone", messageZH: "手机号码无效", messageEN: "invalid phone"))
            }),
            (domain, { @Sendable _, _ in throw Domain.refused }),
        ])
        try await withServer(services: [service]) { _, client in
            do {
                _ = try await client.unary(thrown, Test.request())
                Issue.record("expected INVALID_ARGUMENT")
            } catch let error as RPCError {
                #expect(error.code == .invalidArgument)
                #expect(error.detail == ErrorDetail(field: "phone", messageZH: "手机号码无效", messageEN: "invalid phone"))
                #expect(error.detail?.rule == "")
            }
            do {
                _ = try await client.unary(domain, Test.request())
                Issue.record("expected FAILED_PRECONDITION")
            } catch let error as RPCError {
                #expect(error.code == .failedPrecondition)
                #expect(error.message == "[rule] 中文 / English")
                #expect(error.detail == Self.detail)
                #expect(error.detail?.rules == ["composition.member_count", "composition.non_party_share"])
                #expect(error.detail?.figure("composition.member_count.count") == "19")
                #expect(error.detail?.figures.map(\.name) == ["composition.member_count.count", "composition.member_count.minimum"])
            }
        }
    }

    @Test("on the wire: the detail is field 9 of a failed RESPONSE; OK responses and errors without one carry none")
    func wire() async throws {
        let domain = Test.method("Domain")
        let plain = Test.method("Plain")
        let service = ClosureService([
            (domain, { @Sendable _, _ in throw Domain.refused }),
            (plain, { @Sendable _, _ in throw RPCError(code: .notFound, message: "nothing here") }),
        ])
        let running = try await RunningServer.start(services: [service])
        let peer = try await RawPeer.connect(port: running.port)
        let request = try Test.request([1]).serializedBytes()

        try await peer.send(.request(callID: 1, method: Test.echo.path, metadata: [:], timeoutMicros: 0, payload: request))
        let ok = try #require(try await peer.nextFrame())
        #expect(ok.statusCode == .ok)
        #expect(ok.errorDetail == nil)

        try await peer.send(.request(callID: 3, method: domain.path, metadata: [:], timeoutMicros: 0, payload: request))
        let refused = try #require(try await peer.nextFrame())
        #expect(refused.statusCode == .failedPrecondition)
        let wire = try #require(refused.errorDetail)
        #expect(wire.rule == Self.detail.rule)
        #expect(wire.field == "members")
        #expect(wire.messageZh == "成员 19 人，少于 20 人")
        #expect(wire.messageEn == "19 members, fewer than 20")
        #expect(wire.figures == [RpcV1.Figure(name: "composition.member_count.count", value: "19"),
                                 RpcV1.Figure(name: "composition.member_count.minimum", value: "20")])

        try await peer.send(.request(callID: 5, method: plain.path, metadata: [:], timeoutMicros: 0, payload: request))
        let notFound = try #require(try await peer.nextFrame())
        #expect(notFound.statusCode == .notFound)
        #expect(notFound.errorDetail == nil)
        await peer.close()
        try await running.stop()
    }

    @Test("INTERNAL carries no detail, even when a handler attaches one, and no Swift type name")
    func internalCarriesNone() async throws {
        struct LeakyFailure: Error {}
        let failing = Test.method("Internal")
        let leaky = Test.method("Leaky")
        let service = ClosureService([
            (failing, { @Sendable _, _ in
                throw RPCError(code: .internalError, message: "internal error", detail: ErrorDetail(rule: "secret.table"))
            }),
            (leaky, { @Sendable _, _ in throw LeakyFailure() }),
        ])
        try await withServer(services: [service]) { _, client in
            for method in [failing, leaky] {
                do {
                    _ = try await client.unary(method, Test.request())
                    Issue.record("expected INTERNAL")
                } catch let error as RPCError {
                    #expect(error.code == .internalError)
                    #expect(error.detail == nil)
                    #expect(!error.message.contains("LeakyFailure"))
                }
            }
        }
    }
}
