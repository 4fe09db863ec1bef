import TabSimulator
import TabSync

/// How the UI starts.
public struct UIOptions: Sendable {
    public var tabs = 3
    public var strategy: ConflictStrategy = .lastWriteWins
    public var seed: UInt64 = 1
    public var heartbeatMs: Milliseconds = 1000
    /// A scenario file to play instead of opening `tabs` tabs.
    public var scenarioPath: String?
    public init() {}
}

/// The UI's whole state and what keys do to it: plain Swift over the simulation, no terminal, so
/// every key is testable. The terminal loop feeds it keys and wall time and draws what it renders.
public final class AppState {
    public static let speeds: [Double] = [0.1, 0.25, 0.5, 1, 2, 5, 10, 50, 100]
    static let themes: [JSONValue] = ["light", "dark", "system"]
    static let locales: [JSONValue] = ["en-US", "fr-FR", "de-DE", "ja-JP"]
    static let strategies: [ConflictStrategy] = [.lastWriteWins, .firstWriteWins, .merge, .custom]

    public let simulation: Simulation
    public let seed: UInt64
    private var player: ScenarioPlayer?
    public private(set) var selected = 0
    public private(set) var paused = false
    public private(set) var speedIndex = 3
    public private(set) var logFilter: LogFilter = .all
    /// Lines scrolled back from the newest; 0 follows new lines.
    public private(set) var logScroll = 0
    /// While scrolled back, the log's event count when scrolling began: later lines do not move the view.
    private var scrollAnchor: Int?
    public private(set) var showHelp = false
    /// What the last key did, or why it could not.
    public private(set) var message = "press ? for help"
    public private(set) var quitRequested = false
    private var pendingVirtualMs = 0.0
    private let syncedKeys: [String]
    private let localKey: String?

    public init(options: UIOptions) throws {
        seed = options.seed
        if let path = options.scenarioPath {
            let scenario = try ScenarioParser.load(path: path)
            let player = try ScenarioPlayer(scenario: scenario)
            self.player = player
            simulation = player.simulation
            message = "playing \(scenario.name)"
        } else {
            var config = BroadcastSyncConfig(channelName: "app-sync")
            config.syncKeys = ["theme", "locale", "fontSize", "sidebar", "settings"]
            config.excludeKeys = ["sessionToken"]
            config.enableLeaderElection = true
            config.leaderHeartbeatMs = options.heartbeatMs
            config.conflictStrategy = options.strategy
            if options.strategy == .custom { config.customResolver = BuiltinResolvers.validateTheme }
            simulation = try Simulation(options: SimulationOptions(
                seed: options.seed, config: config, network: NetworkConditions(latencyMs: 1...5),
                initialState: ["theme": "light", "locale": "en-US", "fontSize": 14, "sidebar": "open",
                               "settings": ["density": "comfortable"]],
                logCapacity: 5000))
        }
        let config = simulation.options.config
        syncedKeys = config.syncKeys.isEmpty ? ["theme", "locale", "fontSize", "sidebar", "settings"] : config.syncKeys
        localKey = config.excludeKeys.first
        if options.scenarioPath == nil {
            for i in 0..<max(1, options.tabs) {
                try openTab(Self.name(i))
                simulation.advance(byMs: 20)
            }
        }
    }

    static func name(_ i: Int) -> String { String(UnicodeScalar(UInt8(65 + i % 26))) + (i >= 26 ? String(i / 26) : "") }

    public var speed: Double { Self.speeds[speedIndex] }
    public var selectedTab: SimTab? { simulation.tabs.indices.contains(selected) ? simulation.tabs[selected] : nil }

    // MARK: Time

    /// Moves virtual time forward by `wallMs` of wall time at the current speed (nothing while paused).
    public func advance(wallMs: Double) {
        guard !paused else { return }
        pendingVirtualMs += wallMs * speed
        let whole = Milliseconds(pendingVirtualMs)
        guard whole > 0 else { return }
        pendingVirtualMs -= Double(whole)
        runVirtual(to: simulation.nowMs + whole)
    }

    private func runVirtual(to target: Milliseconds) {
        if let player, !player.isFinished {
            do { try player.advance(toMs: target) } catch {
                message = "scenario stopped: \(error)"
                self.player = nil
            }
        }
        simulation.run(untilMs: target)
    }

