import NIOPosix

/// Runs blocking libpq calls on the pool's own threads.
///
/// libpq's synchronous API blocks for a whole round trip; doing that on Swift's cooperative
/// threads (two of them on a 2-core machine) would stall every other task of the process.
/// Work items are not dropped when the calling task is cancelled: a statement already on
/// the wire is stopped with PQcancel instead, and cleanup (ROLLBACK) must still run.
struct BlockingExecutor: Sendable {
    let threadPool: NIOThreadPool

    func run<T: Sendable>(_ body: @escaping @Sendable () throws(PostgresError) -> T) async throws(PostgresError) -> T {
        let result: Result<T, PostgresError> = await withCheckedContinuation { continuation in
            threadPool.submit { state in
                switch state {
                case .active:
                    continuation.resume(returning: Result { () throws(PostgresError) -> T in try body() })
                case .cancelled:
                    continuation.resume(returning: .failure(.poolClosed()))
                }
            }
        }
        return try result.get()
    }
}
