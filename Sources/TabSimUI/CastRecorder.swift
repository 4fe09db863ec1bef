#if canImport(Glibc)
    import Glibc
#endif

/// The edge that writes a cast (`--cast FILE`): a `TerminalDevice` that shows every screen on the
/// terminal it wraps and appends it to the cast (`CastWriter`) at the wall time of the `clock`, the
/// time the user saw. The UI loop does not know it is recorded. A write that fails stops the
/// recording and is kept in `failure`, for the program to report at exit; the UI goes on.
public final class CastRecorder: TerminalDevice {
    private let device: any TerminalDevice
    private let clock: any UIClock
    private let startMs: Double
    private var writer: CastWriter
    private var file: UnsafeMutablePointer<FILE>?
    public let path: String
    /// Why the cast is incomplete, once a write failed.
    public private(set) var failure: String?
    /// Bytes written so far.
    public private(set) var bytes = 0

    /// Opens `path` and writes the header: the size of `device` now, `timestamp` (Unix seconds) as
    /// the start. `colors` false records what a terminal without colours shows (NO_COLOR). Throws
    /// naming the path when the file cannot be created.
    public init(
        path: String, wrapping device: any TerminalDevice, clock: any UIClock, timestamp: Int, title: String,
        colors: Bool = true
    ) throws {
        self.device = device
        self.clock = clock
        self.path = path
        startMs = clock.nowMs
        let size = device.size
        writer = CastWriter(width: size.width, height: size.height, colors: colors)
        guard let file = fopen(path, "w") else {
            throw UIError("cannot write \(path): \(String(cString: strerror(errno)))")
        }
        self.file = file
        write(writer.header(timestamp: timestamp, title: title))
        if let failure { throw UIError(failure) }
    }

    deinit { _ = finish() }

    public var size: (width: Int, height: Int) { device.size }

    public func readKey(timeoutMs: Int?) -> Key? { device.readKey(timeoutMs: timeoutMs) }

    public func draw(_ screen: ScreenBuffer) {
        device.draw(screen)
        guard file != nil else { return }
        for line in writer.frame(screen, atSeconds: (clock.nowMs - startMs) / 1000) { write(line) }
    }

    /// Flushes and closes the file; returns why the cast is incomplete, if it is. Safe to call twice.
    @discardableResult
    public func finish() -> String? {
        if let file {
            if fclose(file) != 0, failure == nil {
                failure = "cannot write \(path): \(String(cString: strerror(errno)))"
            }
            self.file = nil
        }
        return failure
    }

    private func write(_ line: String) {
        guard let file else { return }
        let text = line + "\n"
        if fputs(text, file) < 0 {
            failure = "cannot write \(path): \(String(cString: strerror(errno)))"
            fclose(file)
            self.file = nil
            return
        }
        bytes += text.utf8.count
    }
}
