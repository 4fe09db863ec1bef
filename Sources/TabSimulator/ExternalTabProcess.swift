import TabSync

#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// An external tab as a child process (`/bin/sh -c COMMAND`): each line goes to its standard input,
/// and its answer is the next line of its standard output. The one place of the simulator that
/// touches the world: a process, pipes, and a wall-clock deadline per answer, so that a hung
/// process is an error and never a hung simulator. Nothing read here decides anything by timing:
/// the answer, or a failure.
///
/// Bounds: an answer line is at most `maxLineBytes`; of standard error the last `stderrTailBytes`
/// are kept, for the failure's message. Standard error is read while waiting, so a chatty process
/// never blocks on a full pipe.
public final class ExternalTabProcess: ExternalTabLink {
    /// The longest answer line read (4 MiB): a frame is far smaller (a tab's frames are bounded by
    /// the transport's frame limit), and a line past this is a runaway process.
    public static let maxLineBytes = 4 << 20
    /// How much of the process's standard error a failure quotes (its end).
    public static let stderrTailBytes = 2048

    public let command: String
    /// How long one answer may take, in wall-clock milliseconds.
    public let deadlineMs: Int
    private var pid: pid_t
    private var stdinFd: Int32
    private var stdoutFd: Int32
    private var stderrFd: Int32
    private var buffer: [UInt8] = []
    private var stderrTail: [UInt8] = []
    private var finished = false

    private init(command: String, deadlineMs: Int, pid: pid_t, stdin: Int32, stdout: Int32, stderr: Int32) {
        self.command = command
        self.deadlineMs = deadlineMs
        self.pid = pid
        self.stdinFd = stdin
        self.stdoutFd = stdout
        self.stderrFd = stderr
    }

