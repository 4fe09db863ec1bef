#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import NIOCore
import NIOPosix
import Testing

/// Polls `condition` every few milliseconds until it holds, failing after `seconds`: real time
/// passes in these tests, and a fixed sleep would be either flaky or slow. The default deadline is
/// generous (a busy 2-core machine running the whole suite starts a process slowly); a condition
/// that holds returns at once. The condition is always asked once more at the deadline: a task
/// that resumes late (other suites keep the runner's threads busy) must not fail on what it did
/// not look at.
func eventually(_ what: String, within seconds: Double = 120, _ condition: () async throws -> Bool) async throws {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    repeat {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(5))
    } while ContinuousClock.now < deadline
    if try await condition() { return }
    Issue.record("timed out after \(seconds)s waiting for \(what)")
    throw CancellationError()
}

/// A fresh directory under /tmp, removed by `remove()`.
struct TempDirectory {
    let path: String

    init() {
        var template = Array("/tmp/tabsync-test-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    func remove() {
        _ = try? FileManager.default.removeItem(atPath: path)
    }
}

/// Sends one raw datagram to a socket path, as a hostile or buggy process of the same user could.
func sendRawDatagram(_ bytes: [UInt8], to path: String) -> Bool {
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
        raw.copyBytes(from: Array(path.utf8))
        raw[path.utf8.count] = 0
    }
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(fd) }
    let sent = bytes.withUnsafeBytes { buffer in
        withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, buffer.baseAddress, buffer.count, 0, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
    }
    return sent == bytes.count
}

/// Leaves a socket file behind as a process killed with -9 does: bound, then closed, never unlinked.
func leaveStaleSocket(at path: String) {
    var addr = sockaddr_un()
    addr.sun_family = sa_family_t(AF_UNIX)
    withUnsafeMutableBytes(of: &addr.sun_path) { raw in
        raw.copyBytes(from: Array(path.utf8))
        raw[path.utf8.count] = 0
    }
    let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
    _ = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
    }
    close(fd)
}

/// One event loop thread for a test; work on non-Sendable objects is submitted to it.
final class LoopThread: Sendable {
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
    var loop: any EventLoop { group.next() }

    /// Runs `body` on the loop and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await loop.submit(body).get()
    }

    func shutdown() async throws {
        try await group.shutdownGracefully()
    }
}

/// Waits until exactly one of `tabs` leads (in an epoch above `oldEpoch`) and every other follows it;
/// returns the leader and its epoch. Shared by the tests of every real-tab transport.
func agreedLeader(_ tabs: [TabProcess], newerThan oldEpoch: Int = 0, within seconds: Double = 120)
    async throws -> (leader: TabProcess, epoch: Int)
{
    var found: (TabProcess, Int)?
    try await eventually("one leader among \(tabs.map(\.name))", within: seconds) {
        let roles = tabs.map { $0.role }
        let leaders = tabs.indices.filter { roles[$0]?[string: "role"] == "leader" }
        guard leaders.count == 1, let leaderId = tabs[leaders[0]].tabId,
            let epoch = roles[leaders[0]]?[int: "epoch"], epoch > oldEpoch
        else { return false }
        let others = tabs.indices.filter { $0 != leaders[0] }
        let follow = others.allSatisfy {
            roles[$0]?[string: "role"] == "follower" && roles[$0]?[string: "leader"] == leaderId
        }
        guard follow else { return false }
        found = (tabs[leaders[0]], epoch)
        return true
    }
    return found!
}