    // MARK: Keys

    public func apply(_ action: UIAction) {
        do { try perform(action) } catch let error as SimulationError {
            message = error.message
        } catch {
            message = "\(error)"
        }
    }

    private func perform(_ action: UIAction) throws {
        let sim = simulation
        switch action {
        case .select(let i):
            guard sim.tabs.indices.contains(i) else { message = "no tab \(i + 1)"; return }
            selected = i
        case .selectNext: if !sim.tabs.isEmpty { selected = (selected + 1) % sim.tabs.count }
        case .selectPrevious: if !sim.tabs.isEmpty { selected = (selected + sim.tabs.count - 1) % sim.tabs.count }
        case .cycleTheme: try cycle("theme", Self.themes)
        case .cycleLocale: try cycle("locale", Self.locales)
        case .fontBigger, .fontSmaller:
            let tab = try current()
            let size = tab.state["fontSize"]?.intValue ?? 14
            let next = min(32, max(8, size + (action == .fontBigger ? 1 : -1)))
            try sim.set(tab.name, ["fontSize": .number(Double(next))])
            message = "\(tab.name): fontSize \(next)"
        case .concurrentEdit:
            let a = try current()
            guard let b = sim.tabs.first(where: { $0 !== a && $0.liveness == .alive }) else {
                message = "a concurrent edit needs two running tabs"; return
            }
            let first = Self.after(a.state["theme"], in: Self.themes)
            let second = Self.after(first, in: Self.themes)
            try sim.set(a.name, ["theme": first])
            try sim.set(b.name, ["theme": second])
            message = "\(a.name) set theme \(first.display), \(b.name) set theme \(second.display), at the same instant"
        case .newTab:
            let name = (0..<52).map(Self.name).first { sim.tab(named: $0) == nil }!
            try openTab(name)
            selected = sim.tabs.count - 1
            message = "opened \(name)"
        case .closeTab: let t = try current(); try sim.close(t.name); message = "closed \(t.name) (it said goodbye)"
        case .killTab: let t = try current(); try sim.kill(t.name); message = "killed \(t.name) (no goodbye)"
        case .reopenTab: let t = try current(); try sim.reopen(t.name); message = "reopened \(t.name)"
        case .forceLeader: let t = try current(); try sim.forceLeader(t.name); message = "\(t.name) forced to lead"
        case .toggleFreeze:
            let t = try current()
            if t.liveness == .frozen { try sim.thaw(t.name); message = "thawed \(t.name)" } else { try sim.freeze(t.name); message = "froze \(t.name)" }
        case .togglePartition:
            let t = try current()
            try sim.togglePartition(t.name)
            message = sim.isPartitioned(t.name) ? "cut \(t.name) off" : "healed \(t.name)"
        case .cycleStrategy:
            let i = Self.strategies.firstIndex(of: sim.options.config.conflictStrategy) ?? 0
            let next = Self.strategies[(i + 1) % Self.strategies.count]
            let resolver: BuiltinResolvers.Resolver? = next == .custom ? BuiltinResolvers.validateTheme : nil
            try sim.setConflictStrategy(next, customResolver: resolver)
            message = "strategy \(next.rawValue)" + (next == .custom ? " (validateTheme)" : "")
        case .togglePause:
            paused.toggle()
            pendingVirtualMs = 0
            message = paused ? "paused: . steps one event" : "running"
            sim.note("[UI] " + (paused ? "paused" : "resumed"))
        case .stepOnce:
            guard paused else { message = "step works while paused (space)"; return }
            if let player, let due = player.nextStepMs, due <= (sim.nextEventMs ?? .max) {
                runVirtual(to: due)
            } else if !sim.step() {
                message = "nothing scheduled"
            }
        case .faster, .slower:
            speedIndex = max(0, min(Self.speeds.count - 1, speedIndex + (action == .faster ? 1 : -1)))
            message = "speed x\(Self.format(speed))"
        case .cycleLogFilter:
            logFilter = logFilter.next(selected: selectedTab?.name)
            logScroll = 0
            scrollAnchor = nil
            message = "log filter: \(logFilter.label)"
        case .scrollUp(let n):
            if logScroll == 0 { scrollAnchor = sim.log.totalCount }
            logScroll += n
        case .scrollDown(let n):
            logScroll = max(0, logScroll - n)
            if logScroll == 0 { scrollAnchor = nil }
        case .scrollToTop:
            if logScroll == 0 { scrollAnchor = sim.log.totalCount }
            logScroll = Int.max / 2
        case .follow:
            logScroll = 0
            scrollAnchor = nil
        case .toggleHelp: showHelp.toggle()
        case .quit: quitRequested = true
        }
    }

