import Testing
import TongxinRPC

/// Runs `body` and returns the status code of the RPCError it throws (nil: it succeeded).
func statusOf(_ body: () async throws -> Void) async -> Status.Code? {
    do {
        try await body()
        return nil
    } catch let error as RPCError {
        return error.code
    } catch {
        return .unknown
    }
}

func with(_ options: CallOptions, unit: String) -> CallOptions {
    var options = options
    options.metadata.tenantUnit = unit
    return options
}
