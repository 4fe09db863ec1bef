import TabSync

/// The simulated channel between tabs: it decides what becomes of each frame for each receiver
/// (the hub's delivery policy). It owns the conditions (latency, loss, duplication, reordering),
/// the partition groups, the one-way link cuts, and the caches that keep a delivery cheap.
///
/// Crashed tabs neither send nor receive; a partition or a cut link blocks a copy; otherwise the
/// conditions draw the copies from the network's own seeded generator. Endpoints that are not tabs
/// (a test's probe) count as running and unpartitioned.
final class SimulatedNetwork {
    /// A copy lost, duplicated or blocked, told to `onRoute` for the log.
    struct Route {
        let frame: ChannelFrame
        /// Tab names (the id, for an endpoint that is not a tab).
        let from: String
        let to: String
        /// The delay of each copy delivered: none when lost or blocked.
        let copies: [Milliseconds]
        /// Why it was blocked (`partition`, `cut link`), or nil.
        let blockedBy: String?
    }

    var conditions: NetworkConditions
    var partition = Partition()
    /// Links cut one way.
    private(set) var cuts: Set<NetworkLink> = []
    /// Report lost, duplicated and blocked copies to `onRoute`.
    var logsTraffic = true
    /// Record every copy in `flightRecorder` (the sequence diagram follows each message).
    var tracksFlights = false
    /// Each message from its send to each delivery, while `tracksFlights`. Kept here, next to the
    /// decision, because recording through a callback costs every message noticeably.
    var flightRecorder: FlightRecorder
    var onRoute: ((Route) -> Void)?
    /// The simulation's clock: when copies leave.
    private let clock: VirtualScheduler
    /// The one tab an injected frame is for while it is posted (nil: every existing tab).
    var injectTarget: String?
    /// The values (`JSONValue.valueCount`) of every copy handed to a receiver so far: the cost of
    /// the state a run moves about, which a count of events does not see (one delivery of a
    /// thousand-key state costs as much as a thousand heartbeats).
    private(set) var deliveredValues = 0

    private var random: SeededRandom
    /// Every tab instance ever started, oldest first (a reopened tab adds its new instance), one
    /// per id. Searched by id on every delivery: a string compare or two beat hashing the id.
    private var started: [SimTab] = []
    /// Where the last sender and receiver were found in `started`. The hub asks about one sender's
    /// receivers in the order they opened, so the next search usually hits at its first compare.
    private var senderCursor = 0, receiverCursor = 0
    /// `[d]` for each small delay `d` handed to the hub so far: one copy's answer without an allocation.
    private var oneCopy: [[Milliseconds]] = []

    init(conditions: NetworkConditions, random: SeededRandom, clock: VirtualScheduler, flightCapacity: Int) {
        self.conditions = conditions
        self.random = random
        self.clock = clock
        flightRecorder = FlightRecorder(capacity: flightCapacity)
    }

    /// A tab instance starts using the channel (a reopened tab's new instance replaces no one: its id is new).
    func attach(_ tab: SimTab) {
        started.removeAll { $0.tabId == tab.tabId }
        started.append(tab)
    }

    /// The started tab instance that posted under this id, if it is a tab.
    func sender(id: String) -> SimTab? { startedTab(id: id, cursor: &senderCursor) }

    // MARK: - Faults

    func cut(_ link: NetworkLink) -> Bool { cuts.insert(link).inserted }

    func restore(_ link: NetworkLink) -> Bool { cuts.remove(link) != nil }

    func isCut(_ link: NetworkLink) -> Bool { cuts.contains(link) }

    /// Removes every partition and every cut link.
    func healAll() {
        partition.removeAll()
        cuts.removeAll()
    }

    // MARK: - The delivery policy

    /// The delay of each copy of `frame` from `from` to `to`: `[]` when it is lost or blocked.
    func delays(from: String, to: String, frame: ChannelFrame) -> [Milliseconds] {
        let copies = copies(from: from, to: to, frame: frame)
        if !copies.isEmpty { deliveredValues += copies.count * frame.valueCount }
        return copies
    }

