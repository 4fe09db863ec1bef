import Collections

/// A clock and scheduler on virtual time: nothing happens until a test or the simulator advances it.
///
/// Actions due at the same instant run in the order they were scheduled, so a run is a pure
/// function of its inputs. This is the embedded event loop of the project (compare swift-nio's
/// `EmbeddedEventLoop`).
public final class VirtualScheduler: SyncScheduler, SyncClock {
    /// Actions live in reusable slots; a token is (slot, generation), so scheduling, cancelling and
    /// running hash nothing but, rarely, a due time (`farBuckets`): this is the hot path of every
    /// message delivery.
    private struct Slot {
        var action: (() -> Void)?
        /// Set when the action was scheduled through a runner, which then runs it (with `tag`).
        var runner: (any ActionRunner)?
        var tag = 0
        var generation = 0
        var isPending: Bool { action != nil }
    }

    /// The tokens due at one instant, in the order they were scheduled; `next` is the first not yet
    /// taken. Actions due at the same instant run in that order, so a bucket is a plain queue and
    /// nothing needs sorting but the instants themselves.
    private struct Bucket {
        /// Its first `count` entries are the bucket's; the rest are left from an earlier use,
        /// written over rather than cleared (clearing cost more than the rest of a retirement).
        var tokens: [Int] = []
        var count = 0
        var next = 0

        mutating func append(_ raw: Int) {
            if count < tokens.count { tokens[count] = raw } else { tokens.append(raw) }
            count += 1
        }
    }

