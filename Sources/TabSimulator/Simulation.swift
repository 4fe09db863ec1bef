import TabSync

/// Many tabs over one in-memory channel on one virtual clock, with faults on demand and a checker
/// watching every event: the instrument behind `tabsim run`, `tabsim fuzz` and the terminal UI.
///
/// One thread, no wall clock, randomness only from the seed: the same options and the same calls
/// give the same log, byte for byte. Nothing happens between calls; time moves only through
/// `step()`, `advance(byMs:)` and `run(untilMs:)`.
///
/// - Tabs: `open`, `close` (graceful: goodbye sent), `kill` (crash: silence), `freeze`/`thaw`,
///   `reopen` (a reloaded page: new tab id, its initial state), `setBackground` (timer throttling),
///   `setClockSkew`.
/// - What a user does in a tab: `set`, `forceLeader`, `timeOut`, `requestState`, `broadcastState`.
/// - The network (`SimulatedNetwork`): `partition`, `isolate`, `rejoin`, `togglePartition`,
///   `cutLink`/`restoreLink` (one way), `heal`, `setNetwork`.
/// - Looking: `tabs`, `tab(named:)`, `snapshots`, `leaders`, `leader`, `convergence()`,
///   `violations`, `log`, `onEvent`.
///
/// Every request that cannot be carried out throws a `SimulationError` naming the problem and
/// changes nothing.
public final class Simulation {
    /// The one clock and event queue of the run.
    public let scheduler = VirtualScheduler()
    /// The channel every tab opens; its delivery policy is the simulated network's.
    public let hub = InMemoryHub()
    /// Conditions, partitions and cut links: what becomes of each frame for each receiver.
    let network: SimulatedNetwork
    /// What the tabs open their channel on: the hub, or the hub behind JSON bytes (`wireJSON`).
    private let transport: any SyncTransport
    public private(set) var options: SimulationOptions
    /// Tabs in the order they were first opened (a reopened tab keeps its place).
    public private(set) var tabs: [SimTab] = []
    /// The most recent events (bounded by `options.logCapacity`).
    public private(set) var log: EventLog
    public private(set) var checker = InvariantChecker()
    /// Every write and every version each tab held, while `tracksWinners`: what `winnerProblems`
    /// judges. Off by default: it looks at a tab's versions on each of its events.
    public private(set) var oracle = WinnerOracle()
    /// Frames per tab per simulated second since the last `transitionToLiveness()`.
    public private(set) var calmTraffic = TrafficMeter()
    /// Record writes and held versions for `winnerProblems`, from now on (set it before the first edit).
    public var tracksWinners = false
    /// Called for every event as it is logged (the UI's live traffic pane, `tabsim run`'s output).
    public var onEvent: ((SimEvent) -> Void)?
    /// When false, message traffic (sent, received, lost) is not logged, only the rest; the checker
    /// still sees everything. For long fuzz runs.
    public var logsTraffic: Bool {
        get { network.logsTraffic }
        set { network.logsTraffic = newValue }
    }
    /// The running workload, if any.
    public private(set) var workload: Workload?
    /// When true, every message is followed from its send to each delivery (`flights`,
    /// `messagesInFlight`): what the sequence diagram draws. Off by default: it costs on every message.
    public var tracksFlights: Bool {
        get { network.tracksFlights }
        set {
            network.tracksFlights = newValue
            hub.observesDeliveries = newValue
        }
    }
    var flightRecorder: FlightRecorder { network.flightRecorder }

    private var idRandom: SeededRandom
    private var workloadRandom: SeededRandom
    private var workloadGeneration = 0
    /// The channel endpoint `inject` posts through, opened on first use.
    private var injector: (any ChannelEndpoint)?
    /// The owner id of injected frames on the channel: no tab's id (tab ids start with `tab-`).
    public static let injectorId = "injected"
    /// External tabs that stopped answering (exited, hung, malformed answer), each naming its tab.
    public private(set) var externalFailures: [String] = []

    public init(options: SimulationOptions) throws(SimulationError) {
        do { try options.config.validate() } catch { throw SimulationError(error.description) }
        for (name, config) in options.tabConfigs.sorted(by: { $0.key < $1.key }) {
            do { try config.validate() } catch { throw SimulationError("tab \(name)'s config: \(error.description)") }
        }
        if let problem = options.network.problem { throw SimulationError("network: \(problem)") }
        self.options = options
        self.log = EventLog(capacity: options.logCapacity)
        var seeds = SeededRandom(seed: options.seed)
        network = SimulatedNetwork(
            conditions: options.network, random: SeededRandom(seed: seeds.next()),
            clock: scheduler, flightCapacity: options.logCapacity)
        idRandom = SeededRandom(seed: seeds.next())
        workloadRandom = SeededRandom(seed: seeds.next())
        transport = options.wireJSON ? WireTransport(over: hub) : hub
        hub.deliveryPolicy = { [unowned network] from, to, frame in network.delays(from: from, to: to, frame: frame) }
        network.onRoute = { [unowned self] route in self.routed(route) }
        hub.observesDeliveries = false  // the checker looks at what goes on the wire, once per post
        hub.observer = { [unowned self] event in
            if case .delivered(let from, let to, let frame) = event {
                return self.network.flightRecorder.delivered(frame, from: from, to: to, at: self.nowMs)
            }
            // Injected frames are the attacker's, not a tab's: the checker judges what the tabs send.
            guard case .posted(let from, let frame, _) = event, from != Self.injectorId else { return }
            let sender = self.network.sender(id: from)
            guard sender?.liveness != .crashed else { return self.network.flightRecorder.skip() }
            self.checker.onWire(frame, from: from, at: self.nowMs)
            if self.calmTraffic.sinceMs != nil { self.calmTraffic.posted(by: sender?.name ?? from, at: self.nowMs) }
            if self.tracksFlights {
                self.network.flightRecorder.posted(frame, sender: sender?.name ?? from, senderId: from, at: self.nowMs)
            }
        }
    }

