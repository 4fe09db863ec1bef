#if canImport(Glibc)
    import Glibc
#endif
import Foundation
import TabSync
import Testing

/// Real tabs across "machines": `tabsim tab --headless --postgres URL` processes on a throwaway
/// PostgreSQL cluster (see `PostgresTestServer`), with real LISTEN/NOTIFY, a real crash and a real
/// server restart. Without PostgreSQL these are skipped, and say so; in CI (CI=true) they fail.
/// Serialized, as `RealTabsTests`: timing claims hold only when the processes are not also
/// competing with each other's tests.
@Suite(
    .serialized,
    .enabled(
        if: PostgresTestServer.availableOrRequired,
        "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb or PG_BIN): install 'postgresql' to run these")
)
struct PostgresTransportTests {
    static let heartbeatMs = 300
    static let electionTimeoutMs = 250

    private func startTabs(_ names: [String], _ server: PostgresTestServer, channel: String, _ extra: [String] = [])
        async throws -> [TabProcess]
    {
        var tabs: [TabProcess] = []
        for name in names {
            let tab = try await TabProcess(
                name,
                ["--postgres", server.url(), "--channel", channel, "--heartbeat", "\(Self.heartbeatMs)"] + extra)
            tabs.append(tab)
            // One after the other, as tabs are opened: the first is the oldest and should lead.
            try await eventually("\(name) connects and starts", within: 120) { tab.tabId != nil }
        }
        return tabs
    }

    @Test func threeTabsElectOneLeaderShareEditsLargeOnesTooAndFailOverAfterKill9() async throws {
        let server = try PostgresTestServer()
        defer { server.remove() }
        let watch = try await TabProcess(
            name: "watch", command: ["watch", "--lines", "--postgres", server.url(), "--channel", "class-1a"])
        defer { watch.stop() }
        try await eventually("the watch listens", within: 120) {
            watch.outputLines.contains { $0.hasPrefix("watching postgres://teacher:***@") }
        }
        let tabs = try await startTabs(["A", "B", "C"], server, channel: "class-1a", ["theme=light"])
        defer { tabs.forEach { $0.stop() } }

        let (leader, epoch) = try await agreedLeader(tabs)
        #expect(leader.name == "A")  // the oldest

        tabs[1].send("set theme=dark count=3")
        for tab in [tabs[0], tabs[2]] {
            try await eventually("\(tab.name) applies B's edit", within: 120) {
                tab.events("applied").contains { $0["state"]?.objectValue?["theme"] == "dark" }
            }
        }

        let bId = try #require(tabs[1].tabId)
        try await eventually("the watch shows B's update", within: 120) {
            watch.outputLines.contains { $0.contains("[BroadcastSync:\(shortTabId(bId))] Sent: STATE_UPDATE") }
        }
        #expect(!watch.outputLines.joined().contains(server.password))

        // 20,000 bytes of text, with multi-byte characters where chunks may be cut: 3 notifications at least.
        let big = String(repeating: "é€x", count: 20_000 / 6)
        tabs[2].send("set notes=\(big)")
        for tab in [tabs[0], tabs[1]] {
            try await eventually("\(tab.name) applies C's large value", within: 120) {
                tab.events("applied").contains { $0["state"]?.objectValue?["notes"] == .string(big) }
            }
        }
        let sender = try await tabs[2].state()
        #expect(sender["transport"]?.objectValue?[int: "chunkedSent"] ?? 0 >= 1)
        let receiver = try await tabs[0].state()
        #expect(receiver["transport"]?.objectValue?[int: "reassembled"] ?? 0 >= 1)
        #expect(receiver["transport"]?.objectValue?[int: "incompleteDropped"] == 0)
        // Each tab hears its own notifications from the server, and skips them.
        #expect(receiver["transport"]?.objectValue?[int: "ownSkipped"] ?? 0 > 0)
        #expect(receiver["dropped"] == [:])

        let killedAtMs = Date().timeIntervalSince1970 * 1000
        leader.kill(SIGKILL)
        let survivors = tabs.filter { $0 !== leader }
        let (next, nextEpoch) = try await agreedLeader(survivors, newerThan: epoch)
        #expect(next.name == "B" && nextEpoch > epoch)
        let elected = next.events("role").last { $0[string: "role"] == "leader" }
        let failoverMs = try #require(elected?["time"]?.numberValue) - killedAtMs
        // Not a timing claim (CI may be slow): the figure, for the log.
        print("postgres failover after kill -9: \(Int(failoverMs)) ms")
        let state = try await survivors[1].state()
        #expect(state["state"]?.objectValue?["count"] == 3)
    }

