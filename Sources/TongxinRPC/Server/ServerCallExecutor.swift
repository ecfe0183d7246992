import Logging

/// Runs one call: interceptors, then the handler, and turns whatever is thrown into the
/// status that goes on the wire — the single place where errors are mapped.
struct ServerCallExecutor: Sendable {
    let interceptors: [any ServerInterceptor]
    let errorMapper: (@Sendable (any Error) -> RPCError?)?

    func execute(_ handler: RPCRouter.Handler, request: ServerRequest, context: ServerCallContext) async -> Result<ServerResponse, RPCError> {
        await ServerCallContext.$current.withValue(context) {
            do {
                return .success(try await self.run(0, handler, request, context))
            } catch {
                return .failure(self.rpcError(for: error, context: context))
            }
        }
    }

    private func run(_ index: Int, _ handler: RPCRouter.Handler, _ request: ServerRequest, _ context: ServerCallContext) async throws -> ServerResponse {
        guard index < self.interceptors.count else {
            do {
                return ServerResponse(payload: try await handler.run(request.payload, context))
            } catch {
                throw self.rpcError(for: error, context: context)
            }
        }
        return try await self.interceptors[index].intercept(request: request, context: context) { request, context in
            try await self.run(index + 1, handler, request, context)
        }
    }

    /// RPCError as is; a domain error through its own mapping or the server's mapper;
    /// anything else becomes INTERNAL with only the trace id, never the error's text.
    func rpcError(for error: any Error, context: ServerCallContext) -> RPCError {
        if let error = error as? RPCError {
            return error
        }
        if let error = error as? any RPCErrorConvertible {
            return error.rpcError
        }
        if error is CancellationError {
            return RPCError(code: .cancelled, message: "the call was cancelled", cause: error)
        }
        if let mapped = self.errorMapper?(error) {
            return mapped
        }
        context.logger.error("handler failed", metadata: ["error": "\(String(reflecting: error))"])
        return RPCError(code: .internalError, message: "internal error (trace id \(context.traceID))", cause: error)
    }
}
