import TabSync

/// What a simulation starts from.
public struct SimulationOptions {
    public var seed: UInt64
    /// The configuration every tab opens with.
    public var config: BroadcastSyncConfig
    public var network: NetworkConditions
    /// The state a tab opens with unless `open` says otherwise.
    public var initialState: StateDocument
    /// How many events the log keeps.
    public var logCapacity: Int

    public init(seed: UInt64 = 1, config: BroadcastSyncConfig = BroadcastSyncConfig(channelName: "app-sync"),
                network: NetworkConditions = NetworkConditions(), initialState: StateDocument = [:],
                logCapacity: Int = 10_000) {
        self.seed = seed
        self.config = config
        self.network = network
        self.initialState = initialState
        self.logCapacity = logCapacity
    }
}

/// Many tabs over one in-memory channel on one virtual clock, with faults on demand and a checker
/// watching every event. One thread, no wall clock, randomness only from the seed: the same
/// options and the same calls give the same log, byte for byte.
public final class Simulation {
    public let scheduler = VirtualScheduler()
    public let hub = InMemoryHub()
    public private(set) var options: SimulationOptions
    public private(set) var tabs: [SimTab] = []
    public private(set) var log: EventLog
    public private(set) var checker = InvariantChecker()
    /// Called for every event as it is logged (the UI's live traffic pane).
    public var onEvent: ((SimEvent) -> Void)?
    /// When false, message traffic (sent, received) is not logged, only the rest: for long fuzz runs.
    public var logsTraffic = true

    private var random: SeededRandom
    private var tabsById: [String: SimTab] = [:]
    /// Partition group of each tab name; tabs in different groups do not hear each other.
    private var groups: [String: Int] = [:]

    public init(options: SimulationOptions) throws(SimulationError) {
        do { try options.config.validate() } catch { throw SimulationError(error.description) }
        if let problem = options.network.problem { throw SimulationError("network: \(problem)") }
        self.options = options
        self.log = EventLog(capacity: options.logCapacity)
        self.random = SeededRandom(seed: options.seed)
        hub.deliveryPolicy = { [unowned self] from, to, _ in self.delays(from: from, to: to) }
        hub.observer = { [unowned self] event in
            guard case .dropped(let from, let to, let frame) = event, case .message(let m) = frame,
                  self.tabsById[from]?.liveness != .crashed, self.tabsById[to]?.liveness != .crashed else { return }
            let fromName = self.tabsById[from]?.name ?? from, toName = self.tabsById[to]?.name ?? to
            self.record(SimEvent(timeMs: self.nowMs, tab: fromName, kind: .network, messageType: m.type,
                                 line: "[Network] Dropped \(m.type.rawValue) from \(fromName) to \(toName)"))
        }
    }

    // MARK: - Looking

    public var nowMs: Milliseconds { scheduler.nowMs }
    /// When the next event is due, if any.
    public var nextEventMs: Milliseconds? { scheduler.nextDueMs }

    public func tab(named name: String) -> SimTab? { tabs.first { $0.name == name } }

    /// Live tabs (alive or frozen) that believe they lead.
    public var leaders: [SimTab] { tabs.filter { $0.isLeader } }

    /// The single running (not frozen) tab that believes it leads, if exactly one does.
    public var leader: SimTab? {
        let running = tabs.filter { $0.liveness == .alive && $0.isLeader }
        return running.count == 1 ? running[0] : nil
    }

    public var violations: [Violation] { checker.violations }

    /// Whether the running tabs hold the same synced state, and if not, where they differ.
    public func convergence() -> Convergence {
        let running = tabs.filter { $0.liveness == .alive }
        guard let first = running.first else { return Convergence(differences: [:]) }
        var keys = Set<String>()
        for t in running { keys.formUnion(t.state.keys.filter(first.sync.isSynced)) }
        var differences: [String: [String: JSONValue?]] = [:]
        for key in keys {
            let values = running.map { $0.state[key] }
            if Set(values.map { $0.map(\.description) ?? "<absent>" }).count > 1 {
                differences[key] = Dictionary(uniqueKeysWithValues: running.map { ($0.name, $0.state[key]) })
            }
        }
        return Convergence(differences: differences)
    }

    /// True when the tab is cut off from at least one other tab.
    public func isPartitioned(_ name: String) -> Bool {
        guard let g = groups[name] else { return false }
        return tabs.contains { $0.name != name && $0.liveness.exists && (groups[$0.name] ?? 0) != g }
    }

    // MARK: - Time

    /// Runs the next event. Returns false when nothing is scheduled.
    @discardableResult
    public func step() -> Bool { scheduler.step() }

    public func advance(byMs delta: Milliseconds) { scheduler.advance(byMs: delta) }

    public func run(untilMs time: Milliseconds) { scheduler.advance(toMs: time) }

    // MARK: - Tabs

    /// Opens a tab named `name` with `state` (default: the options' initial state).
    @discardableResult
    public func open(_ name: String, state: StateDocument? = nil) throws(SimulationError) -> SimTab {
        guard !name.isEmpty else { throw SimulationError("a tab needs a name") }
        if let existing = tab(named: name) {
            throw SimulationError("tab \(name) already exists (\(existing.liveness.rawValue)); use reopen")
        }
        let tab = try makeTab(name, state: state ?? options.initialState)
        tabs.append(tab)
        start(tab)
        return tab
    }