    @Test func afterTheServerRestartsTheTabsReconnectAndConverge() async throws {
        let server = try PostgresTestServer()
        defer { server.remove() }
        let tabs = try await startTabs(["A", "B", "C"], server, channel: "class-1b")
        defer { tabs.forEach { $0.stop() } }
        _ = try await agreedLeader(tabs)

        try server.stop(mode: "fast")  // closes every session, as a restart does
        for tab in tabs {
            try await eventually("\(tab.name) notices", within: 120) { !tab.events("disconnected").isEmpty }
        }
        // Alone, each tab goes on: an edit is applied locally, and its frame dropped and counted.
        tabs[2].send("set theme=offline")
        try await eventually("C's frame is dropped while cut off", within: 120) {
            let state = try await tabs[2].state(within: 120)
            return state["transport"]?.objectValue?[int: "notSentDisconnected"] ?? 0 > 0
        }
        try await Task.sleep(for: .seconds(2))
        try server.start()
        let startedAtMs = Date().timeIntervalSince1970 * 1000
        for tab in tabs {
            try await eventually("\(tab.name) rejoins", within: 120) { !tab.events("rejoined").isEmpty }
        }
        // Not timing claims (CI may be slow): the figures, for the log.
        let downMs = tabs.compactMap { $0.events("rejoined").first?[int: "downMs"] }
        let afterStartMs = tabs.compactMap { $0.events("rejoined").first?["time"]?.numberValue }.map {
            Int($0 - startedAtMs)
        }
        print("postgres rejoin after a server restart: down \(downMs) ms, rejoined \(afterStartMs) ms after it started")
        _ = try await agreedLeader(tabs)
        // Repair: every tab ends with the same state, C's offline edit (the newest write) included.
        try await eventually("the tabs converge", within: 120) {
            var states: [JSONValue?] = []
            for tab in tabs { states.append(try await tab.state(within: 120)["state"]) }
            return Set(states.map { $0?.description ?? "nil" }).count == 1
                && states[0]?.objectValue?["theme"] == "offline"
        }
        // And the channel works again.
        tabs[0].send("set theme=back")
        for tab in [tabs[1], tabs[2]] {
            try await eventually("\(tab.name) applies A's edit", within: 120) {
                tab.events("applied").contains { $0["state"]?.objectValue?["theme"] == "back" }
            }
        }
    }

    @Test func tlsWhenTheURLAsksForItWithTheServersCertificateChecked() async throws {
        let server = try PostgresTestServer(tls: true)
        defer { server.remove() }
        let certificate = try #require(server.certificate)
        let verified = try await TabProcess(
            "A",
            [
                "--postgres", server.url(parameters: "sslmode=verify-full&sslrootcert=\(certificate)"),
                "--channel", "class-1d",
            ])
        defer { verified.stop() }
        try await eventually("A connects over TLS", within: 120) { verified.tabId != nil }
        #expect(verified.events("connected").first?[string: "server"]?.hasSuffix("sslmode=verify-full") == true)

        // The certificate is signed by no authority the system trusts: refused.
        let unverified = try await TabProcess(
            "B", ["--postgres", server.url(parameters: "sslmode=verify-full"), "--channel", "class-1d"])
        defer { unverified.stop() }
        #expect(try await unverified.exitStatus() == 1)
        #expect(unverified.standardError.contains("handshakeFailed"), "\(unverified.standardError)")
        #expect(!unverified.standardError.contains(server.password))
    }

    @Test func sslmodeRequireRefusesAServerWithoutTLS() async throws {
        let server = try PostgresTestServer()
        defer { server.remove() }
        let tab = try await TabProcess(
            "A", ["--postgres", server.url(parameters: "sslmode=require"), "--channel", "class-1e"])
        defer { tab.stop() }
        #expect(try await tab.exitStatus() == 1)
        #expect(tab.standardError.contains("the server does not offer TLS, and sslmode asks for it"))
    }

    @Test func aWrongPasswordIsAClearErrorThatNeverShowsThePassword() async throws {
        let server = try PostgresTestServer()
        defer { server.remove() }
        let wrong = "not-the-" + server.password
        let tab = try await TabProcess("A", ["--postgres", server.url(password: wrong), "--channel", "class-1c"])
        defer { tab.stop() }
        #expect(try await tab.exitStatus(within: 120) == 1)
        let error = tab.standardError
        #expect(error.contains("password authentication failed for user \"teacher\""), "\(error)")
        #expect(error.contains("postgres://teacher:***@127.0.0.1:\(server.port)/classroom"), "\(error)")
        #expect(!error.contains(wrong) && !error.contains(server.password))
        #expect(!tab.outputLines.joined().contains(wrong))
    }
}
