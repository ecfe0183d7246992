import Logging
@testable import TongxinRPC

let quietLogger = Logger(label: "tongxin.rpc.test") { _ in SwiftLogNoOpLogHandler() }

extension RPCServer.Configuration {
    /// Loopback, an ephemeral port, and timers with margins that hold on a busy machine
    /// (seconds, not tens of milliseconds); tests that exercise a timer set it themselves.
    static func test(
        port: Int = 0,
        maxConcurrentCallsPerConnection: Int = 256,
        idleTimeout: Duration? = nil,
        frameReadTimeout: Duration? = .seconds(5),
        keepAliveInterval: Duration? = nil,
        keepAliveTimeout: Duration = .seconds(5),
        drainTimeout: Duration = .seconds(5)
    ) -> Self {
        .init(
            host: "127.0.0.1",
            port: port,
            maxConcurrentCallsPerConnection: maxConcurrentCallsPerConnection,
            idleTimeout: idleTimeout,
            frameReadTimeout: frameReadTimeout,
            keepAliveInterval: keepAliveInterval,
            keepAliveTimeout: keepAliveTimeout,
            drainTimeout: drainTimeout
        )
    }
}

extension RPCClient.Configuration {
    static func test(
        port: Int,
        connections: Int = 1,
        retryPolicy: RetryPolicy = .none,
        backoff: Backoff = Backoff(initial: .milliseconds(20), maximum: .milliseconds(100))
    ) -> Self {
        .init(
            host: "127.0.0.1",
            port: port,
            connections: connections,
            connectTimeout: .seconds(2),
            keepAliveInterval: nil,
            backoff: backoff,
            defaultRetryPolicy: retryPolicy
        )
    }
}

/// A server running in the background for the duration of a test.
struct RunningServer {
    let server: RPCServer
    let port: Int
    let task: Task<Void, any Error>

    /// A server on a port below the kernel's ephemeral range (32768–60999 here), for tests
    /// that stop a server and start it again on the same port: an ephemeral port can be
    /// taken by any client connection of the tests running in parallel in between.
    static func startOnStablePort(services: [any RPCService] = [ClosureService()]) async throws -> RunningServer {
        var lastError: (any Error)?
        for _ in 0..<50 {
            do {
                return try await start(.test(port: Int.random(in: 20_000..<30_000)), services: services)
            } catch {
                lastError = error
            }
        }
        throw lastError ?? RPCError(code: .unavailable, message: "no stable port found")
    }

    /// Waits until nothing accepts connections on `port` any more: a stopped server's
    /// listener can linger for a moment on a loaded machine, and a client that reached it
    /// would see its call lost instead of refused.
    static func waitUntilClosed(port: Int) async throws {
        for _ in 0..<100 {
            guard let peer = try? await RawPeer.connect(port: port) else { return }
            await peer.close()
            try await Task.sleep(for: .milliseconds(100))
        }
        throw RPCError(code: .unavailable, message: "port \(port) still accepts connections")
    }

    /// Starts a server again on `port`, the port of one just stopped. The old listener's
    /// close can trail its `stop()` by a moment on a loaded machine (bind: address in use),
    /// so binding is retried for a few seconds before giving up.
    static func restart(on port: Int, services: [any RPCService] = [ClosureService()]) async throws -> RunningServer {
        var lastError: (any Error)?
        for _ in 0..<40 {
            do {
                return try await start(.test(port: port), services: services)
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(250))
            }
        }
        throw lastError ?? RPCError(code: .unavailable, message: "port \(port) stayed in use")
    }

    static func start(
        _ configuration: RPCServer.Configuration = .test(),
        services: [any RPCService] = [ClosureService()],
        interceptors: [any ServerInterceptor] = [],
        errorMapper: (@Sendable (any Error) -> RPCError?)? = nil
    ) async throws -> RunningServer {
        let server = RPCServer(
            configuration: configuration,
            services: services,
            interceptors: interceptors,
            errorMapper: errorMapper,
            logger: quietLogger
        )
        let task = Task { try await server.run() }
        let port = try await server.port
        return RunningServer(server: server, port: port, task: task)
    }

    func client(connections: Int = 1, retryPolicy: RetryPolicy = .none, interceptors: [any ClientInterceptor] = []) -> RPCClient {
        RPCClient(configuration: .test(port: self.port, connections: connections, retryPolicy: retryPolicy), interceptors: interceptors, logger: quietLogger)
    }

    /// Drains and waits for `run()` to return.
    func stop() async throws {
        self.server.shutdownGracefully()
        try await self.task.value
    }
}

/// Runs `body` with a started server and a client, and tears both down.
func withServer<T>(
    _ configuration: RPCServer.Configuration = .test(),
    services: [any RPCService] = [ClosureService()],
    interceptors: [any ServerInterceptor] = [],
    errorMapper: (@Sendable (any Error) -> RPCError?)? = nil,
    clientInterceptors: [any ClientInterceptor] = [],
    _ body: (RunningServer, RPCClient) async throws -> T
) async throws -> T {
    let running = try await RunningServer.start(configuration, services: services, interceptors: interceptors, errorMapper: errorMapper)
    let client = running.client(interceptors: clientInterceptors)
    do {
        let result = try await body(running, client)
        await client.close()
        try await running.stop()
        return result
    } catch {
        await client.close()
        try? await running.stop()
        throw error
    }
}