    private func copies(from: String, to: String, frame: ChannelFrame) -> [Milliseconds] {
        if from == Simulation.injectorId { return injectedDelays(to: to) }
        let sender = startedTab(id: from, cursor: &senderCursor)
        receiverCursor += 1
        let receiver = startedTab(id: to, cursor: &receiverCursor)
        if sender?.liveness == .crashed || receiver?.liveness == .crashed { return [] }
        if !partition.isEmpty || !cuts.isEmpty,
            let why = blocked(sender?.name ?? "", receiver?.name ?? "")
        {
            if logsTraffic { report(frame, sender?.name ?? from, receiver?.name ?? to, [], blockedBy: why) }
            if tracksFlights {
                flightRecorder.copies([], to: receiver?.name ?? to, receiverId: to, blocked: true, at: clock.nowMs)
            }
            return []
        }
        let copies: [Milliseconds]
        switch conditions.copies(using: &random) {
        case .one(let delay): copies = oneCopy(delay)
        case .lost: copies = []
        case .two(let first, let second): copies = [first, second]
        }
        if tracksFlights {
            flightRecorder.copies(copies, to: receiver?.name ?? to, receiverId: to, blocked: false, at: clock.nowMs)
        }
        if logsTraffic, copies.count != 1 {
            report(frame, sender?.name ?? from, receiver?.name ?? to, copies, blockedBy: nil)
        }
        return copies
    }

    /// Why nothing gets from `from` to `to` (tab names), or nil.
    private func blocked(_ from: String, _ to: String) -> String? {
        if !partition.isEmpty, partition.group(of: from) != partition.group(of: to) { return "partition" }
        if !cuts.isEmpty, cuts.contains(NetworkLink(from: from, to: to)) { return "cut link" }
        return nil
    }

    private func report(
        _ frame: ChannelFrame, _ from: String, _ to: String, _ copies: [Milliseconds],
        blockedBy: String?
    ) {
        onRoute?(Route(frame: frame, from: from, to: to, copies: copies, blockedBy: blockedBy))
    }

    /// An injected frame reaches each existing tab (or the target) once, at once: past partitions,
    /// cuts and conditions.
    private func injectedDelays(to: String) -> [Milliseconds] {
        guard let receiver = started.first(where: { $0.tabId == to }), receiver.liveness.exists,
            injectTarget == nil || injectTarget == receiver.name
        else { return [] }
        return [0]
    }

    /// The started tab instance with this id, searched from `cursor` round the list; `cursor` is
    /// left where it was found.
    private func startedTab(id: String, cursor: inout Int) -> SimTab? {
        let count = started.count
        if cursor >= count { cursor = 0 }
        var i = cursor
        for _ in 0..<count {
            if started[i].tabId == id {
                cursor = i
                return started[i]
            }
            i = i + 1 == count ? 0 : i + 1
        }
        return nil
    }

    /// `[delay]`, shared for the delays of everyday latencies: arrays are values, so the hub may keep it.
    private func oneCopy(_ delay: Milliseconds) -> [Milliseconds] {
        guard delay < 1024 else { return [delay] }
        while oneCopy.count <= delay { oneCopy.append([oneCopy.count]) }
        return oneCopy[delay]
    }
}

extension ChannelFrame {
    /// How many values the frame carries: one for the frame, plus every value of its state.
    var valueCount: Int {
        switch self {
        case .message(let m): 1 + (m.payload?.state?.values.reduce(0) { $0 + $1.valueCount } ?? 0)
        case .json(let v): v.valueCount
        }
    }
}

extension JSONValue {
    /// This value and every value inside it.
    var valueCount: Int {
        switch self {
        case .null, .bool, .number, .string: 1
        case .array(let a): a.reduce(1) { $0 + $1.valueCount }
        case .object(let o): o.values.reduce(1) { $0 + $1.valueCount }
        }
    }
}
