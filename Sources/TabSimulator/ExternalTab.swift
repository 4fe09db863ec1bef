import TabSync

/// A tab of the simulation played by a process that implements the spec in any language, in the
/// manner of Jepsen's Maelstrom: JSON lines over its standard input and output, in lockstep with
/// the virtual clock (the protocol is in README, "Your own implementation as a tab").
///
/// Every request carries the time (`at`: the simulation's milliseconds, the base of timers; `wall`:
/// the tab's `Date.now()`, skew included) and gets exactly one answer line: the frames the process
/// posted, the store changes it made, its role, and its next timer deadline. The simulator posts
/// the frames on the channel like any tab's, mirrors the changes in the tab's store, and schedules
/// an `advance` at the deadline on the tab's own scheduler, so freezes, throttling and crashes reach
/// an external tab as they reach the others. The process sees only its inputs, and its clock and
/// randomness come from them (the seed in `init`), so the same seed gives the same run.
///
/// A process that exits, hangs past its deadline or answers with something other than the answer
/// described is a failure naming the tab: the tab counts as crashed from then on and the failure is
/// reported (`Simulation.externalFailures`, and the checker's `external tab answers`).
public final class ExternalTab {
    /// The most frames one answer may post; more is a runaway process.
    public static let maxFramesPerAnswer = 1000
    /// The most keys one answer may change or remove.
    public static let maxChangesPerAnswer = 10_000

    /// What one answer carries, checked.
    struct Answer {
        var tabId: String?
        var frames: [JSONValue] = []
        var changes: StateDocument = [:]
        var removed: [String] = []
        var role: ElectionRole?
        var leaderId: String??
        var connectedTabs: Int?
        var next: Milliseconds?
    }

    /// What the simulation does with an answer; set by the simulation before `initialize`.
    struct Hooks {
        /// Posts a frame on the channel from this tab.
        var post: (JSONValue) -> Void = { _ in }
        /// The process changed its store: mirror it (`remote` names the tab whose frame it was handling).
        var changed: (_ set: StateDocument, _ removed: [String], _ remote: String?) -> Void = { _, _, _ in }
        var roleChanged: (RoleChange) -> Void = { _ in }
        /// A frame reached the process (`sent` frames are logged by the simulation as posted).
        var received: (JSONValue) -> Void = { _ in }
        var failed: (String) -> Void = { _ in }
    }

    public let name: String
    public let command: String
    private let link: any ExternalTabLink
    private let scheduler: TabScheduler
    var hooks = Hooks()
    /// The process's tab id, from its answer to `init`.
    public private(set) var tabId = ""
    public private(set) var role: ElectionRole = .none
    /// The leader it follows, as it says (itself while it leads), if it knows.
    public var leaderId: String? { role == .leader ? tabId : followedLeader }
    private var followedLeader: String?
    /// What the process last said of its connected tabs, if it says.
    public private(set) var connectedTabs = 0
    /// Why the process stopped answering, if it did.
    public private(set) var failure: String?
    /// Frames posted, by type (a frame whose type is not the spec's counts under nil).
    public private(set) var sentCounts: [SyncMessageType?: Int] = [:]
    private var endpoint: (any ChannelEndpoint)?
    private var timer: TimerToken?
    private var framesBeforeStart: [JSONValue] = []
    private var ended = false

    init(name: String, command: String, link: any ExternalTabLink, scheduler: TabScheduler) {
        self.name = name
        self.command = command
        self.link = link
        self.scheduler = scheduler
    }

    /// Sends `init`: the tab's name, channel, configuration, seed and store. Its answer names the tab id.
    func initialize(config: BroadcastSyncConfig, seed: UInt32, state: StateDocument) throws(ExternalTabFailure) {
        let answer = try request(
            "init",
            [
                "tab": .string(name), "channelName": .string(config.channelName),
                "config": Self.specConfig(config), "seed": .number(Double(seed)), "state": .object(state),
            ])
        guard let id = answer.tabId else { throw ExternalTabFailure("its answer to 'init' has no 'tabId'") }
        let printable = id.unicodeScalars.allSatisfy {
            !$0.properties.isWhitespace && $0.properties.generalCategory != .control
        }
        guard !id.isEmpty, id.utf8.count <= 256, printable else {
            throw ExternalTabFailure("its tabId must be 1 to 256 bytes without spaces or control characters")
        }
        tabId = id
        framesBeforeStart = answer.frames
        apply(answer, remote: nil, posting: false)
    }