    /// Starts `command` under `/bin/sh -c`, in the current directory, with the simulator's environment.
    public static func launch(_ command: String, deadlineMs: Int) throws(ExternalTabFailure) -> ExternalTabProcess {
        // Socket pairs rather than pipes: made close-on-exec at once (no other child started
        // meanwhile inherits them), and written with MSG_NOSIGNAL, so a write to a process that
        // has exited is an error here, not a SIGPIPE ending the simulator.
        var inPipe: [Int32] = [-1, -1]
        var outPipe: [Int32] = [-1, -1]
        var errPipe: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        guard socketpair(AF_UNIX, type, 0, &inPipe) == 0, socketpair(AF_UNIX, type, 0, &outPipe) == 0,
            socketpair(AF_UNIX, type, 0, &errPipe) == 0
        else {
            for fd in inPipe + outPipe + errPipe where fd >= 0 { close(fd) }
            throw ExternalTabFailure("could not make its pipes: \(errorText(errno))")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
        posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
        let argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/sh"), strdup("-c"), strdup(command), nil]
        defer { for p in argv { free(p) } }
        var pid: pid_t = 0
        let status = posix_spawn(&pid, "/bin/sh", &actions, nil, argv, environ)
        close(inPipe[0])
        close(outPipe[1])
        close(errPipe[1])
        guard status == 0 else {
            for fd in [inPipe[1], outPipe[0], errPipe[0]] { close(fd) }
            throw ExternalTabFailure("could not start /bin/sh -c: \(errorText(status))")
        }
        _ = fcntl(errPipe[0], F_SETFL, fcntl(errPipe[0], F_GETFL) | O_NONBLOCK)
        return ExternalTabProcess(
            command: command, deadlineMs: deadlineMs, pid: pid, stdin: inPipe[1], stdout: outPipe[0],
            stderr: errPipe[0])
    }

    public func exchange(_ line: String) throws(ExternalTabFailure) -> String {
        guard !finished else { throw ExternalTabFailure("its process was ended before") }
        let deadline = Self.monotonicMs() + deadlineMs
        try writeAll(Array((line + "\n").utf8), deadline: deadline)
        return try readLine(deadline: deadline)
    }

    public func terminate() {
        guard !finished else { return }
        finished = true
        close(stdinFd)
        close(stdoutFd)
        close(stderrFd)
        kill(pid, SIGKILL)
        var status: Int32 = 0
        _ = waitpid(pid, &status, 0)
    }

    deinit { terminate() }

    private func writeAll(_ bytes: [UInt8], deadline: Int) throws(ExternalTabFailure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { send(stdinFd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n > 0 {
                offset += n
                continue
            }
            if n < 0 && errno == EINTR { continue }
            if n < 0 && errno != EAGAIN { throw exited(while: "reading its input") }
            try wait(for: stdinFd, events: Int16(POLLOUT), deadline: deadline, doing: "reading its input")
        }
    }

    private func readLine(deadline: Int) throws(ExternalTabFailure) -> String {
        var scanned = 0
        while true {
            if let newline = buffer[scanned...].firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            scanned = buffer.count
            guard buffer.count <= Self.maxLineBytes else {
                throw ExternalTabFailure("wrote an answer line longer than \(Self.maxLineBytes) bytes")
            }
            try wait(for: stdoutFd, events: Int16(POLLIN), deadline: deadline, doing: "answering")
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let n = chunk.withUnsafeMutableBytes { read(stdoutFd, $0.baseAddress, $0.count) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard n > 0 else { throw exited(while: "answering") }
            buffer.append(contentsOf: chunk[..<n])
        }
    }

    /// Waits until `fd` is ready, draining standard error meanwhile; throws past the deadline.
    private func wait(for fd: Int32, events: Int16, deadline: Int, doing what: String) throws(ExternalTabFailure) {
        while true {
            let left = deadline - Self.monotonicMs()
            guard left > 0 else {
                throw ExternalTabFailure(
                    "no answer within \(deadlineMs) ms of wall time (hung, or too slow for the deadline)"
                        + stderrQuote)
            }
            var fds = [
                pollfd(fd: fd, events: events, revents: 0), pollfd(fd: stderrFd, events: Int16(POLLIN), revents: 0),
            ]
            let n = poll(&fds, 2, Int32(min(left, 1000)))
            if n < 0 && errno != EINTR { throw ExternalTabFailure("poll failed: \(Self.errorText(errno))") }
            if fds[1].revents != 0 { drainStderr() }
            if fds[0].revents != 0 { return }
        }
    }

    /// Reads what standard error holds now; returns false once it is closed (the process ended).
    @discardableResult
    private func drainStderr() -> Bool {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(stderrFd, $0.baseAddress, $0.count) }
            if n == 0 { return false }
            guard n > 0 else { return true }
            stderrTail.append(contentsOf: chunk[..<n])
            if stderrTail.count > Self.stderrTailBytes {
                stderrTail.removeFirst(stderrTail.count - Self.stderrTailBytes)
            }
        }
    }

    /// The process closed its output: how it ended (it is reaped), with the end of its standard error.
    private func exited(while what: String) -> ExternalTabFailure {
        finished = true
        close(stdinFd)
        close(stdoutFd)
        // A process that exits closes its standard error too: wait for that (at most a second),
        // keeping what it says, then reap it; one still running is ended.
        let until = Self.monotonicMs() + 1000
        while drainStderr(), Self.monotonicMs() < until {
            var fds = [pollfd(fd: stderrFd, events: Int16(POLLIN), revents: 0)]
            _ = poll(&fds, 1, 100)
        }
        close(stderrFd)
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) != pid {
            kill(pid, SIGKILL)
            _ = waitpid(pid, &status, 0)
            if status & 0x7f == SIGKILL {
                return ExternalTabFailure("closed its output instead of \(what)" + stderrQuote)
            }
        }
        let how =
            status & 0x7f == 0 ? "exited with status \((status >> 8) & 0xff)" : "was killed by signal \(status & 0x7f)"
        return ExternalTabFailure("\(how) instead of \(what)" + stderrQuote)
    }

    private var stderrQuote: String {
        let text = String(decoding: stderrTail, as: UTF8.self).trimmingWhitespace
        return text.isEmpty ? "" : "; its standard error ends: " + TerminalText.escaped(text)
    }

    private static func monotonicMs() -> Int {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int(ts.tv_sec) * 1000 + Int(ts.tv_nsec) / 1_000_000
    }

    private static func errorText(_ code: Int32) -> String { String(cString: strerror(code)) }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var s = Substring(self)
        while let c = s.first, c.isWhitespace { s.removeFirst() }
        while let c = s.last, c.isWhitespace { s.removeLast() }
        return String(s)
    }
}
