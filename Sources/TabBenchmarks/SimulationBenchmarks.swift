#if canImport(Glibc)
    import Glibc
#endif
import TabSimUI
import TabSimulator
import TabSync

/// The simulator, the fuzzer and the UI model under load: how much simulated time a wall second
/// buys, and what a frame and a long log cost.
public enum SimulationBenchmarks {
    /// The setup of the busy-tabs workloads (`sim.speedup`, `ui.rewind_ms`): seed 1, election on
    /// with 1 s heartbeats, three synced keys.
    static func busyTabs(network: NetworkConditions, logCapacity: Int? = nil) -> SimulationOptions {
        var config = BroadcastSyncConfig(channelName: "bench")
        config.syncKeys = ["theme", "locale", "counter"]
        config.enableLeaderElection = true
        config.leaderHeartbeatMs = 1000
        var options = SimulationOptions(
            seed: 1, config: config, network: network,
            initialState: ["theme": "light", "locale": "en-US", "counter": 0])
        if let logCapacity { options.logCapacity = logCapacity }
        return options
    }

    /// Simulated seconds per wall second: 8 tabs, election on with 1 s heartbeats,
    /// 10 random edits per second per tab, latency 1-5 ms.
    public static func speedup(simulatedSeconds: Int = 600) throws -> BenchmarkResult {
        let options = busyTabs(network: NetworkConditions(latencyMs: 1...5), logCapacity: 1000)
        let sim = try Simulation(options: options)
        for i in 0..<8 { try sim.open(DemoSetup.tabName(i)) }
        try sim.startWorkload(Workload(editsPerSecondPerTab: 10))
        sim.advance(byMs: 1000)
        let watch = Stopwatch()
        sim.advance(byMs: simulatedSeconds * 1000)
        return BenchmarkResult(
            name: "sim.speedup", value: (Double(simulatedSeconds) / watch.seconds).rounded(),
            unit: "simulated s per wall s")
    }

    /// Fuzz runs per second at the fuzz command's default settings.
    public static func fuzzSeedsPerSecond(seeds: Int = 200) -> BenchmarkResult {
        let fuzzer = Fuzzer()
        let watch = Stopwatch()
        var failures = 0
        for seed in 1...UInt64(seeds) where !fuzzer.run(seed: seed).passed { failures += 1 }
        precondition(failures == 0, "fuzz benchmark found \(failures) failing seeds: run tabsim fuzz")
        return BenchmarkResult(
            name: "fuzz.seeds_per_s", value: (Double(seeds) / watch.seconds * 10).rounded() / 10, unit: "seeds/s")
    }

    /// Presenting and rendering one frame of the UI (panes, log, status) at 200x60 with `tabs` tabs,
    /// the simulation moving 10 ms between frames.
    public static func frameMilliseconds(tabs: Int = 8, frames: Int = 500) throws -> BenchmarkResult {
        let session = try UISession(scenario: DemoSetup.scenario(tabs: tabs))
        let state = UIUpdate.update(UIState(), .resize(width: 200, height: 60), session).0
        try session.advance(toMs: 5000)
        var cells = 0
        let watch = Stopwatch()
        for _ in 0..<frames {
            try session.advance(toMs: session.simulation.nowMs + 10)
            cells += Renderer.render(Presenter.frame(state, session)).width
        }
        precondition(cells == frames * 200)
        let ms = (watch.seconds * 1000 / Double(frames) * 1000).rounded() / 1000
        return BenchmarkResult(name: tabs == 8 ? "tui.frame_ms" : "tui.frame_ms.\(tabs)_tabs", value: ms, unit: "ms")
    }

    /// One tick and one frame of lesson 1 in the terminal UI at `width`x`height`, its narration
    /// held in the panel over the log, with the timeline of its steps: what a learner's screen costs.
    public static func lessonFrameMilliseconds(width: Int, height: Int, frames: Int = 500) throws -> BenchmarkResult {
        guard let lesson = try Lesson.builtIn().first else { throw LessonMissing() }
        let session = try UISession(scenario: lesson.scenario, pausesAtPrompts: true, holdsNarration: true)
        var state = UIUpdate.update(UIState(), .resize(width: width, height: height), session).0
        state = UIUpdate.update(state, .tick(wallMs: 100), session).0
        var cells = 0
        let watch = Stopwatch()
        for _ in 0..<frames {
            state = UIUpdate.update(state, .tick(wallMs: 10), session).0
            cells += Renderer.render(Presenter.frame(state, session)).width
        }
        precondition(cells == frames * width)
        let ms = (watch.seconds * 1000 / Double(frames) * 1000).rounded() / 1000
        return BenchmarkResult(name: "tui.lesson_frame_ms.\(width)x\(height)", value: ms, unit: "ms")
    }

    /// The built-in lessons are resources of the package; a build without them cannot run this row.
    struct LessonMissing: Error, CustomStringConvertible {
        var description: String { "no built-in lesson found" }
    }

    /// The size of a recorded session: `minutes` of virtual time at x1 with a key every 2 s (edits,
    /// a conflict, faults and their repair, in turn), written as `w` writes it.
    public static func recordedSessionBytes(minutes: Int = 5) throws -> BenchmarkResult {
        var text = ""
        let session = try UISession(scenario: DemoSetup.scenario(tabs: 3))
        var state = UIState()
        func send(_ action: UIAction) {
            let (next, effects) = UIUpdate.update(state, action, session)
            state = next
            for case .write(_, let contents, _) in effects { text = contents }
        }
        let keys: [UIAction] = [
            .cycleTheme, .selectNext, .fontBigger, .concurrentEdit, .cycleLocale, .killTab, .reopenTab,
            .togglePartition, .togglePartition, .toggleFreeze, .toggleFreeze, .forceLeader,
        ]
        for i in 0..<(minutes * 30) {
            send(.tick(wallMs: 2000))
            send(keys[i % keys.count])
        }
        send(.save)
        let kb = (Double(text.utf8.count) / 1024 * 10).rounded() / 10
        return BenchmarkResult(name: "tui.recording_\(minutes)min_kb", value: kb, unit: "KB")
    }

    /// Peak resident memory after `messages` messages pass through the simulator with the UI's log attached.
    public static func peakMemory(messages: Int = 1_000_000) throws -> BenchmarkResult {
        let session = try UISession(scenario: DemoSetup.scenario(tabs: 8))
        try session.advance(toMs: 1000)
        try session.simulation.startWorkload(Workload(editsPerSecondPerTab: 20))
        while session.simulation.hub.postedCount < messages {
            try session.advance(toMs: session.simulation.nowMs + 1000)
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return BenchmarkResult(
            name: "log.peak_rss_mb", value: (Double(usage.ru_maxrss) / 1024 * 10).rounded() / 10, unit: "MB")
    }
}
