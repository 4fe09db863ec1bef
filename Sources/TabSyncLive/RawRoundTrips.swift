#if canImport(Glibc)
    import Glibc
#endif

/// The floor under `LiveRoundTrips`: a Unix datagram ping-pong between two processes with no
/// engine, no JSON and no event loop, blocking sockets on both sides. What the kernel's part of a
/// round trip costs on this machine, measured in the same run as the engine's.
public enum RawRoundTrips {
    /// The echo's side, in its own process: binds `path` (mode 0600) and sends every datagram back
    /// to its sender, until one of zero bytes arrives. `ready` is called once it is bound.
    public static func echo(at path: String, ready: () -> Void) throws {
        let fd = try bound(path)
        defer {
            close(fd)
            unlink(path)
        }
        ready()
        var buffer = [UInt8](repeating: 0, count: 256)
        var sender = sockaddr_un()
        while true {
            var length = socklen_t(MemoryLayout<sockaddr_un>.size)
            let count = buffer.withUnsafeMutableBytes { bytes in
                withUnsafeMutablePointer(to: &sender) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(fd, bytes.baseAddress, bytes.count, 0, $0, &length)
                    }
                }
            }
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return }
            _ = buffer.withUnsafeBytes { bytes in
                withUnsafePointer(to: &sender) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, bytes.baseAddress, count, 0, $0, length)
                    }
                }
            }
        }
    }

    /// `roundTrips` ping-pongs of a 16-byte datagram with the echo at `echoPath`, from a socket
    /// bound at `path`, after `warmUp` unmeasured ones; the microseconds of each. Ends the echo.
    public static func measure(echoPath: String, from path: String, roundTrips: Int, warmUp: Int = 500) throws
        -> [Double]
    {
        let fd = try bound(path)
        defer {
            close(fd)
            unlink(path)
        }
        guard var echo = UnixSocket.address(echoPath) else {
            throw LiveBenchError("echo path too long: \(echoPath)")
        }
        let ping = [UInt8](repeating: 0x2a, count: 16)
        var buffer = [UInt8](repeating: 0, count: 256)
        func send(_ bytes: [UInt8]) -> Int {
            bytes.withUnsafeBytes { raw in
                withUnsafePointer(to: &echo) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        sendto(fd, raw.baseAddress, raw.count, 0, $0, UnixSocket.addressSize)
                    }
                }
            }
        }
        var samples: [Double] = []
        samples.reserveCapacity(roundTrips)
        for round in 0..<(warmUp + roundTrips) {
            let start = ContinuousClock.now
            guard send(ping) == ping.count else {
                throw LiveBenchError("raw ping not sent: \(String(cString: strerror(errno)))")
            }
            var count = -1
            while count < 0 {
                count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                if count < 0, errno != EINTR {
                    throw LiveBenchError("raw pong not received: \(String(cString: strerror(errno)))")
                }
            }
            let elapsed = ContinuousClock.now - start
            if round >= warmUp {
                samples.append(
                    Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
            }
        }
        _ = send([])  // the echo ends
        return samples
    }

    /// A blocking datagram socket bound at `path`, mode 0600.
    private static func bound(_ path: String) throws -> CInt {
        switch UnixSocket.bound(to: path) {
        case .success(let fd):
            // `bound` makes it non-blocking, for NIO: this side waits on purpose.
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
            return fd
        case .failure(let error): throw LiveBenchError("raw socket \(path): \(error)")
        }
    }
}
