#if canImport(Glibc)
    import Glibc
#endif

/// The few socket calls the transport makes itself, synchronously: binding (so that the socket
/// exists before the first frame is posted, with its mode set) and telling a socket file left by a
/// dead process. Sending goes through NIO (`DatagramPeer`).
enum UnixSocket {
    /// Longest socket path: `sun_path` holds 108 bytes with the terminating zero.
    static let maxPathBytes = 107
    static let addressSize = socklen_t(MemoryLayout<sockaddr_un>.size)

    /// The address of a socket path, or nil when the path is too long.
    static func address(_ path: String) -> sockaddr_un? {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count <= maxPathBytes else { return nil }
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        return addr
    }

    /// A non-blocking datagram socket bound to `path`, mode 0600 whatever the umask, or the errno of
    /// the call that failed. The mode is set just after `bind` (a socket's own descriptor cannot set
    /// its file's mode, and changing the umask would change it for every thread of the process): in
    /// between, only this user can reach the file, since `ChannelDirectory` refuses a directory that
    /// others can enter.
    static func bound(to path: String) -> Result<CInt, SocketError> {
        guard var addr = address(path) else { return .failure(SocketError(call: "bind", code: ENAMETOOLONG)) }
        let flags = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        let fd = socket(AF_UNIX, flags, 0)
        guard fd >= 0 else { return .failure(SocketError(call: "socket", code: errno)) }
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, addressSize) }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            return .failure(SocketError(call: "bind", code: code))
        }
        guard chmod(path, 0o600) == 0 else {
            let code = errno
            close(fd)
            unlink(path)
            return .failure(SocketError(call: "chmod", code: code))
        }
        return .success(fd)
    }

    /// True when `path` is a socket file that no process has bound: connecting to it is refused.
    static func isStale(_ path: String) -> Bool {
        guard isSocketFile(path), var addr = address(path) else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let result = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, addressSize) }
        }
        return result != 0 && errno == ECONNREFUSED
    }

    static func isSocketFile(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK
    }
}

/// A socket call that failed, with its errno.
struct SocketError: Error, CustomStringConvertible {
    let call: String
    let code: CInt
    var description: String { "\(call): \(String(cString: strerror(code)))" }
}