    /// The configuration as the spec's `BroadcastSyncConfig` fields (no callbacks, no extensions).
    /// `arrival-order` is the spec's own `last-write-wins`.
    static func specConfig(_ c: BroadcastSyncConfig) -> JSONValue {
        let strategy = c.conflictStrategy == .arrivalOrder ? "last-write-wins" : c.conflictStrategy.rawValue
        return .object([
            "channelName": .string(c.channelName), "syncKeys": .array(c.syncKeys.map(JSONValue.string)),
            "excludeKeys": .array(c.excludeKeys.map(JSONValue.string)), "throttleMs": .number(Double(c.throttleMs)),
            "debounceMs": .number(Double(c.debounceMs)), "conflictStrategy": .string(strategy),
            "enableLeaderElection": .bool(c.enableLeaderElection),
            "leaderHeartbeatMs": .number(Double(c.leaderHeartbeatMs)),
        ])
    }

    /// Opens the tab's endpoint on the channel and sends `start`.
    func start(transport: any SyncTransport, channelName: String) {
        endpoint = transport.open(channelName: channelName, ownerId: tabId, scheduler: scheduler) {
            [unowned self] frame in self.deliver(frame)
        }
        for frame in framesBeforeStart { post(frame) }
        framesBeforeStart = []
        send("start")
    }

    /// The user's edit in the tab's page.
    func setState(_ partial: StateDocument) { send("setState", ["state": .object(partial)]) }
    func forceLeader() { send("forceLeader") }
    func requestState() { send("requestState") }
    func broadcastState(keys: [String]?) {
        var fields: StateDocument = [:]
        if let keys { fields["keys"] = .array(keys.map(JSONValue.string)) }
        send("broadcastState", fields)
    }

    /// Graceful close: `stop`, then the process is ended.
    func stop() {
        send("stop")
        end()
    }

    /// A crash: the process is ended without a word.
    func crash() { end() }

    /// Ends the process and leaves the channel; nothing more is sent.
    func end() {
        guard !ended else { return }
        ended = true
        if let timer { scheduler.cancel(timer) }
        timer = nil
        endpoint?.close()
        endpoint = nil
        link.terminate()
    }

    private func deliver(_ frame: ChannelFrame) {
        let json: JSONValue =
            switch frame {
            case .message(let m): m.json
            case .json(let j): j
            }
        hooks.received(json)
        send("deliver", ["frame": json], remote: json.objectValue?["tabId"]?.stringValue ?? "?")
    }

    private func timerDue() {
        timer = nil
        send("advance")
    }

    /// One request and its answer applied; a failure ends the tab.
    private func send(_ type: String, _ fields: StateDocument = [:], remote: String? = nil) {
        guard !ended, failure == nil else { return }
        do {
            apply(try request(type, fields), remote: remote, posting: true)
        } catch {
            failure = error.problem
            end()
            hooks.failed(error.problem)
        }
    }

    private func request(_ type: String, _ fields: StateDocument) throws(ExternalTabFailure) -> Answer {
        var body = fields
        body["type"] = .string(type)
        body["at"] = .number(Double(scheduler.monotonicNow.ms))
        body["wall"] = .number(Double(scheduler.wallNow.ms))
        let line = try link.exchange(JSONValue.object(body).description)
        do { return try Self.parse(line, after: type, at: scheduler.monotonicNow.ms) } catch {
            throw ExternalTabFailure("answered '\(type)' with a malformed line: \(error.problem)")
        }
    }

