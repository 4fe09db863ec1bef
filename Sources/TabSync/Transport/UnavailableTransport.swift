/// A transport that is never available: how a platform without BroadcastChannel looks to the engine.
public final class UnavailableTransport: SyncTransport {
    public init() {}
    public func open(
        channelName: String, ownerId: String, scheduler: any SyncScheduler,
        onFrame: @escaping (ChannelFrame) -> Void
    ) -> (any ChannelEndpoint)? { nil }
}
