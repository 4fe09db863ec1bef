#if canImport(Glibc)
    import Glibc
#endif
import NIOCore
import NIOPosix

/// Reads `tabsim tab --headless`'s standard input, whatever it is, handing its lines to the loop.
///
/// Why two ways: NIO's event loop watches a descriptor with epoll, which refuses regular files and
/// `/dev/null` (NIO then stops the process with an illegal instruction). So only what epoll can
/// watch (a pipe, a socket, a terminal) is read through the loop; anything else never blocks a
/// read for long, and is read on the loop itself, one chunk per turn, so the tab's timers and
/// frames keep their turns between chunks. A descriptor that is not open is an empty input.
enum StandardInput {
    enum Kind: Equatable {
        /// Pipe, socket or terminal: epoll can watch it.
        case pollable
        /// A regular file, `/dev/null` or another device: read in chunks.
        case readable
        /// Not open: the input is empty.
        case closed
    }

    static func kind(of fd: CInt) -> Kind {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return .closed }
        switch info.st_mode & S_IFMT {
        case S_IFIFO, S_IFSOCK: return .pollable
        case S_IFCHR: return isatty(fd) == 1 ? .pollable : .readable
        default: return .readable
        }
    }

    /// Hands each line of standard input to `line`, on the loop, until `isDone()`; `atEnd` at the
    /// end of input (after the last line), or when it cannot be read (said on standard error).
    static func readLines(
        on loop: any EventLoop, _ line: @escaping (LineSplitter.Line) -> Void, isDone: @escaping () -> Bool,
        atEnd: @escaping () -> Void
    ) {
        switch kind(of: STDIN_FILENO) {
        case .closed:
            atEnd()
        case .readable:
            ChunkReader(fd: dup(STDIN_FILENO), loop: loop, line: line, isDone: isDone, atEnd: atEnd).next()
        case .pollable:
            let handler = NIOLoopBound(LineReader(onLine: line, onEnd: atEnd), eventLoop: loop)
            NIOPipeBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(handler.value)
                    }
                }
                .takingOwnershipOfDescriptor(input: dup(STDIN_FILENO))
                .assumeIsolated()
                .whenFailure { error in
                    printError("tabsim tab: cannot read standard input (\(error))")
                    atEnd()
                }
        }
    }
}

/// Reads a descriptor epoll cannot watch, one chunk per turn of the loop.
private final class ChunkReader {
    static let chunkBytes = 64 * 1024
    private let fd: CInt
    private let loop: any EventLoop
    private let line: (LineSplitter.Line) -> Void
    private let isDone: () -> Bool
    private let atEnd: () -> Void
    private var splitter = LineSplitter()
    private var buffer = [UInt8](repeating: 0, count: chunkBytes)

    init(
        fd: CInt, loop: any EventLoop, line: @escaping (LineSplitter.Line) -> Void, isDone: @escaping () -> Bool,
        atEnd: @escaping () -> Void
    ) {
        self.fd = fd
        self.loop = loop
        self.line = line
        self.isDone = isDone
        self.atEnd = atEnd
    }

    /// Reads one chunk, hands on its lines, and comes back on the loop's next turn.
    func next() {
        guard !isDone() else {
            close(fd)
            return
        }
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, Self.chunkBytes) }
        if count < 0, errno == EINTR || errno == EAGAIN {
            return again()
        }
        if count < 0 {
            printError("tabsim tab: cannot read standard input (\(String(cString: strerror(errno))))")
        }
        let lines = count > 0 ? splitter.take(buffer.prefix(count)) : splitter.finish()
        for each in lines where !isDone() { line(each) }
        guard count > 0, !isDone() else {
            close(fd)
            return atEnd()
        }
        again()
    }

    private func again() {
        let me = NIOLoopBound(self, eventLoop: loop)
        loop.execute { me.value.next() }
    }
}

/// Splits what NIO reads from a pipe, socket or terminal into lines (see `LineSplitter`).
final class LineReader: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    private var splitter = LineSplitter()
    private let onLine: (LineSplitter.Line) -> Void
    private let onEnd: () -> Void

    init(onLine: @escaping (LineSplitter.Line) -> Void, onEnd: @escaping () -> Void) {
        self.onLine = onLine
        self.onEnd = onEnd
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        for line in splitter.take(Self.unwrapInboundIn(data).readableBytesView) { onLine(line) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        for line in splitter.finish() { onLine(line) }
        onEnd()
    }
}