    // MARK: - Looking

    /// The virtual time, in ms since the simulation began.
    public var nowMs: Milliseconds { scheduler.nowMs }
    /// When the next event is due, if any.
    public var nextEventMs: Milliseconds? { scheduler.nextDueMs }

    public func tab(named name: String) -> SimTab? { tabs.first { $0.name == name } }

    /// Every tab as a value, in `tabs` order.
    public var snapshots: [TabSnapshot] { tabs.map { TabSnapshot($0, partitioned: isPartitioned($0.name)) } }

    /// The tab as a value, or nil when there is no such tab.
    public func snapshot(of name: String) -> TabSnapshot? {
        tab(named: name).map { TabSnapshot($0, partitioned: isPartitioned($0.name)) }
    }

    /// Tabs that exist (running or frozen) and believe they lead. More than one is split brain:
    /// possible while a partition, a freeze or lost messages last; liveness asks for exactly one after.
    public var leaders: [SimTab] { tabs.filter { $0.isLeader } }

    /// The single running (not frozen) tab that believes it leads, if exactly one does.
    public var leader: SimTab? {
        let running = tabs.filter { $0.liveness == .alive && $0.isLeader }
        return running.count == 1 ? running[0] : nil
    }

    /// Safety violations found so far (empty when every property held).
    public var violations: [Violation] { checker.violations }
    /// The values of every message copy delivered so far (a state of ten keys is eleven): with
    /// `scheduler.executedCount`, what a run has cost (`ScenarioLimits.maxDeliveredValues`).
    public var deliveredValues: Int { network.deliveredValues }

    /// What is wrong with the values the running tabs hold (those with the shared config), judged by
    /// `WinnerOracle` under `strategy` (default: the configured one): empty when every synced key
    /// holds the value that must win. Needs `tracksWinners` from the start of the run.
    public func winnerProblems(claiming strategy: ConflictStrategy? = nil) -> [String] {
        let running = tabs.filter { $0.liveness == .alive && options.tabConfigs[$0.name] == nil }
        for tab in running { noteVersions(of: tab) }
        var keys = Set<String>()
        for t in running { keys.formUnion(t.state.keys.filter(t.sync.isSynced)) }
        return oracle.problems(
            strategy: strategy ?? options.config.conflictStrategy, keys: Array(keys),
            holders: running.map { WinnerOracle.Holder(name: $0.name, tabId: $0.tabId, state: $0.state) })
    }

    /// Tells the oracle the versions `tab` holds now, unless nothing changed since it last did.
    private func noteVersions(of tab: SimTab) {
        guard tab.sync.revision != tab.notedRevision else { return }
        tab.notedRevision = tab.sync.revision
        for key in tab.state.keys where tab.sync.isSynced(key) {
            guard let v = tab.sync.version(of: key), tab.notedVersions.updateValue(v, forKey: key) != v else {
                continue
            }
            oracle.holds(tabId: tab.tabId, key: key, version: v)
        }
    }

    /// Whether the running tabs hold the same synced state, and if not, which keys differ, what
    /// each tab holds and which tabs stand apart. Frozen, closed and crashed tabs are left out, and
    /// so are tabs with a configuration of their own (`SimulationOptions.tabConfigs`): they cannot
    /// be expected to agree with the others.
    public func convergence() -> Convergence {
        let running = tabs.filter { $0.liveness == .alive && options.tabConfigs[$0.name] == nil }
        guard let first = running.first else { return Convergence(differences: [:]) }
        var keys = Set<String>()
        for t in running { keys.formUnion(t.state.keys.filter(first.sync.isSynced)) }
        var differences: [String: [String: JSONValue?]] = [:]
        for key in keys {
            let value = first.state[key]
            if running.contains(where: { $0.state[key] != value }) {
                differences[key] = Dictionary(uniqueKeysWithValues: running.map { ($0.name, $0.state[key]) })
            }
        }
        guard !differences.isEmpty else { return Convergence(differences: [:]) }
        // The most common synced state; the tabs that hold another one differ.
        let synced = running.map { t in t.state.filter { keys.contains($0.key) } }
        var best = synced[0]
        var bestCount = 0
        for candidate in synced {
            let count = synced.count { $0 == candidate }
            if count > bestCount { (best, bestCount) = (candidate, count) }
        }
        let apart = zip(running, synced).filter { $0.1 != best }.map(\.0.name)
        let cause: String? =
            switch options.config.conflictStrategy {
            case .arrivalOrder: "arrival-order: a remote value overwrites on arrival; convergence is not promised"
            case .custom: "custom: the customResolver decides; convergence is not promised"
            default: nil
            }
        return Convergence(differences: differences, tabs: apart, cause: cause)
    }

