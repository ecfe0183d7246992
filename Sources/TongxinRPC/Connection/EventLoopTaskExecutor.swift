import NIOCore

/// Runs tasks on a channel's event loop, so that a handler that only awaits (the
/// common case: decode, a little logic, a database call on a thread pool) never
/// leaves the thread its connection lives on — no thread hop in, none out, and its
/// response is written without a second trip through the event loop's queue.
///
/// The price is that a handler which blocks or burns CPU delays its connection's I/O;
/// `RPCServer.Configuration.handlerExecution` chooses `.concurrent` for such servers.
///
/// Public so that a client can do the same: tasks that call through an `RPCClient` whose
/// connections live on one event loop, run on that loop, hand nothing between threads
/// (`tongxin-bench --client-threads`).
public final class EventLoopTaskExecutor: TaskExecutor {
    public let eventLoop: any EventLoop

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        self.eventLoop.execute {
            job.runSynchronously(on: self.asUnownedTaskExecutor())
        }
    }
}
