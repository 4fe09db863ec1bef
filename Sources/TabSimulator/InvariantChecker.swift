import TabSync

/// Checks safety continuously, on every event as it happens (the way TigerBeetle's VOPR asserts on
/// a live run rather than on a log afterwards). Liveness and convergence are asked for on demand
/// (`Simulation.leaders`, `Simulation.convergence()`), because they only hold after faults stop.
///
/// The properties, each reported under this name:
/// - `epochs never decrease`: no tab moves to a lower epoch.
/// - `at most one leader per epoch`: a tab leads only under its own claim, claims an epoch above every
///   epoch it has heard (so it never takes an epoch it knows is taken), and never leads an epoch another
///   tab led when it could have known. Without a quorum, two tabs that cannot hear each other
///   (partitioned, frozen, messages lost) may still claim the same epoch; that is counted in
///   `sharedEpochs`, not reported, since no oldest-wins election without a quorum can exclude it.
/// - `excluded key never on the wire`: checked on the frames the channel carries, not on what the
///   engine says it sent, so a bug anywhere between store and channel is caught.
/// - `no echo`: a tab never sends more STATE_UPDATEs than it had local changes and explicit
///   broadcasts; applying remote state must never make a tab send (the root of echo storms). Both
///   counts come from the engine's one event stream (`localChange` before the `sent` it allows), so
///   the check does not depend on who subscribed to the store first.
/// - `excluded key never applied from the wire`: a tab never writes a key it excludes because
///   another tab sent it (the spec's reference filters only what it sends: reference bug 9).
/// - `external tab answers`: an external tab's process answered every request (`ExternalTab`).
///
/// It works on plain values (tab numbers, events, frames), so a test can feed it a synthetic log.
public struct InvariantChecker: Sendable {
    /// What the checker knows of one tab. Tabs are numbered in registration order.
    struct TabRecord: Sendable {
        let name: String
        let tabId: String
        let excludeKeys: Set<String>
        /// STATE_UPDATEs this tab may still send: local changes and broadcasts minus updates sent.
        var updateBudget = 0
        var updatesSent = 0
        var lastEpoch = 0
        /// The highest epoch this tab heard of (in any message, or its own epoch).
        var heardEpoch = 0
    }

    public private(set) var violations: [Violation] = []
    /// Every key any frame on the channel carried so far (in `state` or `keys`).
    public private(set) var keysOnWire: Set<String> = []
    /// Epochs led by two tabs that could not hear each other (allowed without a quorum; a finding).
    public private(set) var sharedEpochs = 0
    /// Moments at which two running tabs both believed they led (allowed while faults last).
    public private(set) var splitBrainCount = 0
    /// Tabs that became leader, and leaders that stepped down on hearing a newer epoch: evidence
    /// that a run exercised the election ("sometimes" checks, in FoundationDB's sense).
    public private(set) var leadershipsTaken = 0
    public private(set) var stepDowns = 0
    private var records: [TabRecord] = []
    private var indexById: [String: Int] = [:]
    /// Who led each epoch first.
    private var leaderOfEpoch: [Int: Int] = [:]
    private var excludedAnywhere: Set<String> = []

    public init() {}

    /// Starts watching a tab; returns its number for the other calls.
    @discardableResult
    public mutating func register(tabId: String, name: String, excludeKeys: [String]) -> Int {
        records.append(TabRecord(name: name, tabId: tabId, excludeKeys: Set(excludeKeys)))
        indexById[tabId] = records.count - 1
        excludedAnywhere.formUnion(excludeKeys)
        return records.count - 1
    }

    /// The tab had a local change of a synced key, or was asked to broadcast: one more
    /// STATE_UPDATE is legitimate.
    public mutating func allowUpdate(tab: Int) {
        records[tab].updateBudget += 1
    }

    /// Looks at a frame as the channel carries it (before any delivery, drop or partition). Each key
    /// listed or carried costs one hash, and one more when some tab excludes keys.
    public mutating func onWire(_ frame: ChannelFrame, from senderId: String, at time: Milliseconds) {
        let listed: [String]
        let carried: StateDocument?
        switch frame {
        case .message(let m):
            guard let p = m.payload, p.state != nil || p.keys != nil else { return }
            (listed, carried) = (p.keys ?? [], p.state)
        case .json(let json):
            guard let p = json.objectValue?["payload"]?.objectValue, p["keys"] != nil || p["state"] != nil else {
                return
            }
            (listed, carried) = (p["keys"]?.arrayValue?.compactMap(\.stringValue) ?? [], p["state"]?.objectValue)
        }
        let excluded = excludedKeys(of: senderId)
        var broken: Set<String> = []
        for key in listed { note(key, excluded: excluded, broken: &broken) }
        for key in carried?.keys ?? [:].keys { note(key, excluded: excluded, broken: &broken) }
        guard !broken.isEmpty else { return }
        report(broken, type: frame.header.type?.rawValue ?? "raw frame", from: senderId, at: time)
    }