    /// Converged, still propagating (messages on their way to running tabs, changes waiting to be
    /// sent, a tab joining), or quiet yet different: what a status bar shows. With `tracksFlights`
    /// (as the UI runs) only messages that carry state count as on their way; without, every message.
    public func progress() -> SyncProgress {
        let running = tabs.filter { $0.liveness == .alive }
        let inFlight: Int
        if tracksFlights {
            // Only copies of STATE_UPDATE and STATE_RESPONSE can still settle a value: heartbeats,
            // pings and election messages carry none, and on a slow network some are always on the way.
            let names = Set(running.map(\.name))
            inFlight = network.flightRecorder.flights.reduce(0) { sum, flight in
                guard flight.type == .stateUpdate || flight.type == .stateResponse else { return sum }
                return sum + flight.deliveries.count { $0.outcome == .inFlight && names.contains($0.receiver) }
            }
        } else {
            inFlight = running.reduce(0) { $0 + hub.pendingDeliveries(to: $1.tabId) }
        }
        let pending = running.filter { !$0.sync.pendingKeys.isEmpty || $0.sync.isJoining }.map(\.name)
        let c = convergence()
        if c.converged { return .converged }
        if inFlight > 0 || !pending.isEmpty { return .propagating(messagesInFlight: inFlight, pendingTabs: pending) }
        return .diverged(c)
    }

    /// True when a partition put the tab in a group of its own making (`partition` names it, or
    /// `isolate` cut it off) and some existing tab is outside that group. Tabs a partition did not
    /// name stay together and are not reported.
    public func isPartitioned(_ name: String) -> Bool {
        network.partition.isPartitioned(name, existing: tabs.lazy.filter { $0.liveness.exists }.map(\.name))
    }

    /// True while `from` cannot reach `to` through a cut link (partitions aside).
    public func isCut(from: String, to: String) -> Bool { network.isCut(NetworkLink(from: from, to: to)) }

    /// The names of the tabs that exist (running or frozen).
    private var existingNames: [String] { tabs.filter { $0.liveness.exists }.map(\.name) }

    /// One line per tab: name, id, liveness, role, epoch, leader, connected count and state. Two runs
    /// that end alike describe alike (replay checks compare these).
    public func describeTabs() -> String {
        tabs.map { t in
            "\(t.name) \(t.tabId) \(t.liveness.rawValue)\(isPartitioned(t.name) ? " partitioned" : "") \(t.role.rawValue) epoch \(t.epoch) "
                + "leader \(t.leaderId.map(shortTabId) ?? "-") connected \(t.connectedTabs) \(JSONValue.object(t.state))"
        }.joined(separator: "\n")
    }

    /// The log as JSON lines, one event per line (`{"kind":..., "line":..., "tab":..., "time":..., "type":...}`).
    public func exportJSONLines() -> String { log.jsonLines }

    // MARK: - Time

    /// Runs the next event, moving time to it. Returns false when nothing is scheduled.
    @discardableResult
    public func step() -> Bool { scheduler.step() }

    /// Runs everything due in the next `delta` ms; time ends `delta` later.
    public func advance(byMs delta: Milliseconds) { scheduler.advance(byMs: delta) }

    /// Runs everything due up to `time`; time ends at `time` (or stays, if already later).
    public func run(untilMs time: Milliseconds) { scheduler.advance(toMs: time) }

    // MARK: - Tabs

    /// Opens a tab named `name` with `state` (default: the options' initial state). It joins at
    /// once: pings, asks for state and (with election on) becomes a candidate.
    @discardableResult
    public func open(_ name: String, state: StateDocument? = nil) throws(SimulationError) -> SimTab {
        guard !name.isEmpty, !name.contains(where: \.isWhitespace) else {
            throw SimulationError("a tab needs a name without spaces")
        }
        guard name != "sim" else { throw SimulationError("'sim' is the simulator's name in the log; pick another") }
        if let existing = tab(named: name) {
            throw SimulationError(
                "tab \(name) already exists (\(existing.liveness.rawValue))"
                    + (existing.liveness.exists ? "" : "; use reopen"))
        }
        let tab = try makeTab(name, state: state ?? options.initialState)
        tabs.append(tab)
        start(tab)
        return tab
    }

