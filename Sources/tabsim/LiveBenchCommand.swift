import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import TabBenchmarks
import TabSimulator
import TabSync
import TabSyncLive

/// `tabsim bench-live`: the engine between real processes, in wall time, beside the same settings
/// in the simulator (virtual time) or in one process, and Node's BroadcastChannel between workers.
struct LiveBenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench-live",
        abstract: "Measure real tabs: failover, round trip and deliveries/s between processes (use a release build).",
        discussion: """
            Spawns `tabsim tab --headless` processes (failover) and a peer process (round trip, deliveries)
            on a channel in a fresh directory under /tmp; with --postgres, on that server too. Example:
              swift run -c release tabsim bench-live --failovers 5 --updates 10000
            """
    )

    @Option(parsing: .unconditional, help: "Failovers measured for each of kill -9 and close.") var failovers = 5
    @Option(
        parsing: .unconditional,
        help: "Leader heartbeat in milliseconds for the failovers (leader timeout: three of them).")
    var heartbeat = 1000
    @Option(parsing: .unconditional, help: "Round trips of one update between two processes.") var updates = 10_000
    @Option(parsing: .unconditional, help: "Updates sent one way for deliveries per second.")
    var deliveries = 100_000
    @Option(
        help: ArgumentHelp(
            "Also measure through this PostgreSQL server (postgres://user:password@host:port/db; PG* variables too).",
            valueName: "url"))
    var postgres: String?
    @Flag(help: "Print one JSON object per line: {\"name\": ..., \"value\": ..., \"unit\": ...}.") var json = false
    @Option(help: .hidden) var peer: String?
    @Option(help: .hidden) var echo: String?

    func validate() throws {
        for (name, value) in [
            ("--failovers", failovers), ("--heartbeat", heartbeat), ("--updates", updates),
            ("--deliveries", deliveries),
        ] where value < 1 {
            throw ValidationError("\(name) must be at least 1 (got \(value))")
        }
    }

    func run() throws {
        let server = try postgres.map {
            try PostgresSettings(url: $0, environment: ProcessInfo.processInfo.environment)
        }
        if let peer { return try Self.runPeer(venue: server.map { .postgres($0) } ?? .directory(peer)) }
        if let echo { return try RawRoundTrips.echo(at: echo) { writeJSONLine(LiveTab.Event.jsonLine("ready", [:])) } }
        // The children get the password in their environment, never on their command line.
        if let password = server?.password { setenv("PGPASSWORD", password, 1) }
        let root = TempRoot()
        defer { root.remove() }
        var rows: [(BenchmarkResult, compare: String)] = []
        var socketFailovers: [String: [Double]] = [:]
        for mode in ["kill", "close"] {
            let live = try measureFailovers(mode: mode, venue: .directory(root.path))
            socketFailovers[mode] = live
            let simulated = try simulateFailovers(mode: mode)
            rows.append(
                (
                    BenchmarkResult(name: "live.failover.\(mode).median", value: median(live), unit: "ms"),
                    "simulator \(Int(median(simulated))) ms (virtual)"
                ))
            rows.append(
                (
                    BenchmarkResult(name: "live.failover.\(mode).max", value: live.max()!, unit: "ms"),
                    "simulator \(simulated.max()!) ms (virtual)"
                ))
        }
        let measured = try roundTrips(venue: .directory(root.path))
        let inProcess = InProcessRoundTrips.measure(roundTrips: updates)
        let raw = try rawRoundTrips(root: root.path)
        let p50 = percentile(measured.roundTrips, 0.5)
        let p99 = percentile(measured.roundTrips, 0.99)
        let rawP50 = percentile(raw, 0.5)
        rows.append(
            (
                BenchmarkResult(name: "live.rtt_p50_us", value: p50, unit: "us"),
                String(
                    format: "%.1fx raw; one process %.1f us; Node workers ~27 us", p50 / rawP50,
                    percentile(inProcess, 0.5))
            ))
        rows.append(
            (
                BenchmarkResult(name: "live.rtt_p99_us", value: p99, unit: "us"),
                String(format: "one process %.1f us", percentile(inProcess, 0.99))
            ))
        rows.append(
            (
                BenchmarkResult(name: "live.raw_rtt_p50_us", value: rawP50, unit: "us"),
                String(
                    format: "a Unix datagram ping-pong between processes, no engine; p99 %.1f us", percentile(raw, 0.99)
                )
            ))
        let fanout = try FanoutBenchmark(tabs: 2, updates: deliveries).measure(rounds: 1)
        let deliveriesPerSecond = measured.deliveriesPerSecond.rounded()
        rows.append(
            (
                BenchmarkResult(name: "live.oneway_per_s", value: deliveriesPerSecond, unit: "/s"),
                "one process \(Int(fanout.value))/s; Node workers ~280k/s; \(measured.lost) lost"
            ))
        if let server {
            rows += try postgresRows(server, sockets: measured, socketFailovers: socketFailovers)
        }
        if json {
            for (result, _) in rows { print(result.jsonLine) }
        } else {
            for (result, compare) in rows {
                let value =
                    result.value.rounded() == result.value
                    ? String(Int(result.value)) : String(format: "%.1f", result.value)
                print(
                    result.name.padding(toLength: 32, withPad: " ", startingAt: 0)
                        + (value + " " + result.unit).padding(toLength: 14, withPad: " ", startingAt: 0) + compare)
            }
        }
    }

    /// The same figures through a PostgreSQL server, beside the sockets'.
    private func postgresRows(
        _ server: PostgresSettings, sockets: LiveRoundTrips.Result, socketFailovers: [String: [Double]]
    ) throws -> [(BenchmarkResult, compare: String)] {
        var rows: [(BenchmarkResult, compare: String)] = []
        for mode in ["kill", "close"] {
            let live = try measureFailovers(mode: mode, venue: .postgres(server))
            let sockets = socketFailovers[mode]!
            rows.append(
                (
                    BenchmarkResult(name: "postgres.failover.\(mode).median", value: median(live), unit: "ms"),
                    "sockets \(Int(median(sockets))) ms"
                ))
            rows.append(
                (
                    BenchmarkResult(name: "postgres.failover.\(mode).max", value: live.max()!, unit: "ms"),
                    "sockets \(Int(sockets.max()!)) ms"
                ))
        }
        let measured = try roundTrips(venue: .postgres(server))
        for (name, fraction) in [("p50", 0.5), ("p99", 0.99)] {
            rows.append(
                (
                    BenchmarkResult(
                        name: "postgres.roundtrip.\(name)", value: percentile(measured.roundTrips, fraction), unit: "us"
                    ),
                    String(format: "sockets %.0f us", percentile(sockets.roundTrips, fraction))
                ))
        }
        rows.append(
            (
                BenchmarkResult(name: "postgres.deliveries", value: measured.deliveriesPerSecond.rounded(), unit: "/s"),
                "sockets \(Int(sockets.deliveriesPerSecond))/s; \(measured.lost) lost"
            ))
        return rows
    }

    // MARK: - Round trips

    /// Round trips and deliveries against a peer process (`tabsim bench-live --peer`) at `venue`.
    private func roundTrips(venue: LiveVenue) throws -> LiveRoundTrips.Result {
        let peerArguments: [String]
        switch venue {
        case .directory(let root): peerArguments = ["--peer", root]
        case .postgres(let server): peerArguments = ["--peer", "-", "--postgres", server.urlWithoutPassword]
        }
        let peer = try ChildTab.starting("peer", executable: Self.executable, arguments: ["bench-live"] + peerArguments)
        defer { peer.stop() }
        return try LiveRoundTrips.measure(venue: venue, peer: peer, roundTrips: updates, deliveries: deliveries)
    }

    /// The raw ping-pong against an echo process (`tabsim bench-live --echo`), as many round trips
    /// as the engine's.
    private func rawRoundTrips(root: String) throws -> [Double] {
        let echoPath = root + "/raw-echo.sock"
        let echo = try ChildTab.starting(
            "echo", executable: Self.executable, arguments: ["bench-live", "--echo", echoPath])
        defer { echo.stop() }
        try LiveRoundTrips.wait("the echo", seconds: 30) { !echo.events("ready").isEmpty }
        return try RawRoundTrips.measure(echoPath: echoPath, from: root + "/raw-ping.sock", roundTrips: updates)
    }

    /// The peer's process: a `LivePeer` on this thread's loop, `ready` printed once it listens; the
    /// end of standard input stops it.
    private static func runPeer(venue: LiveVenue) throws {
        var failure: (any Error)?
        var held: LivePeer?
        MultiThreadedEventLoopGroup.withCurrentThreadAsEventLoop { loop in
            do {
                let peer = try LivePeer(venue: venue, loop: loop)
                held = peer
                peer.start { error in
                    if let error {
                        failure = error
                        return loop.shutdownGracefully { _ in }
                    }
                    writeJSONLine(LiveTab.Event.jsonLine("ready", ["tabId": .string(peer.sync.tabId)]))
                }
                var ended = false
                StandardInput.readLines(
                    on: loop, { _ in }, isDone: { ended },
                    atEnd: {
                        ended = true
                        peer.stop()
                        loop.shutdownGracefully { _ in }
                    })
            } catch {
                failure = error
                loop.shutdownGracefully { _ in }
            }
        }
        withExtendedLifetime(held) {}
        if let failure { throw failure }
    }

    /// This program, to run its own children.
    static var executable: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().path
    }

    // MARK: - Failover

    /// Three real tabs; the leader is killed (or closes) at a random point of its heartbeat; the time
    /// from then to the last survivor's role event that agrees on the new leader, by the wall clock.
    private func measureFailovers(mode: String, venue: LiveVenue) throws -> [Double] {
        var times: [Double] = []
        for run in 0..<failovers {
            let channel = "failover-\(mode)-\(run)"
            let place: [String]
            switch venue {
            case .directory(let root): place = ["--dir", root, "--channel", channel]
            case .postgres(let server): place = ["--postgres", server.urlWithoutPassword, "--channel", channel]
            }
            let arguments = ["tab", "--headless", "--heartbeat", "\(heartbeat)"] + place
            var tabs: [ChildTab] = []
            defer { tabs.forEach { $0.stop() } }
            for name in ["A", "B", "C"] {
                let tab = try ChildTab.starting(
                    name, executable: Self.executable, arguments: arguments + ["--name", name])
                tabs.append(tab)
                try LiveRoundTrips.wait("\(name) to start", seconds: 30) { tab.tabId != nil }
            }
            let (leader, epoch) = try agreedLeader(tabs, after: 0)
            usleep(useconds_t(Int.random(in: 0..<heartbeat) * 1000))
            let at = WallClock().wallNow.ms
            if mode == "kill" { kill(leader.pid, SIGKILL) } else { leader.send("close") }
            let survivors = tabs.filter { $0 !== leader }
            _ = try agreedLeader(survivors, after: epoch)
            let agreedAt = survivors.compactMap { $0.role?["time"]?.intValue }.max()!
            times.append(Double(agreedAt - at))
        }
        return times
    }

    private func agreedLeader(_ tabs: [ChildTab], after epoch: Int) throws -> (ChildTab, Int) {
        var found: (ChildTab, Int)?
        try LiveRoundTrips.wait("one leader", seconds: Double(10 * heartbeat) / 1000 + 5) {
            let roles = tabs.map(\.role)
            let leaders = tabs.indices.filter { roles[$0]?["role"]?.stringValue == "leader" }
            guard leaders.count == 1, let id = tabs[leaders[0]].tabId,
                let current = roles[leaders[0]]?["epoch"]?.intValue, current > epoch,
                tabs.indices.allSatisfy({
                    $0 == leaders[0]
                        || (roles[$0]?["role"]?.stringValue == "follower"
                            && roles[$0]?["leader"]?.stringValue == id)
                })
            else { return false }
            found = (tabs[leaders[0]], current)
            return true
        }
        return found!
    }

    /// The same story in the simulator: three tabs opened 300 ms apart, the leader crashed (or
    /// closed) at a seeded point of its heartbeat, virtual milliseconds until the others agree.
    private func simulateFailovers(mode: String) throws -> [Double] {
        var times: [Double] = []
        for run in 0..<failovers {
            var config = BroadcastSyncConfig(channelName: "app-sync")
            config.enableLeaderElection = true
            config.leaderHeartbeatMs = heartbeat
            let sim = try Simulation(options: SimulationOptions(seed: UInt64(run + 1), config: config))
            for name in ["A", "B", "C"] {
                _ = try sim.open(name)
                sim.advance(byMs: 300)
            }
            sim.advance(byMs: 2 * heartbeat + (run * heartbeat) / failovers)
            guard let leader = sim.leader else { throw LiveBenchError("simulation \(run): no leader") }
            let epoch = leader.epoch
            let at = sim.nowMs
            if mode == "kill" { try sim.kill(leader.name) } else { try sim.close(leader.name) }
            let survivors = ["A", "B", "C"].filter { $0 != leader.name }.compactMap { sim.tab(named: $0) }
            func agreed() -> Bool {
                let leaders = survivors.filter(\.isLeader)
                guard leaders.count == 1, leaders[0].epoch > epoch else { return false }
                return survivors.allSatisfy {
                    $0 === leaders[0] || ($0.role == .follower && $0.leaderId == leaders[0].tabId)
                }
            }
            while !agreed() {
                guard sim.nowMs - at < 100 * heartbeat else { throw LiveBenchError("simulation \(run): no new leader") }
                sim.advance(byMs: 1)
            }
            times.append(Double(sim.nowMs - at))
        }
        return times
    }

    private func median(_ values: [Double]) -> Double { percentile(values, 0.5) }
}

/// The value below which `fraction` of `values` lie (nearest rank).
func percentile(_ values: [Double], _ fraction: Double) -> Double {
    let sorted = values.sorted()
    guard !sorted.isEmpty else { return .nan }
    return sorted[min(sorted.count - 1, max(0, Int((fraction * Double(sorted.count)).rounded(.up)) - 1))]
}

/// A fresh private directory under /tmp for the bench's channels.
struct TempRoot {
    let path: String

    init() {
        var template = Array("/tmp/tabsync-bench-XXXXXX".utf8CString)
        path = template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)) }
    }

    func remove() { try? FileManager.default.removeItem(atPath: path) }
}
