// swift-format-ignore-file
import Foundation
import Testing
import TabSync

/// The README's library example, compiled and run here, and checked to be the README's text, line for line.
@Suite struct ReadmeExampleTests {
    @Test func theExampleRunsAsTheReadmeSays() throws {
        let (a, b) = try Self.readmeExample()
        #expect(b.store["theme"] == "dark" && b.store["sessionToken"] == "b")
        #expect(a.isLeader() != b.isLeader())
    }

    @Test func theReadmeShowsExactlyThisExample() throws {
        let here = URL(fileURLWithPath: #filePath)
        let root = here.deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.range(of: "## The library in one example"))
        let start = try #require(readme.range(of: "```swift\nimport TabSync\n\n", range: section.upperBound..<readme.endIndex))
        let end = try #require(readme.range(of: "\n```", range: start.upperBound..<readme.endIndex))
        let source = try String(contentsOf: here, encoding: .utf8)
        let from = try #require(source.range(of: "        // README begin\n"))
        let to = try #require(source.range(of: "\n        // README end", range: from.upperBound..<source.endIndex))
        let example = source[from.upperBound..<to.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : String($0) }
        #expect(readme[start.upperBound..<end.lowerBound].split(separator: "\n", omittingEmptySubsequences: false)
            .map(String.init) == example)
    }

    static func readmeExample() throws -> (BroadcastSync, BroadcastSync) {
        // README begin
        let scheduler = VirtualScheduler()            // virtual time; use your own SyncScheduler in an app
        let channel = InMemoryHub(latencyMs: 1)       // a BroadcastChannel for tabs in one process

        func makeTab(_ state: StateDocument) throws -> BroadcastSync {
            var config = BroadcastSyncConfig(channelName: "app-sync")
            config.syncKeys = ["theme", "locale"]
            config.excludeKeys = ["sessionToken"]
            config.enableLeaderElection = true
            config.onRemoteUpdate = { keys, source in print("synced \(keys) from \(source)") }
            let sync = try createBroadcastSync(Store(state), config,
                environment: SyncEnvironment(virtual: scheduler, transport: channel))
            sync.start()
            return sync
        }

        let a = try makeTab(["theme": "light", "locale": "en-US", "sessionToken": "a"])
        let b = try makeTab(["theme": "light", "locale": "en-US", "sessionToken": "b"])
        try a.store.setState(["theme": "dark", "sessionToken": "rotated"])
        scheduler.advance(byMs: 1000)
        assert(b.store["theme"] == "dark" && b.store["sessionToken"] == "b")
        assert(a.isLeader() != b.isLeader())
        // README end
        return (a, b)
    }
}
