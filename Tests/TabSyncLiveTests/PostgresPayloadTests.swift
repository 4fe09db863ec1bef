import Foundation
import NIOCore
import Testing

@testable import TabSyncLive

/// The PostgreSQL transport's pieces that need no server: payloads and their chunks, the bounded
/// reassembly, settings from a URL and the environment (never showing the password), channel names.
struct PostgresPayloadTests {
    let sender = "8000000000000abc"

    @Test func aFrameOverTheLimitIsSplitBetweenCharactersAndPutBackTogether() throws {
        let text = String(repeating: "é€x{\"a\"}", count: 2000)  // 22,000 bytes, multi-byte characters
        let payloads = NotifyPayload.split(Array(text.utf8), sender: sender, frame: 7)
        #expect(payloads.count == 3)
        #expect(payloads.allSatisfy { $0.utf8.count < 8000 })
        var reassembly = ChunkReassembly(maxFrameBytes: 64 * 1024)
        var outcomes: [ChunkReassembly.Outcome] = []
        for payload in payloads {
            let (header, data) = try #require(NotifyPayload.parse(payload))
            #expect(header.sender == sender && header.frame == 7 && header.count == 3)
            outcomes.append(reassembly.add(header, data, from: 42, now: .now()))
        }
        #expect(outcomes == [.pending, .pending, .complete(Array(text.utf8))])
        #expect(reassembly.pendingFrames == 0)
    }

    @Test func aSmallFrameIsOnePayload() throws {
        let payloads = NotifyPayload.split(Array("{}".utf8), sender: sender, frame: 1)
        #expect(payloads == ["\(sender) 1 0 1 {}"])
        #expect(NotifyPayload.parse("{\"type\":\"TAB_PING\"}") == nil)  // not ours: handed on as it is
        #expect(NotifyPayload.parse("\(sender) 1 3 3 x") == nil)  // index out of range
        #expect(NotifyPayload.parse("\(sender) 1 0 65 x") == nil)  // more chunks than a frame may have
    }

    @Test func incompleteFramesAreBoundedTimedOutAndCounted() throws {
        var reassembly = ChunkReassembly(maxPartialFrames: 2, maxFrameBytes: 100, timeout: .seconds(10))
        let start = NIODeadline.now()
        func chunk(_ frame: UInt64, _ index: Int, _ count: Int, _ data: String) -> ChunkReassembly.Outcome {
            let header = NotifyPayload.Header(sender: sender, frame: frame, index: index, count: count)
            return reassembly.add(header, data.utf8[...], from: 1, now: start)
        }
        #expect(chunk(1, 0, 2, "a") == .pending)
        #expect(chunk(2, 0, 2, "b") == .pending)
        #expect(chunk(3, 0, 2, "c") == .pending)  // the oldest (frame 1) evicted: at most 2 at once
        #expect(reassembly.droppedFrames == 1)
        #expect(chunk(1, 1, 2, "a") == .dropped("chunk 2 of 2 without the ones before it"))
        #expect(chunk(2, 1, 3, "b") == .dropped("chunk 2 of 3 out of order"))
        #expect(chunk(4, 0, 2, String(repeating: "x", count: 101)) == .dropped("frame longer than 100 bytes"))
        #expect(reassembly.expire(now: start + .seconds(9)) == 0)
        #expect(reassembly.expire(now: start + .seconds(10)) == 1)  // frame 3, incomplete for 10 s
        #expect(reassembly.pendingFrames == 0)
        #expect(reassembly.droppedFrames == 5)
    }

    @Test func settingsComeFromTheURLThenTheEnvironmentAndNeverShowThePassword() throws {
        let environment = ["PGHOST": "db.school", "PGPORT": "6543", "PGUSER": "env", "PGPASSWORD": "env-secret"]
        let fromURL = try PostgresSettings(
            url: "postgres://teacher:p%40ss%3Aw0rd@10.0.0.5:5433/classroom?sslmode=require", environment: environment)
        #expect(fromURL.host == "10.0.0.5" && fromURL.port == 5433 && fromURL.user == "teacher")
        #expect(fromURL.password == "p@ss:w0rd" && fromURL.database == "classroom" && fromURL.sslMode == .require)
        #expect(fromURL.description == "postgres://teacher:***@10.0.0.5:5433/classroom?sslmode=require")

        let fromEnvironment = try PostgresSettings(url: "postgres://", environment: environment)
        #expect(fromEnvironment.host == "db.school" && fromEnvironment.port == 6543 && fromEnvironment.user == "env")
        #expect(fromEnvironment.password == "env-secret" && fromEnvironment.database == "env")
        #expect(fromEnvironment.sslMode == .prefer)
        #expect(!fromEnvironment.description.contains("env-secret"))

        for bad in [
            "http://u:hunter2@h/db", "postgres://u:hunter2@h/db?sslmode=maybe", "postgres://u:hunter2@h/db?x=1",
        ] {
            let error = #expect(throws: PostgresSettingsError.self) { try PostgresSettings(url: bad) }
            #expect(error.map { !"\($0)".contains("hunter2") } ?? false)
        }
    }

    @Test func channelNamesMustNeedNoQuoting() {
        for good in ["app-sync", "class_1a.room", String(repeating: "x", count: 63)] {
            #expect(throws: Never.self) { try PostgresTransport.validate(channelName: good) }
        }
        for bad in ["", "a\"b", "a b", "x;DROP", "é", String(repeating: "x", count: 64)] {
            #expect(throws: PostgresTransportError.self) { try PostgresTransport.validate(channelName: bad) }
        }
    }

    @Test func tabsimRefusesAnUnsafeChannelNameWithoutShowingThePassword() async throws {
        let tab = try await TabProcess("A", ["--postgres", "postgres://u:hunter2@127.0.0.1:1/db", "--channel", "a\"b"])
        defer { tab.stop() }
        #expect(try await tab.exitStatus(within: 120) != 0)
        #expect(tab.standardError.contains("refused channel name"), "\(tab.standardError)")
        #expect(!tab.standardError.contains("hunter2"))
    }
}
