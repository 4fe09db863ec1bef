import NIOCore
import TabSync

extension SyncEnvironment {
    /// The engine's environment in a real process: the wall clock, timers on `eventLoop`, the
    /// channel of `transport`, and tab ids random across processes. Create the sync, and call every
    /// method of it, on that event loop.
    public static func live(
        eventLoop: any EventLoop, transport: any SyncTransport, tabId: String? = nil,
        observer: ((SyncEvent) -> Void)? = nil
    ) -> SyncEnvironment {
        SyncEnvironment(
            clock: WallClock(), scheduler: EventLoopScheduler(eventLoop: eventLoop), transport: transport,
            random: SeededRandom(seed: UInt64.random(in: .min ... .max)), tabId: tabId,
            observer: observer)
    }
}
