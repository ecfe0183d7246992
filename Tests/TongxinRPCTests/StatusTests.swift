import Testing
@testable import TongxinRPC
import TongxinSchemas

@Suite("Status and RPCError")
struct StatusTests {
    @Test("all 17 canonical codes travel with gRPC's numbers and come back unchanged")
    func codesRoundTrip() {
        #expect(Status.Code.allCases.count == 17)
        for code in Status.Code.allCases {
            #expect(code.wire.rawValue == Int32(code.rawValue))
            #expect(Status.Code(wire: code.wire) == code)
        }
        #expect(Status.Code.internalError.rawValue == 13)
        #expect(Status.Code.unauthenticated.rawValue == 16)
    }

    @Test("a code this build does not know reads as UNKNOWN")
    func unknownCode() {
        #expect(Status.Code(wire: RpcV1.StatusCode(rawValue: 99)) == .unknown)
        #expect(Status(wire: nil).code == .unknown)
    }

    @Test("codes print as gRPC names them")
    func names() {
        #expect(Status.Code.deadlineExceeded.description == "DEADLINE_EXCEEDED")
        #expect(Status.Code.internalError.description == "INTERNAL")
        #expect(Status(code: .notFound, message: "no such council").description == "NOT_FOUND: no such council")
    }

    @Test("an RPCError is never OK and compares without its local cause")
    func rpcError() {
        struct Local: Error {}
        #expect(RPCError(code: .ok, message: "?").code == .unknown)
        let a = RPCError(code: .notFound, message: "x", metadata: ["k": "v"], cause: Local())
        let b = RPCError(code: .notFound, message: "x", metadata: ["k": "v"])
        #expect(a == b)
        #expect(a.status == Status(code: .notFound, message: "x"))
    }
}
