/// Everything the engine takes from the outside world, injected so a run is deterministic:
/// time, timers, the channel, randomness and an observer. The engine has no other source of
/// time, no threads and no sleeping.
public struct SyncEnvironment {
    public var clock: any SyncClock
    public var scheduler: any SyncScheduler
    public var transport: any SyncTransport
    /// Draws the random part of the tab id. By default seeded from the system's generator, so two
    /// tabs made in the same millisecond get different ids; a fixed seed is for tests and simulations.
    public var random: SeededRandom
    /// A fixed tab id instead of `tab-<creation ms>-<random>`; it must be unique on the channel.
    public var tabId: String?
    /// Sees every event of the instance (sends, receipts, applies, drops, role changes).
    public var observer: ((SyncEvent) -> Void)?

    public init(
        clock: any SyncClock, scheduler: any SyncScheduler, transport: any SyncTransport,
        random: SeededRandom = .systemSeeded(), tabId: String? = nil,
        observer: ((SyncEvent) -> Void)? = nil
    ) {
        self.clock = clock
        self.scheduler = scheduler
        self.transport = transport
        self.random = random
        self.tabId = tabId
        self.observer = observer
    }

    /// A virtual scheduler serving as both clock and scheduler. Without a seed, each environment made
    /// on the same scheduler gets the next one, so tabs get distinct ids, the same in every run.
    public init(
        virtual scheduler: VirtualScheduler, transport: any SyncTransport, seed: UInt64? = nil,
        tabId: String? = nil, observer: ((SyncEvent) -> Void)? = nil
    ) {
        self.init(
            clock: scheduler, scheduler: scheduler, transport: transport,
            random: SeededRandom(seed: seed ?? scheduler.nextSeed()), tabId: tabId, observer: observer)
    }
}
