@testable import TongxinRPC
import TongxinSchemas

/// Test methods reuse the Health messages under a test service name: the bytes of
/// `payload` are whatever a test wants to pass through.
typealias TestMethod = RPCMethod<HealthV1.PingRequest, HealthV1.PingResponse>
typealias TestHandler = @Sendable (HealthV1.PingRequest, ServerCallContext) async throws -> HealthV1.PingResponse

enum Test {
    static let service = "tongxin.test.v1.Test"

    static func method(_ name: String, idempotent: Bool = false, cpuBound: Bool = false) -> TestMethod {
        TestMethod(service: self.service, name: name, idempotent: idempotent, cpuBound: cpuBound)
    }

    static let echo = method("Echo", idempotent: true)

    static func request(_ bytes: [UInt8] = []) -> HealthV1.PingRequest {
        HealthV1.PingRequest(payload: bytes)
    }
}

/// A service assembled from closures, so each test states exactly the handler it needs.
struct ClosureService: RPCService {
    var handlers: [(TestMethod, TestHandler)]

    init(_ handlers: [(TestMethod, TestHandler)] = []) {
        let echo: TestHandler = { request, _ in HealthV1.PingResponse(payload: request.payload) }
        self.handlers = [(Test.echo, echo)] + handlers
    }

    init(_ method: TestMethod, _ handler: @escaping TestHandler) {
        self.init([(method, handler)])
    }

    func register(into router: inout RPCRouter) {
        for (method, handler) in self.handlers {
            router.register(method, handler: handler)
        }
    }
}