    /// Reads one answer line: a JSON object with the fields of `Answer`, all optional but `tabId`
    /// (for `init`); `next` must lie after `at`, or the process would be asked to run forever.
    static func parse(_ line: String, after type: String, at now: Milliseconds) throws(ExternalTabFailure) -> Answer {
        func quote() -> String {
            let cut = line.count > 120 ? String(line.prefix(120)) + "..." : line
            return TerminalText.escaped(cut)
        }
        guard let json = JSONValue(jsonText: line), let o = json.objectValue else {
            throw ExternalTabFailure("not a JSON object: \(quote())")
        }
        if let error = o["error"] {
            throw ExternalTabFailure(
                "reported an error: \(TerminalText.escaped(error.stringValue ?? error.description))")
        }
        let known: Set<String> = ["tabId", "frames", "changes", "removed", "role", "leaderId", "connectedTabs", "next"]
        if let unknown = o.keys.filter({ !known.contains($0) }).sorted().first {
            throw ExternalTabFailure(
                "unknown field '\(TerminalText.escaped(unknown))' (known: \(known.sorted().joined(separator: ", ")))")
        }
        var a = Answer()
        if let v = o["tabId"] {
            guard let s = v.stringValue else { throw ExternalTabFailure("'tabId' must be a string") }
            a.tabId = s
        }
        if let v = o["frames"] {
            guard let frames = v.arrayValue else { throw ExternalTabFailure("'frames' must be a list") }
            guard frames.count <= maxFramesPerAnswer else {
                throw ExternalTabFailure("\(frames.count) frames in one answer (at most \(maxFramesPerAnswer))")
            }
            a.frames = frames
        }
        if let v = o["changes"] {
            guard let changes = v.objectValue else { throw ExternalTabFailure("'changes' must be an object") }
            a.changes = changes
        }
        if let v = o["removed"] {
            guard let list = v.arrayValue, list.allSatisfy({ $0.stringValue != nil }) else {
                throw ExternalTabFailure("'removed' must be a list of key names")
            }
            a.removed = list.compactMap(\.stringValue)
        }
        guard a.changes.count + a.removed.count <= maxChangesPerAnswer else {
            throw ExternalTabFailure("more than \(maxChangesPerAnswer) keys changed in one answer")
        }
        if let v = o["role"], v != .null {
            guard let s = v.stringValue, let role = ElectionRole(rawValue: s) else {
                throw ExternalTabFailure("'role' must be \"leader\", \"follower\", \"candidate\", \"none\" or null")
            }
            a.role = role
        }
        if let v = o["leaderId"] {
            guard v == .null || v.stringValue != nil else {
                throw ExternalTabFailure("'leaderId' must be a tab id or null")
            }
            a.leaderId = .some(v.stringValue)
        }
        if let v = o["connectedTabs"], v != .null {
            guard let n = v.intValue, n >= 0 else { throw ExternalTabFailure("'connectedTabs' must be a count") }
            a.connectedTabs = n
        }
        if let v = o["next"], v != .null {
            guard let n = v.intValue else { throw ExternalTabFailure("'next' must be a time in ms or null") }
            guard n > now else {
                throw ExternalTabFailure(
                    "'next' is \(n), not after the time of the request (\(now)): run every timer due by 'at' first")
            }
            a.next = n
        }
        return a
    }

    private func apply(_ answer: Answer, remote: String?, posting: Bool) {
        if !answer.changes.isEmpty || !answer.removed.isEmpty { hooks.changed(answer.changes, answer.removed, remote) }
        if posting { for frame in answer.frames { post(frame) } }
        if let n = answer.connectedTabs { connectedTabs = n }
        if let id = answer.leaderId { followedLeader = id }
        if let newRole = answer.role, newRole != role {
            let old = role
            role = newRole
            hooks.roleChanged(
                RoleChange(
                    from: old, to: newRole, epoch: 0, leaderId: leaderId,
                    reason: old == .none ? .started : newRole == .leader ? .elected : .leaderAnnounced))
        }
        guard !ended else { return }
        if let timer { scheduler.cancel(timer) }
        timer = nil
        if let next = answer.next {
            timer = scheduler.schedule(afterMs: next - scheduler.monotonicNow.ms) { [unowned self] in self.timerDue() }
        }
    }

    private func post(_ frame: JSONValue) {
        let type = frame.objectValue?["type"]?.stringValue.flatMap(SyncMessageType.init(rawValue:))
        sentCounts[type, default: 0] += 1
        hooks.post(frame)
        endpoint?.post(.json(frame))
    }
}