    /// Opens again a tab that was closed or killed, as a reloaded page: a new tab id, its initial state.
    @discardableResult
    public func reopen(_ name: String) throws(SimulationError) -> SimTab {
        let old = try existing(name)
        guard !old.liveness.exists else {
            throw SimulationError("tab \(name) is \(old.liveness.rawValue); close or kill it first")
        }
        if old.liveness == .crashed {
            // Release the dead instance's endpoint. It is crashed, so nothing it says gets out.
            old.sync.stop()
        }
        old.external?.end()
        let fresh = try makeTab(name, state: old.initialState)
        tabs[tabs.firstIndex { $0 === old }!] = fresh
        start(fresh)
        return fresh
    }

    /// Stops the tab gracefully: it sends what is pending and says goodbye (TAB_CLOSE). A frozen
    /// tab first runs what it had queued.
    public func close(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive, .frozen])
        if tab.liveness == .frozen { tab.scheduler.thaw() }
        fault(.close(name), tab: tab)
        if let external = tab.external { external.stop() } else { tab.sync.stop() }
        tab.scheduler.close()
    }

    /// Crashes the tab: it stops at once and says nothing. The others notice only when it falls
    /// silent (tab timeout, leader timeout).
    public func kill(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive, .frozen])
        tab.scheduler.crash()
        tab.external?.crash()
        fault(.kill(name), tab: tab)
    }

    /// Freezes the tab like a browser's frozen background tab: no timers, no message handlers.
    /// What falls due meanwhile is queued and runs on `thaw`.
    public func freeze(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive])
        tab.scheduler.freeze()
        fault(.freeze(name), tab: tab)
    }

    /// Resumes a frozen tab: its queued work runs now, in order.
    public func thaw(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.frozen])
        let dropped = tab.scheduler.droppedSinceFreeze
        fault(.thaw(name), .thawed(queued: tab.scheduler.queuedCount, droppedOlder: dropped), tab: tab)
        tab.scheduler.thaw()
    }

    /// Throttles the tab's timers like a hidden tab's: each waits for the next multiple of
    /// `throttleMs` (Chrome: 1 s, then 1 min after 5 min hidden). 0 brings it back to the foreground.
    public func setBackground(_ name: String, throttleMs: Milliseconds) throws(SimulationError) {
        guard (0...86_400_000).contains(throttleMs) else {
            throw SimulationError("throttleMs must be between 0 and a day (86400000)")
        }
        let tab = try existing(name, mustBe: [.alive, .frozen])
        tab.scheduler.throttleMs = throttleMs
        fault(.background(tab: name, throttleMs: throttleMs), tab: tab)
    }

    /// The largest clock skew, either way: a year.
    public static let maxClockSkewMs: Milliseconds = 31_536_000_000

    /// Skews the tab's clock: its message timestamps and write stamps. Its election priority was
    /// fixed at birth and does not move.
    public func setClockSkew(_ name: String, ms: Milliseconds) throws(SimulationError) {
        guard ms.magnitude <= Self.maxClockSkewMs else {
            throw SimulationError("clock skew must be within a year (\(Self.maxClockSkewMs) ms)")
        }
        let tab = try existing(name, mustBe: [.alive, .frozen])
        tab.scheduler.clockSkewMs = ms
        oracle.skewed(ms)
        fault(.clockSkew(tab: name, ms: ms), tab: tab)
    }

    // MARK: - What the user does in a tab

    /// Sets keys in the tab's store, as its page would.
    public func set(_ name: String, _ partial: StateDocument) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive])
        guard !partial.isEmpty else { throw SimulationError("set needs at least one key") }
        try userSet(tab, partial)
    }

    /// `set` on a tab already known to be running, with keys. A value too large for one frame is
    /// refused, as the store refuses it to a page, and nothing is logged as set.
    private func userSet(_ tab: SimTab, _ partial: StateDocument) throws(SimulationError) {
        do { try tab.store.check(partial) } catch { throw SimulationError("\(tab.name): \(error)") }
        record(
            SimEvent(timeMs: nowMs, tab: tab.name, kind: .action, fact: .action(.set(tab: tab.name, state: partial))))
        if let external = tab.external {
            checker.allowUpdate(tab: tab.checkerIndex)
            return external.setState(partial)
        }
        let before = tab.state
        do { try tab.store.setState(partial) } catch { throw SimulationError("\(tab.name): \(error)") }
        guard tracksWinners else { return }
        // Only a key whose value changed is written (the store leaves an equal value as it was).
        for key in partial.keys.sorted() where tab.sync.isSynced(key) && tab.state[key] != before[key] {
            oracle.wrote(
                WinnerOracle.Write(
                    tab: tab.name, tabId: tab.tabId, key: key, value: tab.state[key], atMs: nowMs,
                    clockSkewMs: tab.scheduler.clockSkewMs, version: tab.sync.version(of: key),
                    judged: options.tabConfigs[tab.name] == nil))
        }
    }

    public func forceLeader(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive])
        guard tab.sync.config.enableLeaderElection else {
            throw SimulationError("forceLeader: leader election is off (enableLeaderElection)")
        }
        record(SimEvent(timeMs: nowMs, tab: name, kind: .action, fact: .action(.forceLeader(name))))
        if let external = tab.external { return external.forceLeader() }
        tab.sync.forceLeader()
    }

    /// Fires a follower's leader timeout now ("time out this follower"): it runs for election, and
    /// a live leader's answer makes it follow again. Only a running follower of a known leader can.
    public func timeOut(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive])
        guard !tab.isExternal else {
            throw SimulationError("timeOut: \(name) is an external tab: the spec has no leader timeout to fire")
        }
        guard tab.sync.role == .follower, tab.sync.leaderId != nil else {
            throw SimulationError(
                "timeOut: \(name) follows no leader (it is \(tab.sync.role.rawValue)): only a follower times out")
        }
        record(SimEvent(timeMs: nowMs, tab: name, kind: .action, fact: .action(.timeOut(name))))
        tab.sync.expireLeaderTimeout()
    }

    public func requestState(_ name: String) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive])
        record(SimEvent(timeMs: nowMs, tab: name, kind: .action, fact: .action(.requestState(name))))
        if let external = tab.external { return external.requestState() }
        tab.sync.requestState()
    }

    /// Sends the tab's current values of `keys` (default: every synced key) at once.
    public func broadcastState(_ name: String, keys: [String]? = nil) throws(SimulationError) {
        let tab = try existing(name, mustBe: [.alive])
        record(SimEvent(timeMs: nowMs, tab: name, kind: .action, fact: .action(.broadcastState(tab: name, keys: keys))))
        checker.allowUpdate(tab: tab.checkerIndex)
        if let external = tab.external { return external.broadcastState(keys: keys) }
        tab.sync.broadcastState(keys: keys)
    }

    /// Changes the conflict strategy of every tab (those with a configuration of their own too),
    /// and of tabs opened later.
    public func setConflictStrategy(
        _ strategy: ConflictStrategy,
        customResolver: ((StateDocument, StateDocument) -> StateDocument)? = nil
    ) throws(SimulationError) {
        var config = options.config
        config.conflictStrategy = strategy
        if let customResolver { config.customResolver = customResolver }
        do { try config.validate() } catch { throw SimulationError(error.description) }
        // An external tab keeps the strategy it was started with: the spec cannot change it.
        for tab in tabs where tab.liveness.exists && !tab.isExternal {
            do { try tab.sync.setConflictStrategy(strategy, customResolver: customResolver) } catch {
                throw SimulationError(error.description)
            }
        }
        options.config = config
        for name in options.tabConfigs.keys {
            options.tabConfigs[name]?.conflictStrategy = strategy
            if let customResolver { options.tabConfigs[name]?.customResolver = customResolver }
        }
        record(
            SimEvent(
                timeMs: nowMs, tab: "sim", kind: .action,
                fact: .action(.conflictStrategy(strategy, resolver: nil))))
    }

    /// Starts users editing in every running tab (replacing any workload already running).
    public func startWorkload(_ workload: Workload) throws(SimulationError) {
        if let problem = workload.problem { throw SimulationError("workload: \(problem)") }
        var w = workload
        if w.keys.isEmpty { w.keys = options.config.syncKeys.isEmpty ? ["counter"] : options.config.syncKeys }
        self.workload = w
        workloadGeneration += 1
        fault(.workload(w), tab: nil)
        scheduleEdit(generation: workloadGeneration)
    }

    public func stopWorkload() {
        guard workload != nil else { return }
        workload = nil
        workloadGeneration += 1
        fault(.stopWorkload, tab: nil)
    }

    // MARK: - The network

    /// Cuts the channel between groups: tabs hear only tabs of their own group. Tabs named in no
    /// group (and tabs opened later) form one more group together.
    public func partition(_ groupNames: [[String]]) throws(SimulationError) {
        var named: Set<String> = []
        for name in groupNames.joined() {
            _ = try existing(name)
            if !named.insert(name).inserted { throw SimulationError("tab \(name) is in two partition groups") }
        }
        network.partition.assign(groupNames)
        fault(.partition(groupNames), tab: nil)
    }

    /// Cuts one tab off from all the others (other partitions stay as they are).
    public func isolate(_ name: String) throws(SimulationError) {
        _ = try existing(name)
        network.partition.isolate(name)
        fault(.isolate(name), tab: nil)
    }

    /// Cuts one tab off from all others, or, when it already is cut off, joins it back.
    public func togglePartition(_ name: String) throws(SimulationError) {
        if isPartitioned(name) { try rejoin(name) } else { try isolate(name) }
    }

    /// Joins a cut-off tab back to the tabs no partition named (other partitions stay).
    public func rejoin(_ name: String) throws(SimulationError) {
        _ = try existing(name)
        guard isPartitioned(name) else { throw SimulationError("tab \(name) is not cut off") }
        network.partition.rejoin(name, existing: existingNames)
        fault(.rejoin(name), tab: nil)
    }

    /// Cuts the link from one tab to another, one way: what `from` posts no longer reaches `to`,
    /// while `to` is still heard by `from`. Partitions stay as they are; `restoreLink` or `heal` ends it.
    public func cutLink(from: String, to: String) throws(SimulationError) {
        let link = try link(from: from, to: to)
        guard network.cut(link) else { throw SimulationError("the link \(link) is already cut") }
        fault(.cut(link), tab: nil)
    }

    /// Restores a link `cutLink` cut.
    public func restoreLink(from: String, to: String) throws(SimulationError) {
        let link = try link(from: from, to: to)
        guard network.restore(link) else { throw SimulationError("the link \(link) is not cut") }
        fault(.restore(link), tab: nil)
    }

    private func link(from: String, to: String) throws(SimulationError) -> NetworkLink {
        _ = try existing(from)
        _ = try existing(to)
        guard from != to else { throw SimulationError("a link joins two tabs; \(from) -> \(to) names one") }
        return NetworkLink(from: from, to: to)
    }

    /// Removes every partition and every cut link.
    public func heal() {
        let hadCuts = !network.cuts.isEmpty
        network.healAll()
        fault(.heal, .healed(cutLinks: hadCuts), tab: nil)
    }

    /// The calm after faults, in this order: every partition and cut link healed, `network` (by
    /// default reliable), then each tab, in `tabs` order, thawed if frozen, reopened if closed or
    /// crashed, and brought back to the foreground. What the fuzzer does before it asks for
    /// liveness, and what a scenario's `heal: all` does. Returns the steps it took.
    @discardableResult
    public func transitionToLiveness(network: NetworkConditions = NetworkConditions(latencyMs: 1...5)) -> [Scenario
        .Action]
    {
        var taken: [Scenario.Action] = [.heal, .network(network)]
        calmTraffic.start(at: nowMs)
        heal()
        try? setNetwork(network)
        for tab in tabs {
            let name = tab.name
            if tab.liveness == .frozen, (try? thaw(name)) != nil { taken.append(.thaw(name)) }
            if !tab.liveness.exists, (try? reopen(name)) != nil { taken.append(.reopen(name)) }
            // The instance this loop started with: a reopened tab's old one may still be throttled.
            if tab.scheduler.throttleMs > 0, (try? setBackground(name, throttleMs: 0)) != nil {
                taken.append(.background(tab: name, throttleMs: 0))
            }
        }
        return taken
    }

    public func setNetwork(_ network: NetworkConditions) throws(SimulationError) {
        if let problem = network.problem { throw SimulationError("network: \(problem)") }
        options.network = network
        self.network.conditions = network
        fault(.network(network), tab: nil)
    }

    /// Delivers a raw frame to every running tab (or to `tab` only), as if a tab outside the
    /// simulation had posted it: a hostile or buggy peer. The text is parsed as JSON (text that is
    /// not JSON travels as a JSON string, as a page may post any value), then goes through the same
    /// decoding and checks as any other frame. It arrives at once, past partitions and network
    /// conditions; frozen tabs queue it, crashed ones never see it. The checker keeps checking.
    public func inject(raw: String, to tab: String? = nil) throws(SimulationError) {
        if let tab { _ = try existing(tab, mustBe: [.alive, .frozen]) }
        let frame = ChannelFrame.json(JSONValue(jsonText: raw) ?? .string(raw))
        if injector == nil {
            injector = hub.open(
                channelName: options.config.channelName, ownerId: Self.injectorId,
                scheduler: scheduler
            ) { _ in }
        }
        fault(.inject(to: tab, raw: raw), tab: tab.flatMap { self.tab(named: $0) })
        network.injectTarget = tab
        defer { network.injectTarget = nil }
        injector?.post(frame)
    }

    // MARK: - The log

    /// Adds a line of the caller's to the log (the UI notes what its keys did).
    public func note(_ text: String, tab: String = "ui") {
        record(SimEvent(timeMs: nowMs, tab: tab, kind: .action, fact: .note(text)))
    }

    /// Adds a lesson's narration or prompt to the log, from the simulator.
    func narrate(_ fact: SimFact) {
        record(SimEvent(timeMs: nowMs, tab: "sim", kind: .action, fact: fact))
    }

    func record(_ event: SimEvent) {
        log.append(event)
        onEvent?(event)
    }

    // MARK: - Internals

    private func existing(_ name: String, mustBe allowed: Set<Liveness>? = nil) throws(SimulationError) -> SimTab {
        guard let tab = tab(named: name) else {
            let known = tabs.map(\.name).joined(separator: ", ")
            throw SimulationError("unknown tab '\(name)'" + (known.isEmpty ? " (no tab is open)" : " (tabs: \(known))"))
        }
        if let allowed, !allowed.contains(tab.liveness) {
            throw SimulationError("tab \(name) is \(tab.liveness.rawValue)")
        }
        return tab
    }

    private func makeTab(_ name: String, state: StateDocument) throws(SimulationError) -> SimTab {
        if let command = options.externalTabs[name] { return try makeExternalTab(name, command: command, state: state) }
        let tabScheduler = TabScheduler(base: scheduler)
        let made = TabSlot()
        let environment = SyncEnvironment(
            clock: tabScheduler, scheduler: tabScheduler, transport: transport,
            random: SeededRandom(seed: idRandom.next()),
            observer: { [unowned self] event in
                if let tab = made.tab { self.observe(event, from: tab) }
            })
        let sync: BroadcastSync
        let config = options.tabConfigs[name] ?? options.config
        do { sync = try BroadcastSync(store: Store(state), config: config, environment: environment) } catch {
            throw SimulationError(error.description)
        }
        let index = checker.register(tabId: sync.tabId, name: name, excludeKeys: config.excludeKeys)
        let tab = SimTab(
            name: name, sync: sync, scheduler: tabScheduler, initialState: state,
            openedAtMs: nowMs, checkerIndex: index)
        made.tab = tab
        return tab
    }

    /// The tab an engine observer reports for, held unowned: the tab owns the sync that owns the
    /// observer, so a strong reference would keep both alive after the simulation is gone.
    private final class TabSlot {
        unowned var tab: SimTab?
    }

    private func start(_ tab: SimTab) {
        network.attach(tab)
        record(SimEvent(timeMs: nowMs, tab: tab.name, kind: .lifecycle, fact: .opened(tabId: tab.tabId)))
        if let external = tab.external {
            external.start(transport: transport, channelName: tab.sync.config.channelName)
        } else {
            tab.sync.start()
        }
    }

    /// A tab played by a process: it is started and answers `init` (its tab id) before the tab
    /// exists; its answers reach the simulation through `ExternalTab.Hooks`. Its `sync` is never
    /// started: its store mirrors the process's.
    private func makeExternalTab(_ name: String, command: String, state: StateDocument) throws(SimulationError)
        -> SimTab
    {
        let config = options.tabConfigs[name] ?? options.config
        let seed = idRandom.next()
        let tabScheduler = TabScheduler(base: scheduler)
        /// Refused, and reported: a tab that cannot start is a finding about it (the fuzzer's
        /// `open` and the calm's `reopen` go on without it).
        func failed(_ problem: String) -> SimulationError {
            let text = "external tab \(name) (\(TerminalText.escaped(command))): \(problem)"
            externalFailures.append(text)
            checker.fail(nowMs, "external tab answers", text)
            return SimulationError(text)
        }
        let link: any ExternalTabLink
        do throws(ExternalTabFailure) {
            if let launch = options.externalLauncher {
                link = try launch(command)
            } else {
                link = try ExternalTabProcess.launch(command, deadlineMs: options.externalDeadlineMs)
            }
        } catch { throw failed(error.problem) }
        let external = ExternalTab(name: name, command: command, link: link, scheduler: tabScheduler)
        do { try external.initialize(config: config, seed: UInt32(truncatingIfNeeded: seed), state: state) } catch {
            external.end()
            throw failed(error.problem)
        }
        let sync: BroadcastSync
        do {
            let environment = SyncEnvironment(
                clock: tabScheduler, scheduler: tabScheduler, transport: UnavailableTransport(),
                random: SeededRandom(seed: seed), tabId: external.tabId)
            sync = try BroadcastSync(store: Store(state), config: config, environment: environment)
        } catch {
            external.end()
            throw SimulationError(error.description)
        }
        let index = checker.register(tabId: external.tabId, name: name, excludeKeys: config.excludeKeys)
        let tab = SimTab(
            name: name, sync: sync, scheduler: tabScheduler, initialState: state, openedAtMs: nowMs,
            checkerIndex: index, external: external)
        external.hooks = externalHooks(for: tab)
        return tab
    }

    /// What the simulation does with an external tab's answers: log them as it logs an engine's
    /// events, mirror its store, and let the checker judge it like any tab.
    private func externalHooks(for tab: SimTab) -> ExternalTab.Hooks {
        unowned let tab = tab
        var hooks = ExternalTab.Hooks()
        hooks.post = { [unowned self] frame in
            // What a frame that is not a message does to the others, their drops tell.
            guard let m = try? SyncMessage(json: frame) else { return }
            checker.observe(.sent(m), tab: tab.checkerIndex, at: nowMs)
            guard logsTraffic else { return }
            record(
                SimEvent(
                    timeMs: nowMs, tab: tab.name, kind: .sent, messageType: m.type, event: .sent(m), tabId: tab.tabId))
        }
        hooks.received = { [unowned self] frame in
            let m = try? SyncMessage(json: frame)
            // The spec answers every STATE_REQUEST with a STATE_UPDATE: not an echo.
            if m?.type == .stateRequest { checker.allowUpdate(tab: tab.checkerIndex) }
            guard logsTraffic, let m else { return }
            record(
                SimEvent(
                    timeMs: nowMs, tab: tab.name, kind: .received, messageType: m.type, event: .received(m),
                    tabId: tab.tabId))
        }
        hooks.changed = { [unowned self] set, removed, remote in
            let keys = tab.store.update(set: set, remove: removed, origin: remote.map { .remote(tabId: $0) } ?? .local)
            guard let remote, !keys.isEmpty else { return }
            let event = SyncEvent.applied(from: remote, keys: keys)
            checker.observe(event, tab: tab.checkerIndex, at: nowMs)
            record(
                SimEvent(timeMs: nowMs, tab: tab.name, kind: .applied, messageType: nil, event: event, tabId: tab.tabId)
            )
        }
        hooks.roleChanged = { [unowned self] change in
            checker.checkLeaders(
                tabs.filter(\.isLeader).map { ($0.checkerIndex, $0.leaderId, $0.liveness == .alive) }, at: nowMs)
            let event = SyncEvent.roleChanged(change)
            record(
                SimEvent(timeMs: nowMs, tab: tab.name, kind: .role, messageType: nil, event: event, tabId: tab.tabId))
        }
        hooks.failed = { [unowned self] problem in
            let text = "external tab \(tab.name) (\(TerminalText.escaped(tab.external?.command ?? ""))): \(problem)"
            externalFailures.append(text)
            tab.scheduler.crash()
            checker.fail(nowMs, "external tab answers", text)
            record(SimEvent(timeMs: nowMs, tab: tab.name, kind: .lifecycle, fact: .note(text)))
        }
        return hooks
    }

    /// A copy the network lost, duplicated or blocked: a line in the log.
    private func routed(_ route: SimulatedNetwork.Route) {
        let outcome: NetworkRouteFact.Outcome =
            route.blockedBy != nil ? .blocked : route.copies.isEmpty ? .lost : .duplicated
        let type = route.frame.header.type
        let fact = NetworkRouteFact(
            outcome: outcome, type: type, from: route.from, to: route.to, reason: route.blockedBy)
        record(SimEvent(timeMs: nowMs, tab: route.from, kind: .network, messageType: type, fact: .route(fact)))
    }

    /// A fault or change of the world, logged as the action that did it.
    private func fault(_ action: Scenario.Action, _ outcome: SimFact.ActionOutcome = .done, tab: SimTab?) {
        record(SimEvent(timeMs: nowMs, tab: tab?.name ?? "sim", kind: .fault, fact: .action(action, outcome)))
    }

    private func observe(_ event: SyncEvent, from tab: SimTab) {
        guard tab.liveness != .crashed else { return }
        if tracksWinners { noteVersions(of: tab) }
        let time = nowMs
        checker.observe(event, tab: tab.checkerIndex, at: time)
        let kind: SimEvent.Kind
        var type: SyncMessageType?
        switch event {
        case .sent(let m):
            guard logsTraffic else { return }
            kind = .sent
            type = m.type
        case .received(let m):
            guard logsTraffic else { return }
            kind = .received
            type = m.type
        case .applied, .resolved: kind = .applied
        case .ignored(let m, _):
            kind = .ignored
            type = m.type
        case .dropped: kind = .dropped
        case .roleChanged:
            checker.checkLeaders(
                tabs.filter(\.isLeader).map { ($0.checkerIndex, $0.leaderId, $0.liveness == .alive) }, at: time)
            kind = .role
        case .started, .stopped, .unavailable: kind = .lifecycle
        case .localChange: return  // for the checker only: the user's edit is logged already
        case .configurationDiffers: kind = .ignored
        }
        record(SimEvent(timeMs: time, tab: tab.name, kind: kind, messageType: type, event: event, tabId: tab.tabId))
    }

    private func scheduleEdit(generation: Int) {
        guard let w = workload else { return }
        let running = max(1, tabs.count(where: { $0.liveness == .alive }))
        var perTab = w
        perTab.editsPerSecondPerTab = w.editsPerSecondPerTab * Double(running)
        scheduler.schedule(afterMs: perTab.nextGapMs(using: &workloadRandom)) { [unowned self] in
            editDue(generation: generation)
        }
    }

    /// One edit of the workload of `generation`, then the next; nothing if that workload was
    /// replaced or stopped meanwhile.
    private func editDue(generation: Int) {
        guard generation == workloadGeneration, let w = workload else { return }
        if let until = w.untilMs, nowMs >= until {
            workload = nil
            return
        }
        let running = tabs.count(where: { $0.liveness == .alive })
        if running > 0 {
            let tab = runningTab(Int.random(in: 0..<running, using: &workloadRandom))
            let key = w.keys[Int.random(in: 0..<w.keys.count, using: &workloadRandom)]
            let value = JSONValue.number(Double(Int.random(in: 0..<1000, using: &workloadRandom)))
            try? userSet(tab, [key: value])  // a workload's values are numbers and short strings: they fit
        }
        scheduleEdit(generation: generation)
    }

    /// The `n`th running tab in `tabs` order (counting from 0), without building the list.
    private func runningTab(_ n: Int) -> SimTab {
        var left = n
        for tab in tabs where tab.liveness == .alive {
            if left == 0 { return tab }
            left -= 1
        }
        preconditionFailure("fewer than \(n + 1) running tabs")
    }

    deinit {
        // Edits hold the simulation unowned (a weak reference would slow every retain of it), so
        // none may outlive it on a scheduler someone else still holds; and the tabs' pending
        // actions hold their schedulers, which hold the base one: dropping them all frees the world.
        scheduler.cancelAll()
        injector?.close()  // an open endpoint and its hub hold each other
    }
}