    /// Virtual time: both the wall clock and the monotonic time of whatever runs on it.
    public private(set) var nowMs: Milliseconds
    public var monotonicNow: MonotonicInstant { MonotonicInstant(ms: nowMs) }
    public var wallNow: WallClockInstant { WallClockInstant(ms: nowMs) }
    /// How many actions have run so far.
    public private(set) var executedCount = 0
    /// Number of actions scheduled and not yet run or cancelled.
    public private(set) var pendingCount = 0
    /// The instants that have a bucket, soonest first. With hundreds of tabs, thousands of
    /// deliveries are in flight but they fall on a few instants (latencies are whole milliseconds):
    /// a heap of every action cost a tenth of such a run in sifting alone.
    private var dueTimes = Heap<Milliseconds>()
    /// Where each instant's bucket is: in `nearBuckets`, by the instant's low bits, unless another
    /// instant holds that place; then in `farBuckets`. The instants in use are mostly a few
    /// milliseconds apart, so nearly every lookup is an array read, not a hash.
    private var nearBuckets = [(time: Milliseconds, bucket: Int)](repeating: (0, -1), count: nearCount)
    private var farBuckets: [Milliseconds: Int] = [:]
    private static let nearCount = 1024
    /// As many as the most instants pending at once; a retired one waits in `freeBuckets`, keeping
    /// the memory of at most 1,024 tokens.
    private var buckets: [Bucket] = []
    private var freeBuckets: [Int] = []
    private var slots: [Slot] = []
    private var freeSlots: [Int] = []

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
        let slot = freeSlot()
        slots[slot].action = action
        return place(slot, afterMs: delay)
    }

    /// Schedules `action` to be handed to `runner` when it falls due, with its token and `tag`
    /// (see `ActionRunner`); the runner is held until then.
    @discardableResult
    public func schedule(
        afterMs delay: Milliseconds, _ action: @escaping () -> Void, through runner: any ActionRunner, tag: Int = 0
    ) -> TimerToken {
        let slot = freeSlot()
        slots[slot].action = action
        slots[slot].runner = runner
        slots[slot].tag = tag
        return place(slot, afterMs: delay)
    }

    private func freeSlot() -> Int {
        if let free = freeSlots.popLast() { return free }
        slots.append(Slot())
        return slots.count - 1
    }

    private func place(_ slot: Int, afterMs delay: Milliseconds) -> TimerToken {
        let token = TimerToken(raw: slots[slot].generation << 32 | slot)
        let time = later(nowMs, by: delay)
        buckets[bucket(at: time) ?? newBucket(at: time)].append(token.raw)
        pendingCount += 1
        return token
    }

    /// An empty bucket for `time`, filed where `bucket(at:)` finds it.
    private func newBucket(at time: Milliseconds) -> Int {
        let b: Int
        if let free = freeBuckets.popLast() {
            b = free
        } else {
            b = buckets.count
            buckets.append(Bucket())
        }
        let near = Self.nearIndex(time)
        if nearBuckets[near].bucket < 0 { nearBuckets[near] = (time, b) } else { farBuckets[time] = b }
        dueTimes.insert(time)
        return b
    }

    public func cancel(_ token: TimerToken) {
        let slot = token.raw & 0xFFFF_FFFF
        guard slot < slots.count, slots[slot].generation == token.raw >> 32, slots[slot].isPending else { return }
        release(slot)
    }

    /// Cancels every scheduled action: an owner going away drops the work it left behind, and
    /// with it the references those actions hold (which may lead back to this scheduler).
    public func cancelAll() {
        // Freed after the loop: their deinits may cancel tokens here.
        var dropped: [(action: (() -> Void)?, runner: (any ActionRunner)?)] = []
        for slot in slots.indices where slots[slot].isPending {
            dropped.append((slots[slot].action, slots[slot].runner))
            release(slot)
        }
        dueTimes = Heap()
        farBuckets = [:]
        for i in nearBuckets.indices { nearBuckets[i].bucket = -1 }
        buckets = []
        freeBuckets = []
        dropped.removeAll()
    }

    private func release(_ slot: Int) {
        slots[slot].action = nil
        slots[slot].runner = nil
        slots[slot].generation += 1
        // A slot reused this often is retired (a few bytes per 2^29 actions): its generation stays
        // below 2^29, so a token never wraps round to match a newer action, and never reaches the
        // high bits a wrapping scheduler may keep for its own tokens.
        if slots[slot].generation < maxGeneration { freeSlots.append(slot) }
        pendingCount -= 1
    }

    private static func nearIndex(_ time: Milliseconds) -> Int { Int(time & Milliseconds(nearCount - 1)) }

    private func bucket(at time: Milliseconds) -> Int? {
        let near = nearBuckets[Self.nearIndex(time)]
        if near.bucket >= 0, near.time == time { return near.bucket }
        return farBuckets.isEmpty ? nil : farBuckets[time]
    }

    /// The soonest instant with an action still to run, and its bucket, its dead tokens (cancelled
    /// actions) skipped and its spent buckets retired.
    private func front() -> (time: Milliseconds, bucket: Int)? {
        while let time = dueTimes.min {
            let b = bucket(at: time)!
            while buckets[b].next < buckets[b].count {
                let raw = buckets[b].tokens[buckets[b].next]
                let slot = raw & 0xFFFF_FFFF
                if slots[slot].generation == raw >> 32, slots[slot].isPending { return (time, b) }
                buckets[b].next += 1
            }
            dueTimes.removeMin()
            let near = Self.nearIndex(time)
            if nearBuckets[near].bucket == b, nearBuckets[near].time == time {
                nearBuckets[near].bucket = -1
            } else {
                farBuckets[time] = nil
            }
            if buckets[b].tokens.count > 1024 { buckets[b].tokens = [] }  // a burst's memory goes back
            buckets[b].count = 0
            buckets[b].next = 0
            freeBuckets.append(b)
        }
        return nil
    }

    /// When the next live action is due, if any.
    public var nextDueMs: Milliseconds? { front()?.time }

    /// Runs the next due action, moving time forward to it. Returns false when nothing is scheduled.
    @discardableResult
    public func step() -> Bool {
        guard let (time, b) = front() else { return false }
        run(time, b)
        return true
    }

    /// Runs the live action at the head of bucket `b`, due at `time`.
    private func run(_ time: Milliseconds, _ b: Int) {
        let raw = buckets[b].tokens[buckets[b].next]
        let slot = raw & 0xFFFF_FFFF
        buckets[b].next += 1
        let action = slots[slot].action!
        let runner = slots[slot].runner
        let tag = slots[slot].tag
        release(slot)
        nowMs = max(nowMs, time)
        executedCount += 1
        if let runner { runner.run(action, token: TimerToken(raw: raw), tag: tag) } else { action() }
    }

    /// Runs every action due up to and including `time`, then sets the clock to `time`.
    public func advance(toMs time: Milliseconds) {
        while let (due, b) = front(), due <= time {
            run(due, b)
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
