import TabSimulator
import TabSync

/// What `tabsim watch` knows of each tab of a channel, from the frames it overhears (it never
/// sends, so it cannot ask). Plain and clock-free: the caller passes the time of each frame.
///
/// Bounded, because anyone on the channel can make up tab ids: at most `capacity` tabs are kept,
/// the least recently heard forgotten first, and a tab silent for `forgetMs` is forgotten. Before
/// the bound, 30,000 made-up ids made each frame cost 5x more and memory grew for ever.
///
/// Values are shown only when known. A tab's frames tell its own values only when it sends them
/// (its STATE_UPDATEs and STATE_RESPONSEs); a value another tab sends may or may not replace it
/// there (versions decide), so a tab's value for a key that someone else sent differently becomes
/// unknown. Tabs that announce the same digest of their versions (TAB_PING, TAB_PONG) hold the
/// same synced state, so one's known values are the others' too: that is how a tab that applied an
/// update, and never sent the key itself, is shown with its value. A digest is set aside as soon
/// as its tab's state may have moved (it sent or may have applied an update) until it pings again.
public final class ChannelWatch {
    /// One tab as heard.
    struct Tab {
        /// The order in which tabs were first heard: unnamed panes are lettered by it.
        let serial: Int
        var name: String?
        var priority: Milliseconds?
        /// Only leaders announce themselves: every other tab is not leading as far as frames tell.
        var leads = false
        var epoch = 0
        /// Its known values; a key missing is unknown, a key holding nil is known to be absent.
        var values: [String: JSONValue?] = [:]
        /// The digest of its last ping, while its state cannot have moved since.
        var digest: String?
        var closed = false
        var lastHeardMs: Milliseconds
    }

    /// Most tabs kept.
    public static let defaultCapacity = 256
    /// A tab silent for longer shows crashed: the engine's own tab timeout (three 2 s pings).
    public static let silenceMs: Milliseconds = 6000
    /// A tab silent for longer is forgotten (ten tab timeouts: a crash stays on screen a while).
    public static let forgetMs: Milliseconds = 60_000

    public let capacity: Int
    private var tabs: [String: Tab] = [:]
    /// Every key some tab spoke for (emptied when no tab is kept): a tab's value for any of them
    /// is known or unknown.
    private var keys: Set<String> = []
    private var nextSerial = 0
    private var lastSweepMs: Milliseconds?

    public init(capacity: Int = defaultCapacity) {
        self.capacity = max(1, capacity)
    }

    /// Tabs kept now.
    public var count: Int { tabs.count }

    /// `HH:MM:SS.mmm` (UTC) of a wall-clock time.
    public static func timeOfDay(_ ms: Milliseconds) -> String {
        let day = ms % 86_400_000
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        let millis = day % 1000
        return two(day / 3_600_000) + ":" + two(day / 60_000 % 60) + ":" + two(day / 1000 % 60) + "."
            + (millis < 10 ? "00" : millis < 100 ? "0" : "") + "\(millis)"
    }

    /// Takes one frame heard at `nowMs` (monotonic: the time base of silences, which a wall clock's
    /// jumps must not decide), shown at the wall-clock time `wallMs` (default: `nowMs`); returns the
    /// lines to print: the frame as a debug line, and a summary of its sender when what is known of
    /// it changed.
    public func heard(_ frame: ChannelFrame, nowMs: Milliseconds, wallMs: Milliseconds? = nil) -> [String] {
        hear(frame, nowMs: nowMs, wallMs: wallMs).map(\.text)
    }

    /// `heard`'s lines, each with its colour read from the frame (`LiveLogLine`).
    public func hear(_ frame: ChannelFrame, nowMs: Milliseconds, wallMs: Milliseconds? = nil) -> [LiveLogLine] {
        let time = Self.timeOfDay(wallMs ?? nowMs)
        let message: SyncMessage
        do {
            switch frame {
            case .message(let m): message = m
            case .json(let json): message = try SyncMessage(json: json)
            }
        } catch {
            return [LiveLogLine(text: "\(time) dropped malformed frame: \(error.reason)", style: CellStyle(.logFault))]
        }
        if let problem = message.rangeProblem {
            return [LiveLogLine(text: "\(time) dropped malformed frame: \(problem)", style: CellStyle(.logFault))]
        }
        var lines = [LiveLogLine(.sent(message), tabId: message.tabId, time: time)]
        sweep(nowMs: nowMs)
        let id = message.tabId
        if tabs[id] == nil { makeRoom() }
        let before = tabs[id].map(Summary.init)
        var tab = tabs[id] ?? Tab(serial: nextSerial, lastHeardMs: nowMs)
        if tabs[id] == nil { nextSerial += 1 }
        tab.lastHeardMs = nowMs
        tab.closed = false
        let payload = message.payload
        switch message.type {
        case .tabClose:
            tab.closed = true
            tab.leads = false
            tab.digest = nil
            tabs[id] = tab
            return lines + [LiveLogLine(text: "             tab \(shortTabId(id)) closed", style: CellStyle(.logFault))]
        case .tabPing, .tabPong:
            tab.name = payload?.name ?? tab.name
            tab.priority = payload?.priority?.ms ?? tab.priority
            tab.digest = payload?.digest
            if let epoch = payload?.epoch, epoch > tab.epoch { tab.epoch = epoch }
        case .leaderAnnounce, .heartbeat:
            tab.leads = true
            tab.epoch = payload?.epoch ?? tab.epoch
            if payload?.leaderId == nil || payload?.leaderId == id {
                tab.priority = payload?.priority?.ms ?? tab.priority
            }
        case .stateUpdate, .stateResponse:
            let sent = payload?.keys ?? Array((payload?.state ?? [:]).keys)
            for key in sent {
                let value = payload?.state?[key]
                tab.values[key] = .some(value)
                keys.insert(key)
                forgetOthers(key, value, except: id)
            }
            tab.digest = nil
        case .leaderElection, .stateRequest, .stateRepair:
            tab.priority = payload?.priority?.ms ?? tab.priority
            if let epoch = payload?.epoch, epoch > tab.epoch { tab.epoch = epoch }
        }
        if message.type == .leaderAnnounce || message.type == .heartbeat {
            for (other, t) in tabs where other != id && t.leads && t.epoch < tab.epoch {
                tabs[other]?.leads = false
            }
        }
        tabs[id] = tab
        let after = Summary(tab)
        if after != before {
            let unknown = keys.subtracting(tab.values.keys).sorted()
            lines.append(
                LiveLogLine(
                    text:
                        "             tab \(shortTabId(id)): \(tab.leads ? "leader" : "not leading") epoch \(tab.epoch) "
                        + "state \(tab.knownState.jsonText)"
                        + (unknown.isEmpty ? "" : " unknown " + unknown.joined(separator: ","))))
        }
        return lines
    }

