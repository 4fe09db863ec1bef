import Foundation
import Testing

@testable import TabSimulator

/// A scenario file that cannot be used is refused naming the file and why: missing, not a regular
/// file (a directory, a device), UTF-16, binary. A UTF-8 byte order mark is skipped, as YAML allows.
/// (A FIFO, which would block the open, is tested through the real program, with a deadline:
/// `CommandLineTests`.)
@Suite struct ScenarioFileTests {
    static let scenario = "steps:\n  - {at: 0ms, open: A}\n"

    func file(_ bytes: [UInt8]) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tabsim-\(UUID().uuidString).yaml").path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    func refusal(_ path: String) -> String? {
        do { _ = try ScenarioParser.load(path: path) } catch { return error.description }
        return nil
    }

    @Test func aMissingFileOrADirectorySaysWhich() throws {
        #expect(refusal("/nonexistent/x.yaml") == "/nonexistent/x.yaml: cannot read the file: no such file")
        let dir = FileManager.default.temporaryDirectory.path
        #expect(refusal(dir) == "\(dir): is a directory, not a regular file")
        #expect(
            refusal("/etc/passwd/x.yaml")
                == "/etc/passwd/x.yaml: cannot read the file: a part of the path is not a directory")
    }

    /// A device is refused before it is read: `/dev/null` was read as an empty file, and `/dev/zero`
    /// was read up to the size limit.
    @Test(arguments: ["/dev/null", "/dev/zero", "/dev/urandom"])
    func aDeviceIsRefusedAsNotARegularFile(path: String) throws {
        #expect(refusal(path) == "\(path): is a character device, not a regular file")
    }

    @Test func aSocketIsRefusedAsNotARegularFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("tabsim-\(UUID().uuidString).sock")
            .path
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        try #require(fd >= 0)
        defer {
            close(fd)
            unlink(path)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        try #require(bound == 0)
        #expect(refusal(path) == "\(path): is a socket, not a regular file")
    }

    @Test func utf16AndBinaryFilesAreRefusedByName() throws {
        let utf16 = try file([0xFF, 0xFE] + Array(Self.scenario.utf16).flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
        #expect(refusal(utf16) == "\(utf16): UTF-16 text: save it as UTF-8")
        let binary = try file(Array(Self.scenario.utf8) + [0, 1, 2])
        #expect(refusal(binary) == "\(binary): not a text file (a zero byte at offset \(Self.scenario.utf8.count))")
        let latin1 = try file(Array("name: caf".utf8) + [0xE9] + Array("\n".utf8) + Array(Self.scenario.utf8))
        #expect(refusal(latin1) == "\(latin1): not UTF-8 text")
    }

    @Test func aUTF8ByteOrderMarkIsSkipped() throws {
        let bom = try file([0xEF, 0xBB, 0xBF] + Array(Self.scenario.utf8))
        #expect(refusal(bom) == nil)
        #expect(try ScenarioParser.load(path: bom).steps.count == 1)
    }
}
