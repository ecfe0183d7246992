import Foundation
import TongxinRPC
import TongxinSchemas

struct OpenDataExport {
    let calls: ServiceCalls
    let units: UnitDirectory
    let timeZone: TimeZone

    func export(_ request: GatewayV1.ExportOpenDataRequest, context: ServerCallContext) async throws -> GatewayV1.ExportOpenDataResponse {
        throw RPCError(code: .unimplemented, message: "not yet")
    }
}