    /// What a summary line shows of a tab: a new line only when it changed.
    private struct Summary: Equatable {
        var leads: Bool
        var epoch: Int
        var values: [String: JSONValue?]
        init(_ t: Tab) {
            leads = t.leads
            epoch = t.epoch
            values = t.values
        }
    }

    /// Another tab sent `value` for `key`: the others may apply it or not, so their value is
    /// unknown unless it is the same; and their digests may be out of date.
    private func forgetOthers(_ key: String, _ value: JSONValue?, except sender: String) {
        for (id, tab) in tabs where id != sender {
            if let known = tab.values[key], known == value { continue }
            tabs[id]?.values[key] = nil
            tabs[id]?.digest = nil
        }
    }

    /// Forgets tabs silent for `forgetMs`, at most once a second (a scan of at most `capacity`).
    private func sweep(nowMs: Milliseconds) {
        if let last = lastSweepMs, nowMs >= last, nowMs - last < 1000 { return }
        lastSweepMs = nowMs
        tabs = tabs.filter { nowMs - $0.value.lastHeardMs <= Self.forgetMs }
        if tabs.isEmpty { keys.removeAll() }
    }

    /// Makes room for one more tab: the least recently heard goes.
    private func makeRoom() {
        guard tabs.count >= capacity, let oldest = tabs.min(by: { $0.value.lastHeardMs < $1.value.lastHeardMs })
        else { return }
        tabs[oldest.key] = nil
    }

    /// Every tab kept, as panes show it, in the order first heard: the leader of the highest epoch
    /// announced leads, the other running tabs follow it (as far as frames tell).
    public func infos(nowMs: Milliseconds) -> [LiveTabInfo] {
        let ordered = tabs.sorted { $0.value.serial < $1.value.serial }
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        func letter(_ serial: Int) -> String { serial < letters.count ? String(letters[serial]) : "\(serial + 1)" }
        let nameCounts = Dictionary(ordered.compactMap { $0.value.name }.map { ($0, 1) }, uniquingKeysWith: +)
        func name(_ t: Tab) -> String {
            guard let name = t.name else { return letter(t.serial) }
            return nameCounts[name, default: 0] > 1 ? "\(name)/\(letter(t.serial))" : name
        }
        // Liveness once per tab: closed on its TAB_CLOSE, crashed after the silence, else alive.
        let livenesses: [Liveness] = ordered.map {
            $0.value.closed ? .closed : nowMs - $0.value.lastHeardMs > Self.silenceMs ? .crashed : .alive
        }
        let leader = ordered.indices.filter { ordered[$0].value.leads }
            .max { ordered[$0].value.epoch < ordered[$1].value.epoch }
        let running = livenesses.count { $0 == .alive }
        // Tabs with the same digest hold the same synced state: what one is known to hold, all do.
        var byDigest: [String: [String: JSONValue?]] = [:]
        for (i, (_, t)) in ordered.enumerated() where livenesses[i] == .alive {
            guard let digest = t.digest else { continue }
            byDigest[digest, default: [:]].merge(t.values) { first, _ in first }
        }
        return ordered.enumerated().map { i, entry in
            let t = entry.value
            let liveness = livenesses[i]
            var values = t.values
            if liveness == .alive, let digest = t.digest, let shared = byDigest[digest] {
                values.merge(shared) { own, _ in own }
            }
            let role: ElectionRole =
                liveness != .alive ? .none : i == leader ? .leader : leader != nil ? .follower : .none
            var info = LiveTabInfo(
                name: name(t), tabId: entry.key, role: role, epoch: t.epoch,
                leaderName: leader.map { name(ordered[$0].value) }, liveness: liveness,
                connected: running - (liveness == .alive ? 1 : 0), state: values.compactMapValues { $0 })
            info.priority = t.priority
            info.unknownKeys = keys.subtracting(values.keys)
            return info
        }
    }
}

extension ChannelWatch.Tab {
    /// The values known to be held (a key known absent is left out, as in a state).
    var knownState: StateDocument { values.compactMapValues { $0 } }
}
