/// Splits the bytes of `tabsim tab --headless`'s standard input into command lines, refusing
/// whole any line longer than `maxLineBytes`.
///
/// Why refused whole and not cut: a cut line runs its first piece as a command (a truncated `set`
/// writes a truncated value) and every other piece as one more. A long line's bytes are dropped as
/// they arrive, so memory stays at the limit however long the line (`/dev/zero` included).
struct LineSplitter {
    /// The longest command line run, in bytes, without its newline (and a `\r` before it).
    static let maxLineBytes = 64 * 1024

    enum Line: Equatable {
        case command(String)
        /// A line longer than the limit, refused: its number (from 1) and length in bytes.
        case tooLong(number: Int, bytes: Int)
    }

    private var pending: [UInt8] = []
    /// Bytes of the current line dropped since it passed the limit (0: not over it).
    private var dropped = 0
    private var lineNumber = 0

    /// The lines that `bytes` completes.
    mutating func take(_ bytes: some Sequence<UInt8>) -> [Line] {
        var lines: [Line] = []
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                lines.append(endLine())
            } else if dropped > 0 {
                dropped += 1
            } else if pending.count == Self.maxLineBytes + 1 {  // room for a `\r` that ends it
                dropped = pending.count + 1
                pending.removeAll()
            } else {
                pending.append(byte)
            }
        }
        return lines
    }

    /// The last line, when the input ended without a newline.
    mutating func finish() -> [Line] {
        pending.isEmpty && dropped == 0 ? [] : [endLine()]
    }

    private mutating func endLine() -> Line {
        lineNumber += 1
        defer {
            pending.removeAll(keepingCapacity: pending.count <= 4096)
            dropped = 0
        }
        if pending.last == UInt8(ascii: "\r") { pending.removeLast() }
        if dropped > 0 || pending.count > Self.maxLineBytes {
            return .tooLong(number: lineNumber, bytes: dropped > 0 ? dropped : pending.count)
        }
        return .command(String(decoding: pending, as: UTF8.self))
    }
}