    private func current() throws -> SimTab {
        guard let tab = selectedTab else { throw SimulationError("no tab selected") }
        return tab
    }

    private func cycle(_ key: String, _ values: [JSONValue]) throws {
        let tab = try current()
        let next = Self.after(tab.state[key], in: values)
        try simulation.set(tab.name, [key: next])
        message = "\(tab.name): \(key) \(next.display)"
    }

    static func after(_ value: JSONValue?, in values: [JSONValue]) -> JSONValue {
        guard let value, let i = values.firstIndex(of: value) else { return values[0] }
        return values[(i + 1) % values.count]
    }

    private func openTab(_ name: String) throws {
        var state = simulation.options.initialState
        state["sessionToken"] = .string("token-\(name.lowercased())")
        try simulation.open(name, state: state)
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() ? String(Int(v)) : String(v)
    }

    // MARK: What the screen shows

    public func tabViews() -> [TabView] {
        let names = Dictionary(simulation.tabs.map { ($0.tabId, $0.name) }, uniquingKeysWith: { a, _ in a })
        return simulation.tabs.enumerated().map { i, t in
            let liveness: String
            switch t.liveness {
            case .alive: liveness = simulation.isPartitioned(t.name) ? "partitioned" : "alive"
            case .frozen: liveness = "frozen"
            case .closed: liveness = "closed"
            case .crashed: liveness = "dead"
            }
            return TabView(
                name: t.name, tabId: t.tabId, role: t.role, epoch: t.epoch,
                leaderName: t.leaderId.map { names[$0] ?? shortTabId($0) }, liveness: liveness,
                connected: t.connectedTabs, synced: syncedKeys.map { ($0, t.state[$0]) },
                localOnly: localKey.map { ($0, t.state[$0]) }, pending: t.pendingKeys, selected: i == selected)
        }
    }

    /// The status bar: time, speed, state, strategy, seed, who leads, divergence, last message.
    public func statusLine() -> (text: String, diverged: Bool) {
        let leaders = simulation.leaders
        let leaderText: String
        if let l = simulation.leader, leaders.count == 1 {
            leaderText = "leader \(l.name) (epoch \(l.epoch))"
        } else if leaders.isEmpty {
            leaderText = "no leader"
        } else {
            leaderText = "\(leaders.count) leaders: " + leaders.map { "\($0.name)@\($0.epoch)" }.joined(separator: " ")
        }
        let c = simulation.convergence()
        let divergence = c.converged ? "in sync" : "DIVERGED: " + c.keys.joined(separator: ",")
        let text = " t=\(formatTime(simulation.nowMs).drop { $0 == " " })  x\(Self.format(speed))  \(paused ? "PAUSED" : "running")  "
            + "\(simulation.options.config.conflictStrategy.rawValue)  seed \(seed)  \(leaderText)  \(divergence)  | \(message)"
        return (text, !c.converged)
    }

    /// The log lines the traffic pane shows, oldest first: at most `count`, `logScroll` back from the newest.
    public func visibleLog(count: Int) -> [SimEvent] {
        var out: [SimEvent] = []
        var skipped = 0
        let events = simulation.log.events
        var i = events.count - 1
        if let anchor = scrollAnchor { i = min(i, anchor - simulation.log.evictedCount - 1) }
        var matching = 0
        while i >= 0 {
            let e = events[i]
            i -= 1
            guard logFilter.accepts(e) else { continue }
            matching += 1
            if skipped < logScroll { skipped += 1; continue }
            out.append(e)
            if out.count == count { break }
        }
        if out.count < count, logScroll > 0, skipped > 0 {
            // Scrolled past the oldest line: clamp so the pane stays full.
            logScroll = max(0, matching - count)
            return visibleLog(count: count)
        }
        return out.reversed()
    }
}
