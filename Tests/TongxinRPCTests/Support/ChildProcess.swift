import Foundation

/// Runs the tests of this test binary matching `filter` in a child process with `flag` set
/// in its environment, and returns its exit status and output. For measurements that must
/// not share the process with the suites running in parallel: memory (process-wide) and
/// long CPU-bound work (which would starve Swift's small thread pool of the tests beside it).
func runTestsInChildProcess(filter: String, flag: String) async throws -> (status: Int32, output: String) {
    let child = Process()
    child.executableURL = URL(fileURLWithPath: CommandLine.arguments[0])
    child.arguments = ["--testing-library", "swift-testing", "--filter", filter]
    child.environment = ProcessInfo.processInfo.environment.merging([flag: "1"]) { $1 }
    let output = Pipe()
    child.standardOutput = output
    child.standardError = output
    try child.run()
    // Waited for on a Dispatch thread: blocking one of the few threads of Swift's pool for
    // the child's whole run would starve the timing tests running beside it.
    let text: String = await withCheckedContinuation { continuation in
        DispatchQueue.global().async {
            let data = output.fileHandleForReading.readDataToEndOfFile()
            child.waitUntilExit()
            continuation.resume(returning: String(decoding: data, as: UTF8.self))
        }
    }
    return (child.terminationStatus, text)
}
