import NIOCore
import TabSync

/// The engine's scheduler on one NIO event loop: every timer is a task on that loop, due at a
/// monotonic `NIODeadline`, so a wall-clock jump never fires or delays a timeout.
///
/// Like the engine, it is not thread-safe: create it, schedule and cancel only on its event loop
/// (each call checks this in debug builds).
public final class EventLoopScheduler: SyncScheduler {
    public let eventLoop: any EventLoop

    /// A scheduled action: a NIO task, or (delay 0) an action queued behind the loop's current work.
    private enum Pending {
        case task(Scheduled<Void>)
        case queued
    }

    private var pending: [Int: Pending] = [:]
    private var nextToken = 0

    public init(eventLoop: any EventLoop) {
        self.eventLoop = eventLoop
    }

    /// Milliseconds on the loop's monotonic clock (`NIODeadline.now()`), for timeouts only: it
    /// means nothing across processes, which is why the wall clock is what goes on the wire.
    public var monotonicNow: MonotonicInstant {
        MonotonicInstant(ms: Int(NIODeadline.now().uptimeNanoseconds / 1_000_000))
    }

    /// Actions scheduled and not yet run or cancelled.
    public var pendingCount: Int { pending.count }

    @discardableResult
    public func schedule(afterMs delay: Milliseconds, _ action: @escaping () -> Void) -> TimerToken {
        let loop = eventLoop.assumeIsolated()
        nextToken += 1
        let token = nextToken
        let run = { [weak self] in
            guard let self, self.pending.removeValue(forKey: token) != nil else { return }
            action()
        }
        if delay <= 0 {
            pending[token] = .queued
            loop.execute(run)
        } else {
            pending[token] = .task(loop.scheduleTask(in: .milliseconds(Int64(delay)), run))
        }
        return TimerToken(raw: token)
    }

    public func cancel(_ token: TimerToken) {
        eventLoop.preconditionInEventLoop()
        guard case .task(let task)? = pending.removeValue(forKey: token.raw) else { return }
        task.cancel()
    }

    /// Cancels everything still pending, e.g. before the loop shuts down.
    public func cancelAll() {
        for token in Array(pending.keys) { cancel(TimerToken(raw: token)) }
    }
}
