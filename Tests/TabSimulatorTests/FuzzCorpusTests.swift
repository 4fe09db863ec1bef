import Foundation
import Testing
import TabSync
import TabSyncFuzzing

/// Replays the libFuzzer corpus saved in Fuzz/Corpus through the fuzz harness: no fuzzing here, only
/// the saved inputs (every input that once found a bug among them), each a regression test.
@Suite struct FuzzCorpusTests {
    static let corpus: [String] = {
        let dir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fuzz/Corpus")
        let files = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
        return files.sorted().map { dir.appendingPathComponent($0).path }
    }()

    @Test func theCorpusIsThere() {
        #expect(Self.corpus.count >= 400)
    }

    /// One case per input, so they run in parallel.
    @Test(arguments: corpus)
    func aSavedInputKeepsEveryProperty(_ path: String) throws {
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let problems = ReceiveFuzzer.problems(bytes)
        #expect(problems.isEmpty, "\(path): \(problems.joined(separator: "; "))")
    }

    /// The JSON parser's harness (`JSONFuzz`) over every line of the corpus: frames of every kind,
    /// forged, broken and cut short.
    @Test func theJSONParserReadsBackEveryFrameOfTheCorpus() throws {
        var parsed = 0
        for path in Self.corpus {
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            for line in bytes.split(separator: UInt8(ascii: "\n")) {
                let problems = JSONParserFuzzer.problems(line)
                #expect(problems.isEmpty, "\(path): \(problems.joined(separator: "; "))")
                if (try? JSONValue(parsing: line)) != nil { parsed += 1 }
            }
        }
        #expect(parsed >= 200, "the corpus holds hundreds of JSON frames (244 when this was written)")
    }
}
