#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a text file was not read, in words a user can act on.
enum TextFileError: Error {
    /// Missing, no permission...: `reason` says which.
    case unreadable(reason: String)
    /// A FIFO, a directory, a device or a socket: `kind` says which ("a FIFO"). Such a file is
    /// refused before it is opened, since opening a FIFO for reading waits for a writer.
    case notRegular(kind: String)
    /// The file holds more than the limit (it may be growing while it is read).
    case tooLarge(limit: Int)
    /// Not UTF-8 text: UTF-16, or bytes no text has.
    case notText(reason: String)

    var problem: String {
        switch self {
        case .unreadable(let reason): "cannot read the file: \(reason)"
        case .notRegular(let kind): "is \(kind), not a regular file"
        case .tooLarge(let limit): "larger than the limit of \(limit) bytes"
        case .notText(let reason): reason
        }
    }
}

/// Reads a whole UTF-8 text file of at most `maxBytes` bytes, reading no more than one byte past
/// the limit, so a huge file is refused at once. Only a regular file is read: a FIFO, a directory,
/// a device or a socket is refused by name before it is opened (a FIFO would block the open until
/// a writer came, and a device like `/dev/zero` never ends), and checked again on the opened
/// descriptor, which is opened non-blocking, so a path swapped for a FIFO in between cannot hang
/// the tool either. A UTF-8 byte order mark is skipped, as YAML allows; UTF-16 and binary files
/// are refused by name, not parsed as garbage. (The simulator stays free of Foundation; scenario
/// files are its only input from disk.)
func readTextFile(_ path: String, maxBytes: Int) throws(TextFileError) -> String {
    var info = stat()
    guard stat(path, &info) == 0 else { throw .unreadable(reason: TextFileError.reason(errno)) }
    if let kind = TextFileError.kind(of: info.st_mode) { throw .notRegular(kind: kind) }
    let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
    guard fd >= 0 else { throw .unreadable(reason: TextFileError.reason(errno)) }
    defer { close(fd) }
    guard fstat(fd, &info) == 0 else { throw .unreadable(reason: TextFileError.reason(errno)) }
    if let kind = TextFileError.kind(of: info.st_mode) { throw .notRegular(kind: kind) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while bytes.count <= maxBytes {
        let wanted = min(buffer.count, maxBytes + 1 - bytes.count)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, wanted) }
        if n < 0 {
            if errno == EINTR { continue }
            throw .unreadable(reason: TextFileError.reason(errno))
        }
        if n == 0 { break }
        bytes.append(contentsOf: buffer[0..<n])
    }
    if bytes.count > maxBytes { throw .tooLarge(limit: maxBytes) }
    if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
        throw .notText(reason: "UTF-16 text: save it as UTF-8")
    }
    if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
    if let nul = bytes.firstIndex(of: 0) {
        throw .notText(reason: "not a text file (a zero byte at offset \(nul))")
    }
    guard let text = String(validating: bytes, as: UTF8.self) else {
        throw .notText(reason: "not UTF-8 text")
    }
    return text
}

private extension TextFileError {
    /// What `errno` means for a file a user named.
    static func reason(_ code: Int32) -> String {
        switch code {
        case ENOENT: "no such file"
        case EACCES, EPERM: "permission denied"
        case ENOTDIR: "a part of the path is not a directory"
        default: String(cString: strerror(code))
        }
    }

    /// What a file of this mode is, in words ("a FIFO"), when it is not a regular file; nil for a
    /// regular file.
    static func kind(of mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "a special file"
        }
    }
}
