// swift-format-ignore-file
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import NIOCore
import NIOPosix
import TabSync
import TabSyncLive
import Testing

// The example of README.md, "Real tabs", as it is there, but for one added line (`afterStart`),
// through which the test looks at the sync and ends the program. A test below checks that every
// line of the README's block is here.

/// Called once the example's sync has started (tests only; set by the one test that runs it).
nonisolated(unsafe) var afterStart: ((any EventLoop, BroadcastSync) -> Void)?

/// Keeps this process's settings in sync with the other instances of the tool, until the loop stops.
func syncSettings(channelName: String) {
    var sync: BroadcastSync?                              // held for as long as the program syncs
    MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in   // this thread: the engine's loop
        let root = ChannelDirectory.defaultRoot(environment: ProcessInfo.processInfo.environment)
        let transport = UnixDatagramTransport(eventLoop: loop, directory: ChannelDirectory(root: root))
        var config = BroadcastSyncConfig(channelName: channelName)
        config.syncKeys = ["theme", "locale"]
        config.enableLeaderElection = true
        config.onRemoteUpdate = { keys, source in print("synced \(keys) from \(source)") }
        do {
            sync = try createBroadcastSync(Store(["theme": "light", "locale": "en-US"]), config,
                                           environment: .live(eventLoop: loop, transport: transport))
        } catch {
            print("cannot sync: \(error)")                // names the configuration field
            return loop.shutdownGracefully { _ in }
        }
        sync!.start()
        guard sync!.isActive() else {                     // e.g. the channel directory was refused
            print("cannot sync: \(transport.lastError!)")
            return loop.shutdownGracefully { _ in }
        }
        sync!.whileLeader(everyMs: 60_000) { print("only one instance runs this") }
        try? sync!.store.setState(["theme": "dark"])           // reaches every other instance
        afterStart?(loop, sync!)
    }
}

@Suite(.serialized) struct ReadmeRealProgramTests {
    /// Alone on its channel, the program leads and keeps its edit; the loop ends when asked.
    @Test func theExampleRunsAndLeadsAlone() async throws {
        let temp = TempDirectory()
        defer { temp.remove() }
        setenv("XDG_RUNTIME_DIR", temp.path, 1)
        defer { unsetenv("XDG_RUNTIME_DIR") }
        final class Seen: @unchecked Sendable {
            var leader = false
            var theme: JSONValue?
        }
        let seen = Seen()
        defer { afterStart = nil }
        afterStart = { loop, sync in
            loop.assumeIsolated().scheduleTask(in: .milliseconds(600)) {   // an election takes 250 ms
                seen.leader = sync.isLeader()
                seen.theme = sync.store["theme"]
                sync.stop()
                loop.shutdownGracefully { _ in }
            }
        }
        syncSettings(channelName: "readme-example")
        #expect(seen.leader)
        #expect(seen.theme == "dark")
        #expect(access(temp.path + "/tabsync/readme-example", F_OK) == 0)
    }

    @Test func theReadmeShowsThisExampleLineForLine() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let source = try String(contentsOf: here, encoding: .utf8)
        let marker =
            "<!-- real-program-example: Tests/Fixtures/LiveConsumer/Sources/LiveConsumer/SyncSettings.swift -->\n```swift\n"
        let start = try #require(readme.range(of: marker), "README.md lacks the real-program example's marker")
        let block = readme[start.upperBound...].prefix { _ in true }
        let code = try #require(block.range(of: "\n```")).lowerBound
        let lines = block[..<code].split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(lines.count > 20)
        let sourceLines = Set(source.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) })
        for line in lines where !line.isEmpty {
            let tested = sourceLines.contains(line)
            #expect(tested, "README line not in the tested example: \(line)")
        }
    }
}