    /// The keys `senderId` must never send (an unknown sender: any tab's); nil when no tab excludes any.
    private func excludedKeys(of senderId: String) -> Set<String>? {
        guard !excludedAnywhere.isEmpty else { return nil }
        return indexById[senderId].map { records[$0].excludeKeys } ?? excludedAnywhere
    }

    private mutating func note(_ key: String, excluded: Set<String>?, broken: inout Set<String>) {
        keysOnWire.insert(key)
        if let excluded, excluded.contains(key) { broken.insert(key) }
    }

    /// Fails once for each key in `broken` (sent by a tab that excludes it), in key order.
    private mutating func report(_ broken: Set<String>, type: String, from senderId: String, at time: Milliseconds) {
        let name = indexById[senderId].map { records[$0].name } ?? senderId
        for key in broken.sorted() {
            fail(time, "excluded key never on the wire", "'\(key)' sent by \(name) in \(type)")
        }
    }

    /// Looks at one event of a registered tab.
    public mutating func observe(_ event: SyncEvent, tab: Int, at time: Milliseconds) {
        switch event {
        case .sent(let m) where m.type == .stateUpdate:
            records[tab].updatesSent += 1
            records[tab].updateBudget -= 1
            if records[tab].updateBudget < 0 {
                let r = records[tab]
                fail(
                    time, "no echo",
                    "\(r.name) sent \(r.updatesSent) STATE_UPDATEs for \(r.updatesSent + r.updateBudget) local changes")
                records[tab].updateBudget = 0
            }
        case .localChange:
            records[tab].updateBudget += 1
        case .applied(let from, let keys):
            let r = records[tab]
            for key in keys where r.excludeKeys.contains(key) {
                let sender = indexById[from].map { records[$0].name } ?? from
                fail(time, "excluded key never applied from the wire", "\(r.name) wrote '\(key)' sent by \(sender)")
            }
        case .received(let m):
            heard(m, tab: tab)
        case .roleChanged(let c):
            roleChanged(c, tab: tab, at: time)
        default:
            break
        }
    }

    /// The highest epoch tab number `tab` heard of, or led in.
    func heardEpoch(tab: Int) -> Int { records[tab].heardEpoch }

    /// The tab received `m`: it has heard of the epoch `m` names.
    public mutating func heard(_ m: SyncMessage, tab: Int) {
        if let epoch = m.payload?.epoch, epoch > records[tab].heardEpoch { records[tab].heardEpoch = epoch }
    }

    private mutating func roleChanged(_ c: RoleChange, tab: Int, at time: Milliseconds) {
        let r = records[tab]
        if c.epoch < r.lastEpoch {
            fail(time, "epochs never decrease", "\(r.name) went from epoch \(r.lastEpoch) to \(c.epoch)")
        }
        if c.from == .leader && c.reason == .newerEpochSeen { stepDowns += 1 }
        if c.to == .leader {
            leadershipsTaken += 1
            if c.leaderId != r.tabId {
                fail(
                    time, "at most one leader per epoch",
                    "\(r.name) leads under \(c.leaderId.map(shortTabId) ?? "no") claim, not its own")
            }
            if c.epoch <= r.heardEpoch {
                fail(
                    time, "at most one leader per epoch",
                    "\(r.name) claimed epoch \(c.epoch) after hearing of epoch \(r.heardEpoch)")
            }
            if let first = leaderOfEpoch[c.epoch], first != tab {
                // It had not heard of the epoch (checked above): the two could not hear each other.
                sharedEpochs += 1
            } else {
                leaderOfEpoch[c.epoch] = tab
            }
        }
        records[tab].lastEpoch = max(r.lastEpoch, c.epoch)
        records[tab].heardEpoch = max(records[tab].heardEpoch, c.epoch)
    }

    /// Checks the leaders of one instant: each holds its own claim. Counts the moments at which more
    /// than one running tab leads (split brain: allowed while faults last, gone once they stop).
    public mutating func checkLeaders(_ leading: [(tab: Int, leaderId: String?, running: Bool)], at time: Milliseconds)
    {
        for l in leading where l.leaderId != records[l.tab].tabId {
            fail(
                time, "at most one leader per epoch",
                "\(records[l.tab].name) leads but follows \(l.leaderId.map(shortTabId) ?? "nobody")")
        }
        if leading.filter(\.running).count > 1 { splitBrainCount += 1 }
    }

    mutating func fail(_ time: Milliseconds, _ property: String, _ detail: String) {
        violations.append(Violation(timeMs: time, property: property, detail: detail))
    }
}
