#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Why a text file was not read, in words a user can act on.
enum TextFileError: Error {
    /// Missing, a directory, no permission...: `reason` says which.
    case unreadable(reason: String)
    /// The file holds more than the limit (it may be endless, like `/dev/zero`).
    case tooLarge(limit: Int)
    /// Not UTF-8 text: UTF-16, or bytes no text has.
    case notText(reason: String)

    var problem: String {
        switch self {
        case .unreadable(let reason): "cannot read the file: \(reason)"
        case .tooLarge(let limit): "larger than the limit of \(limit) bytes"
        case .notText(let reason): reason
        }
    }
}

/// Reads a whole UTF-8 text file of at most `maxBytes` bytes, reading no more than one byte past
/// the limit, so an endless or huge file is refused at once. A UTF-8 byte order mark is skipped,
/// as YAML allows; UTF-16 and binary files are refused by name, not parsed as garbage. (The
/// simulator stays free of Foundation; scenario files are its only input from disk.)
func readTextFile(_ path: String, maxBytes: Int) throws(TextFileError) -> String {
    guard let file = fopen(path, "rb") else { throw .unreadable(reason: TextFileError.reason(errno)) }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while bytes.count <= maxBytes {
        let n = fread(&buffer, 1, min(buffer.count, maxBytes + 1 - bytes.count), file)
        if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
        if n == 0 { break }
    }
    if ferror(file) != 0 { throw .unreadable(reason: TextFileError.reason(errno)) }
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
        case EISDIR: "it is a directory"
        case EACCES, EPERM: "permission denied"
        case ENOTDIR: "a part of the path is not a directory"
        default: String(cString: strerror(code))
        }
    }
}
