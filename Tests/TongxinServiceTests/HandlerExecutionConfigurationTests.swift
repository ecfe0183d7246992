import Testing
import TongxinRPC
@testable import TongxinService

@Suite("Handler placement is deployment configuration")
struct HandlerExecutionConfigurationTests {
    let base = ["TONGXIN_AUTH_SECRET": String(repeating: "s", count: 32)]

    private func configuration(_ extra: [String: String]) throws -> ServiceConfiguration {
        try ServiceConfiguration.fromEnvironment(
            service: "membership", defaultPort: 7101, environment: base.merging(extra) { $1 })
    }

    @Test("handlers run by their method's declaration unless TONGXIN_HANDLER_EXECUTION says pool or loop")
    func placement() throws {
        #expect(try configuration([:]).handlerExecution == .byMethod)
        #expect(try configuration(["TONGXIN_HANDLER_EXECUTION": "method"]).handlerExecution == .byMethod)
        #expect(try configuration(["TONGXIN_HANDLER_EXECUTION": "pool"]).handlerExecution == .concurrent)
        #expect(try configuration(["TONGXIN_HANDLER_EXECUTION": "loop"]).handlerExecution == .eventLoop)
    }

    @Test("anything else is refused, naming the variable")
    func refused() {
        #expect {
            try configuration(["TONGXIN_HANDLER_EXECUTION": "threads"])
        } throws: { error in
            (error as? ConfigurationError)?.variable == "TONGXIN_HANDLER_EXECUTION"
        }
    }
}
