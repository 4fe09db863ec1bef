#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a text file was not read.
enum TextFileError: Error {
    case unreadable
    /// The file holds more than the limit (it may be endless, like `/dev/zero`).
    case tooLarge(limit: Int)
}

/// Reads a whole UTF-8 text file of at most `maxBytes` bytes, reading no more than one byte past
/// the limit, so an endless or huge file is refused at once. (The simulator stays free of
/// Foundation; scenario files are its only input from disk.)
func readTextFile(_ path: String, maxBytes: Int) throws(TextFileError) -> String {
    guard let file = fopen(path, "rb") else { throw .unreadable }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while bytes.count <= maxBytes {
        let n = fread(&buffer, 1, min(buffer.count, maxBytes + 1 - bytes.count), file)
        if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
        if n == 0 { break }
    }
    if ferror(file) != 0 { throw .unreadable }
    if bytes.count > maxBytes { throw .tooLarge(limit: maxBytes) }
    return String(decoding: bytes, as: UTF8.self)
}
