import Collections

/// A clock and scheduler on virtual time: nothing happens until a test or the simulator advances it.
///
/// Actions due at the same instant run in the order they were scheduled, so a run is a pure
/// function of its inputs. This is the embedded event loop of the project (compare swift-nio's
/// `EmbeddedEventLoop`).
public final class VirtualScheduler: SyncScheduler, SyncClock {
    private struct Entry: Comparable {
        let time: Milliseconds
        let seq: Int
        let slot: Int
        let generation: Int
        static func < (a: Entry, b: Entry) -> Bool { (a.time, a.seq) < (b.time, b.seq) }
    }

    /// Actions live in reusable slots; a token is (slot, generation), so scheduling, cancelling and
    /// running never hash anything (this is the hot path of every message delivery).
    private struct Slot {
        var action: (() -> Void)?
        var generation = 0
    }

    /// Virtual time: both the wall clock and the monotonic time of whatever runs on it.
    public private(set) var nowMs: Milliseconds
    public var monotonicNow: MonotonicInstant { MonotonicInstant(ms: nowMs) }
    public var wallNow: WallClockInstant { WallClockInstant(ms: nowMs) }
    /// How many actions have run so far.
    public private(set) var executedCount = 0
    /// Number of actions scheduled and not yet run or cancelled.
    public private(set) var pendingCount = 0
    private var heap = Heap<Entry>()
    private var slots: [Slot] = []
    private var freeSlots: [Int] = []
    private var nextSeq = 0

    private var seedsHandedOut: UInt64 = 0

    /// How many times one slot is reused before it is retired (2^29; lower in tests).
    let maxGeneration: Int

    public init(startMs: Milliseconds = 0) {
        self.nowMs = startMs
        self.maxGeneration = 1 << 29
    }

    init(startMs: Milliseconds = 0, maxGeneration: Int) {
        self.nowMs = startMs
        self.maxGeneration = maxGeneration
    }

    /// A different seed on each call (1, 2, 3...): tabs made on one scheduler get distinct ids,
    /// the same ones in every run.
    public func nextSeed() -> UInt64 {
        seedsHandedOut += 1
        return seedsHandedOut
    }

    @discardableResult
    public func schedule(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken {
        nextSeq += 1
        let slot: Int
        if let free = freeSlots.popLast() {
            slot = free
        } else {
            slot = slots.count
            slots.append(Slot())
        }
        slots[slot].action = action
        let generation = slots[slot].generation
        heap.insert(Entry(time: later(nowMs, by: delay), seq: nextSeq, slot: slot, generation: generation))
        pendingCount += 1
        return TimerToken(raw: generation << 32 | slot)
    }

    public func cancel(_ token: TimerToken) {
        let slot = token.raw & 0xFFFF_FFFF
        guard slot < slots.count, slots[slot].generation == token.raw >> 32, slots[slot].action != nil else { return }
        release(slot)
    }

    /// Cancels every scheduled action: an owner going away drops the work it left behind, and
    /// with it the references those actions hold (which may lead back to this scheduler).
    public func cancelAll() {
        var dropped: [() -> Void] = []  // freed after the loop: their deinits may cancel tokens here
        for slot in slots.indices {
            guard let action = slots[slot].action else { continue }
            dropped.append(action)
            release(slot)
        }
        heap = Heap()
        dropped.removeAll()
    }

    private func release(_ slot: Int) {
        slots[slot].action = nil
        slots[slot].generation += 1
        // A slot reused this often is retired (a few bytes per 2^29 actions): its generation stays
        // below 2^29, so a token never wraps round to match a newer action, and never reaches the
        // high bits a wrapping scheduler may keep for its own tokens.
        if slots[slot].generation < maxGeneration { freeSlots.append(slot) }
        pendingCount -= 1
    }

    private func isLive(_ e: Entry) -> Bool {
        slots[e.slot].generation == e.generation && slots[e.slot].action != nil
    }

    /// When the next live action is due, if any.
    public var nextDueMs: Milliseconds? {
        while let top = heap.min, !isLive(top) { _ = heap.popMin() }
        return heap.min?.time
    }

    /// Runs the next due action, moving time forward to it. Returns false when nothing is scheduled.
    @discardableResult
    public func step() -> Bool {
        while let top = heap.popMin() {
            guard isLive(top), let action = slots[top.slot].action else { continue }
            release(top.slot)
            nowMs = max(nowMs, top.time)
            executedCount += 1
            action()
            return true
        }
        return false
    }

    /// Runs every action due up to and including `time`, then sets the clock to `time`.
    public func advance(toMs time: Milliseconds) {
        while let due = nextDueMs, due <= time {
            step()
        }
        nowMs = max(nowMs, time)
    }

    /// Runs every action due in the next `delta` milliseconds.
    public func advance(byMs delta: Milliseconds) {
        advance(toMs: later(nowMs, by: delta))
    }

    /// Runs actions until none is left or `limit` have run (periodic timers never leave it idle).
    /// Returns the number run.
    @discardableResult
    public func runUntilIdle(limit: Int = 1_000_000) -> Int {
        var n = 0
        while n < limit, step() { n += 1 }
        return n
    }
}
