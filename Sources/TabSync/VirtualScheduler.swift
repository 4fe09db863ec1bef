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
        static func < (a: Entry, b: Entry) -> Bool { (a.time, a.seq) < (b.time, b.seq) }
    }

    public private(set) var nowMs: Milliseconds
    /// How many actions have run so far.
    public private(set) var executedCount = 0
    private var heap = Heap<Entry>()
    private var actions: [Int: () -> Void] = [:]
    private var nextSeq = 0

    public init(startMs: Milliseconds = 0) {
        self.nowMs = startMs
    }

    @discardableResult
    public func schedule(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken {
        nextSeq += 1
        heap.insert(Entry(time: nowMs + max(0, delay), seq: nextSeq))
        actions[nextSeq] = action
        return TimerToken(raw: nextSeq)
    }

    public func cancel(_ token: TimerToken) {
        actions[token.raw] = nil
    }

    /// Number of actions scheduled and not yet run or cancelled.
    public var pendingCount: Int { actions.count }

    /// When the next live action is due, if any.
    public var nextDueMs: Milliseconds? {
        while let top = heap.min, actions[top.seq] == nil { _ = heap.popMin() }
        return heap.min?.time
    }

    /// Runs the next due action, moving time forward to it. Returns false when nothing is scheduled.
    @discardableResult
    public func step() -> Bool {
        while let top = heap.popMin() {
            guard let action = actions.removeValue(forKey: top.seq) else { continue }
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
        advance(toMs: nowMs + delta)
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
