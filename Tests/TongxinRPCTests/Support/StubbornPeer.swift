#if canImport(Glibc)
import Glibc
#endif

/// A non-blocking loopback socket that writes and never reads: the peer that lets the
/// server's answers pile up. Plain POSIX calls, so that nothing on our side reads for it.
final class StubbornPeer: @unchecked Sendable {
    private let fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TimedOut(what: "a socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            close(fd)
            throw TimedOut(what: "a connection to 127.0.0.1:\(port)")
        }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    enum WriteResult { case wrote(Int), wouldBlock, failed }

    /// Writes what the kernel takes now.
    func write(_ bytes: [UInt8]) -> WriteResult {
        let written = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        if written >= 0 { return .wrote(written) }
        return errno == EAGAIN || errno == EWOULDBLOCK ? .wouldBlock : .failed
    }

    /// Whether the server reset or closed the connection (seen without reading).
    var isBroken: Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
        _ = poll(&poller, 1, 0)
        if poller.revents & Int16(POLLERR | POLLHUP) != 0 { return true }
        if case .failed = write([0]) { return true }
        return false
    }

    deinit { close(fd) }
}

/// The resident set of this process now and at its peak since `resetPeakRSS()`, in bytes
/// (Linux: /proc/self/status VmRSS / VmHWM).
enum ProcessMemory {
    static func resetPeakRSS() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = Glibc.write(fd, "5", 1)
        close(fd)
    }

    static func rss() -> Int { field("VmRSS:") }
    static func peakRSS() -> Int { field("VmHWM:") }

    private static func field(_ name: String) -> Int {
        guard let file = fopen("/proc/self/status", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 256)
        while fgets(&line, 256, file) != nil {
            let text = String(cString: line)
            if text.hasPrefix(name) {
                let digits = text.dropFirst(name.count).filter(\.isNumber)
                return (Int(digits) ?? 0) * 1024
            }
        }
        return 0
    }
}
