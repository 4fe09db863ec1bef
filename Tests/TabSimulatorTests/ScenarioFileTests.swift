import Foundation
import Testing

@testable import TabSimulator

/// A scenario file that cannot be used is refused naming the file and why: missing, a directory,
/// UTF-16, binary. A UTF-8 byte order mark is skipped, as YAML allows.
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
        #expect(refusal(dir) == "\(dir): cannot read the file: it is a directory")
        #expect(
            refusal("/etc/passwd/x.yaml")
                == "/etc/passwd/x.yaml: cannot read the file: a part of the path is not a directory")
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
