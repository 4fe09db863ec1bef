/// The transport seam, with BroadcastChannel semantics: a frame posted on a channel name reaches
/// every other endpoint open on that name, never the sender; at most once; nothing is kept for
/// endpoints that open later.
public protocol SyncTransport: AnyObject {
    /// Opens an endpoint on `channelName` for the tab `ownerId`. Frames for it are handed to
    /// `onFrame` through `scheduler`, never inline. Returns nil when the transport is unavailable
    /// (the spec's "BroadcastChannel not supported"): the sync then degrades to doing nothing.
    func open(
        channelName: String, ownerId: String, scheduler: any SyncScheduler,
        onFrame: @escaping (ChannelFrame) -> Void
    ) -> (any ChannelEndpoint)?

    /// The largest frame the transport carries (its encoded JSON, in bytes), nil for no limit. The
    /// engine splits answers and updates to fit and refuses a value that cannot fit in one frame.
    var frameLimit: Int? { get }
}

extension SyncTransport {
    public var frameLimit: Int? { nil }
}

/// One tab's end of a channel.
public protocol ChannelEndpoint: AnyObject {
    /// Posts to every other endpoint on the same channel name.
    func post(_ frame: ChannelFrame)
    /// Closes the endpoint: it receives nothing more, including frames already in flight.
    func close()
}
