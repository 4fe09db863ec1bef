import Collections

/// Decides when local changes go out, per the spec's throttle and debounce, without losing a key.
///
/// - Throttle only: the first change goes out at once and opens a window of `throttleMs`; keys changed
///   inside the window go out together when it closes, with their latest values, and open the next.
///   (The reference kept the first caller's arguments and lost keys: reference bug 5 in Documentation/ReferenceBugs.md.)
/// - Debounce: one message after `debounceMs` without a change, with every key changed in the burst;
///   a throttle, if set, still spaces two messages by at least `throttleMs`.
/// - Neither: every change goes out at once.
/// - Held (a starting tab waiting for the others' state): keys accumulate and nothing goes out
///   until `release()`.
final class UpdateBatcher {
    private let throttleMs: Milliseconds
    private let debounceMs: Milliseconds
    private let timers: TimerSet
    private let flush: ([String]) -> Void

    /// Keys changed and not yet sent, in the order they first changed.
    private(set) var pendingKeys: OrderedSet<String> = []
    private(set) var isHeld = false
    private var lastSend: MonotonicInstant?
    private var timer: TimerHandle?

    init(
        throttleMs: Milliseconds, debounceMs: Milliseconds, timers: TimerSet,
        flush: @escaping ([String]) -> Void
    ) {
        self.throttleMs = throttleMs
        self.debounceMs = debounceMs
        self.timers = timers
        self.flush = flush
    }

    /// Windows are measured on monotonic time: a wall-clock jump neither holds nor hurries a send.
    private var now: MonotonicInstant { timers.scheduler.monotonicNow }

    func hold() { isHeld = true }

    /// Ends holding; what accumulated goes out per the usual rules.
    func release() {
        isHeld = false
        if !pendingKeys.isEmpty { schedule() }
    }

    /// Takes the send of a change made now when it may go out at once, as is (no throttle, no
    /// debounce, not held, nothing pending): returns true and records the send as one of the
    /// batcher's, and the caller sends it itself. Returns false, changing nothing, otherwise.
    func takeImmediateSend() -> Bool {
        guard throttleMs == 0 && debounceMs == 0 && !isHeld && pendingKeys.isEmpty else { return false }
        lastSend = now
        return true
    }

    func add(_ keys: [String]) {
        if takeImmediateSend() {
            flush(keys)
            return
        }
        pendingKeys.append(contentsOf: keys)
        guard !isHeld, !pendingKeys.isEmpty else { return }
        if debounceMs > 0 {
            timers.cancel(timer)
            timer = timers.schedule(afterMs: debounceMs) { [unowned self] in self.debounceElapsed() }
        } else {
            schedule()
        }
    }

    /// Forgets keys that must not go out any more (a remote value replaced the local one).
    func discard<S: Sequence<String>>(_ keys: S) {
        for key in keys { pendingKeys.remove(key) }
    }

    /// Sends whatever is pending now, ignoring the windows (used when the sync stops).
    func flushNow() {
        timers.cancel(timer)
        timer = nil
        guard !pendingKeys.isEmpty else { return }
        let keys = Array(pendingKeys)
        pendingKeys.removeAll()
        lastSend = now
        flush(keys)
    }

    func reset() {
        timers.cancel(timer)
        timer = nil
        pendingKeys.removeAll()
        lastSend = nil
        isHeld = false
    }

    private var windowEnd: MonotonicInstant? {
        guard throttleMs > 0, let last = lastSend else { return nil }
        let end = last + throttleMs
        return end > now ? end : nil
    }

    private func schedule() {
        if timers.isPending(timer) { return }
        if let end = windowEnd {
            timer = timers.schedule(afterMs: end - now) { [unowned self] in self.windowClosed() }
        } else {
            flushNow()
        }
    }

    private func debounceElapsed() {
        timer = nil
        schedule()
    }

    private func windowClosed() {
        timer = nil
        if !isHeld { flushNow() }
    }
}