    /// Opens again a tab that was closed or killed, as a reloaded page: a new tab id, its initial state.
    public func reopen(_ name: String) throws(SimulationError) {
        let old = try existing(name)
        guard !old.liveness.exists else { throw SimulationError("tab \(name) is \(old.liveness.rawValue); close or kill it first") }
        if old.liveness == .crashed {
            // Release the dead instance's channel without letting it speak.
            old.sync.stop()
        }
        let fresh = try makeTab(name, state: old.initialState)
        tabs[tabs.firstIndex { $0 === old }!] = fresh
        start(fresh)
    }

    /// Stops the tab gracefully: it sends what is pending and says goodbye.
    public func close(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive, .frozen])
        if tab.liveness == .frozen { tab.scheduler.thaw() }
        fault("Closed \(name)", tab: tab)
        tab.sync.stop()
        tab.liveness = .closed
    }

    /// Crashes the tab: it stops at once and says nothing.
    public func kill(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive, .frozen])
        tab.scheduler.crash()
        tab.liveness = .crashed
        fault("Killed \(name)", tab: tab)
    }

    public func freeze(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive])
        tab.scheduler.freeze()
        tab.liveness = .frozen
        fault("Froze \(name)", tab: tab)
    }

    public func thaw(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.frozen])
        tab.liveness = .alive
        fault("Thawed \(name) (\(tab.scheduler.queuedCount) queued)", tab: tab)
        tab.scheduler.thaw()
    }

    /// Throttles the tab's timers like a hidden tab (0 brings it back to the foreground).
    public func setBackground(_ name: String, throttleMs: Milliseconds) throws(SimulationError) {
        guard throttleMs >= 0 else { throw SimulationError("throttleMs must not be negative") }
        let tab = try existing(name, mustBe: [.alive, .frozen])
        tab.scheduler.throttleMs = throttleMs
        fault(throttleMs > 0 ? "\(name) in background (timers every \(throttleMs) ms)" : "\(name) in foreground", tab: tab)
    }

    /// Skews the tab's clock (message timestamps and write stamps; creation time is fixed at birth).
    public func setClockSkew(_ name: String, ms: Milliseconds) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive, .frozen])
        tab.scheduler.clockSkewMs = ms
        fault("\(name) clock skew \(ms) ms", tab: tab)
    }

    // MARK: - What the user does in a tab

    /// Sets keys in the tab's store, as its page would.
    public func set(_ name: String, _ partial: StateDocument) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive])
        record(SimEvent(timeMs: nowMs, tab: name, kind: .action, line: "[User] set \(JSONValue.object(partial))"))
        tab.store.setState(partial)
    }

    public func forceLeader(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive])
        guard tab.sync.config.enableLeaderElection else { throw SimulationError("leader election is off") }
        record(SimEvent(timeMs: nowMs, tab: name, kind: .action, line: "[User] forceLeader"))
        tab.sync.forceLeader()
    }

    public func requestState(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive])
        record(SimEvent(timeMs: nowMs, tab: name, kind: .action, line: "[User] requestState"))
        tab.sync.requestState()
    }

    public func broadcastState(_ name: String, keys: [String]? = nil) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive])
        record(SimEvent(timeMs: nowMs, tab: name, kind: .action,
                        line: "[User] broadcastState" + (keys.map { " \($0)" } ?? "")))
        tab.allowedUpdates += 1
        tab.sync.broadcastState(keys: keys)
    }

    /// Changes the conflict strategy of every tab (and of tabs opened later).
    public func setConflictStrategy(_ strategy: ConflictStrategy,
                                    customResolver: ((StateDocument, StateDocument) -> StateDocument)? = nil) throws(SimulationError) {
        var config = options.config
        config.conflictStrategy = strategy
        if let customResolver { config.customResolver = customResolver }
        do { try config.validate() } catch { throw SimulationError(error.description) }
        for tab in tabs {
            do { try tab.sync.setConflictStrategy(strategy, customResolver: customResolver) } catch {
                throw SimulationError(error.description)
            }
        }
        options.config = config
        record(SimEvent(timeMs: nowMs, tab: "sim", kind: .action, line: "[Simulator] Conflict strategy: \(strategy.rawValue)"))
    }

    // MARK: - The network

    /// Cuts the channel between groups: tabs hear only tabs of their own group. Tabs named in no
    /// group form one more group together.
    public func partition(_ groupNames: [[String]]) throws(SimulationError) {
        var assignment: [String: Int] = [:]
        for (i, group) in groupNames.enumerated() {
            for name in group {
                _ = try existing(name)
                if assignment[name] != nil { throw SimulationError("tab \(name) is in two partition groups") }
                assignment[name] = i + 1
            }
        }
        groups = assignment
        fault("Partition " + groupNames.map { "[" + $0.joined(separator: ", ") + "]" }.joined(separator: " | "), tab: nil)
    }

    /// Cuts one tab off from all others, or heals it when it already is.
    public func togglePartition(_ name: String) throws(SimulationError) {
        _ = try existing(name)
        if isPartitioned(name) {
            groups[name] = nil
            if Set(groups.values).count <= 1 { groups.removeAll() }
            fault("Healed \(name)", tab: nil)
        } else {
            groups[name] = (groups.values.max() ?? 0) + 1
            fault("Cut off \(name)", tab: nil)
        }
    }

    public func heal() {
        groups.removeAll()
        fault("Healed all partitions", tab: nil)
    }

    public func setNetwork(_ network: NetworkConditions) throws(SimulationError) {
        if let problem = network.problem { throw SimulationError("network: \(problem)") }
        options.network = network
        fault("Network latency \(network.latencyMs.lowerBound)-\(network.latencyMs.upperBound) ms, drop \(network.drop), duplicate \(network.duplicate)", tab: nil)
    }

    // MARK: - Internals

    private func existing(_ name: String, mustBe allowed: Set<Liveness>? = nil) throws(SimulationError) -> SimTab {
        guard let tab = tab(named: name) else {
            let known = tabs.map(\.name).joined(separator: ", ")
            throw SimulationError("unknown tab '\(name)'" + (known.isEmpty ? "" : " (tabs: \(known))"))
        }
        if let allowed, !allowed.contains(tab.liveness) {
            throw SimulationError("tab \(name) is \(tab.liveness.rawValue)")
        }
        return tab
    }

    private func makeTab(_ name: String, state: StateDocument) throws(SimulationError) -> SimTab {
        let tabScheduler = TabScheduler(base: scheduler)
        var tab: SimTab?
        let environment = SyncEnvironment(
            clock: tabScheduler, scheduler: tabScheduler, transport: hub, random: SeededRandom(seed: random.next()),
            observer: { [unowned self] event in
                if let tab { self.observe(event, from: tab) }
            })
        let sync: BroadcastSync
        do { sync = try BroadcastSync(store: Store(state), config: options.config, environment: environment) } catch {
            throw SimulationError(error.description)
        }
        let made = SimTab(name: name, sync: sync, scheduler: tabScheduler, initialState: state)
        sync.store.subscribe { [weak made] change in
            guard let made, case .local = change.origin, change.changedKeys.contains(where: made.sync.isSynced) else { return }
            made.allowedUpdates += 1
        }
        tab = made
        return made
    }

    private func start(_ tab: SimTab) {
        tabsById[tab.tabId] = tab
        record(SimEvent(timeMs: nowMs, tab: tab.name, kind: .lifecycle, line: "[Simulator] Opened \(tab.name) as \(tab.tabId)"))
        tab.sync.start()
    }

    private func delays(from: String, to: String) -> [Milliseconds] {
        guard let sender = tabsById[from], let receiver = tabsById[to] else { return [] }
        if sender.liveness == .crashed || receiver.liveness == .crashed { return [] }
        if (groups[sender.name] ?? 0) != (groups[receiver.name] ?? 0) { return [] }
        return options.network.delays(using: &random)
    }

    private func fault(_ text: String, tab: SimTab?) {
        record(SimEvent(timeMs: nowMs, tab: tab?.name ?? "sim", kind: .fault, line: "[Simulator] " + text))
    }

    private func observe(_ event: SyncEvent, from tab: SimTab) {
        guard tab.liveness != .crashed else { return }
        let time = nowMs
        switch event {
        case .sent(let m):
            checker.sent(m, by: tab, at: time)
            if logsTraffic { record(SimEvent(timeMs: time, tab: tab.name, kind: .sent, messageType: m.type, line: event.debugLine(tabId: tab.tabId))) }
        case .received(let m):
            if logsTraffic { record(SimEvent(timeMs: time, tab: tab.name, kind: .received, messageType: m.type, line: event.debugLine(tabId: tab.tabId))) }
        case .applied:
            record(SimEvent(timeMs: time, tab: tab.name, kind: .applied, line: event.debugLine(tabId: tab.tabId)))
        case .ignored(let m, _):
            record(SimEvent(timeMs: time, tab: tab.name, kind: .ignored, messageType: m.type, line: event.debugLine(tabId: tab.tabId)))
        case .dropped:
            record(SimEvent(timeMs: time, tab: tab.name, kind: .dropped, line: event.debugLine(tabId: tab.tabId)))
        case .roleChanged(let change):
            checker.roleChanged(change, tab: tab, at: time)
            checker.checkLeaders(tabs, at: time)
            record(SimEvent(timeMs: time, tab: tab.name, kind: .role, line: event.debugLine(tabId: tab.tabId)))
        case .started, .stopped, .unavailable:
            record(SimEvent(timeMs: time, tab: tab.name, kind: .lifecycle, line: event.debugLine(tabId: tab.tabId)))
        }
    }

    /// Adds a line of the caller's to the log (the UI notes what its keys did).
    public func note(_ text: String, tab: String = "ui") {
        record(SimEvent(timeMs: nowMs, tab: tab, kind: .action, line: text))
    }

    func record(_ event: SimEvent) {
        log.append(event)
        onEvent?(event)
    }
}
