/// A BroadcastChannel for many tabs in one process: every endpoint of a channel name receives what
/// the others post, through its own scheduler, after a latency.
///
/// Delivery is decided per recipient by `deliveryPolicy`, which is where the simulator injects
/// latency ranges, drops, duplicates, reordering and partitions. With no policy, every frame
/// reaches every other endpoint once after `latencyMs`.
public final class InMemoryHub: SyncTransport {
    /// Decides what happens to one frame for one recipient: the delay of each copy to deliver.
    /// `[]` drops it, `[d]` delivers once after `d` ms, `[d1, d2]` delivers a duplicate.
    public typealias DeliveryPolicy = (_ from: String, _ to: String, _ frame: ChannelFrame) -> [Milliseconds]

    /// What the hub did with a frame, for logs and checkers.
    public enum Event {
        case posted(from: String, frame: ChannelFrame, recipients: Int)
        case dropped(from: String, to: String, frame: ChannelFrame)
        case delivered(from: String, to: String, frame: ChannelFrame)
    }

    public var latencyMs: Milliseconds
    public var deliveryPolicy: DeliveryPolicy?
    public var observer: ((Event) -> Void)?
    /// False: the observer hears of posts only, not of each copy dropped or delivered (an event
    /// per copy is a noticeable part of a delivery's cost, wasted on an observer that ignores it).
    public var observesDeliveries = true
    /// The largest frame delivered (its JSON, in bytes), as a datagram transport has one; nil: no
    /// limit. A larger frame is posted and reaches no one (`tooLarge` counts them).
    public var maxFrameBytes: Int?
    /// Frames dropped whole for being larger than `maxFrameBytes`.
    public private(set) var tooLarge = 0
    public var frameLimit: Int? { maxFrameBytes }
    /// Frames posted since the hub was made.
    public private(set) var postedCount = 0
    /// Copies handed to recipients since the hub was made.
    public private(set) var deliveredCount = 0

    private var channels: [String: Channel] = [:]

    public init(latencyMs: Milliseconds = 0) {
        self.latencyMs = latencyMs
    }

    public func open(
        channelName: String, ownerId: String, scheduler: any SyncScheduler,
        onFrame: @escaping (ChannelFrame) -> Void
    ) -> (any ChannelEndpoint)? {
        let channel = channels[channelName] ?? Channel(name: channelName)
        channels[channelName] = channel
        let endpoint = Endpoint(hub: self, channel: channel, ownerId: ownerId, scheduler: scheduler, onFrame: onFrame)
        channel.add(endpoint)
        return endpoint
    }

    /// Owners of the endpoints open on a channel, in the order they opened.
    public func openEndpoints(channelName: String) -> [String] {
        channels[channelName]?.endpoints.map(\.ownerId) ?? []
    }

    /// The endpoints open on one name. Each endpoint holds its channel, so posting looks nothing up.
    fileprivate final class Channel {
        let name: String
        private(set) var endpoints: [Endpoint] = []
        /// The scheduler every endpoint uses, when they all use one (the tabs of one process).
        private(set) var sharedScheduler: (any SyncScheduler)?

        init(name: String) { self.name = name }

        func add(_ endpoint: Endpoint) {
            endpoints.append(endpoint)
            updateSharedScheduler()
        }

        func remove(_ endpoint: Endpoint) {
            endpoints.removeAll { $0 === endpoint }
            updateSharedScheduler()
        }

        private func updateSharedScheduler() {
            let first = endpoints.first?.scheduler
            sharedScheduler = endpoints.allSatisfy { $0.scheduler === first } ? first : nil
        }
    }

    fileprivate func post(_ frame: ChannelFrame, from sender: Endpoint, on channel: Channel) {
        let subscribers = channel.endpoints
        postedCount += 1
        observer?(.posted(from: sender.ownerId, frame: frame, recipients: subscribers.count - 1))
        guard subscribers.count > 1 else { return }
        if let maxFrameBytes, frame.encodedByteCount > maxFrameBytes {
            tooLarge += 1
            return
        }
        guard let deliveryPolicy else { return deliverToAll(frame, from: sender, subscribers, channel.sharedScheduler) }
        let boxed = FrameBox(frame)
        for receiver in subscribers where receiver !== sender {
            let delays = deliveryPolicy(sender.ownerId, receiver.ownerId, frame)
            if delays.isEmpty, observesDeliveries {
                observer?(.dropped(from: sender.ownerId, to: receiver.ownerId, frame: frame))
            }
            for delay in delays {
                deliver(boxed, from: sender.ownerId, to: receiver, afterMs: delay)
            }
        }
    }

    /// One frame shared by all its deliveries: each pending delivery holds one reference, not a copy.
    private final class FrameBox {
        let frame: ChannelFrame
        init(_ frame: ChannelFrame) { self.frame = frame }
    }

    /// Without a policy every receiver gets the frame after the same latency. When all share one
    /// scheduler (the tabs of one process) they get it from one scheduled action, in the order they
    /// opened, from the list as it was when the frame was posted (a tab opening later never sees it).
    /// The order of events is the same as with one action each: whatever a receiver schedules while
    /// handling the frame comes after every delivery of it either way.
    private func deliverToAll(
        _ frame: ChannelFrame, from sender: Endpoint, _ subscribers: [Endpoint],
        _ shared: (any SyncScheduler)?
    ) {
        guard let shared else {
            let boxed = FrameBox(frame)
            for receiver in subscribers where receiver !== sender {
                deliver(boxed, from: sender.ownerId, to: receiver, afterMs: latencyMs)
            }
            return
        }
        shared.scheduleDelivery(afterMs: latencyMs) { [self] in
            for receiver in subscribers where receiver !== sender { hand(frame, from: sender.ownerId, to: receiver) }
        }
    }

    /// The pending delivery holds the hub and the receiver strongly; the receiver holds its
    /// scheduler only while open, so closing breaks every cycle through the scheduler.
    private func deliver(_ boxed: FrameBox, from: String, to receiver: Endpoint, afterMs delay: Milliseconds) {
        guard let scheduler = receiver.scheduler else { return }
        receiver.inFlight += 1
        scheduler.scheduleDelivery(afterMs: delay) { [self] in
            receiver.inFlight -= 1
            hand(boxed.frame, from: from, to: receiver)
        }
    }

    /// Frames posted to the endpoint of `ownerId` and not yet handed to it (delivered one by one:
    /// with a delivery policy, or without a shared scheduler). A frozen receiver's wait counts.
    public func pendingDeliveries(to ownerId: String) -> Int {
        for channel in channels.values {
            if let e = channel.endpoints.first(where: { $0.ownerId == ownerId }) { return e.inFlight }
        }
        return 0
    }

    /// A delivery falling due: an endpoint closed meanwhile receives nothing.
    private func hand(_ frame: ChannelFrame, from: String, to receiver: Endpoint) {
        guard receiver.isOpen else { return }
        deliveredCount += 1
        if observesDeliveries { observer?(.delivered(from: from, to: receiver.ownerId, frame: frame)) }
        receiver.onFrame(frame)
    }

    fileprivate func remove(_ endpoint: Endpoint, from channel: Channel) {
        channel.remove(endpoint)
        if channel.endpoints.isEmpty, channels[channel.name] === channel { channels[channel.name] = nil }
    }

    /// An open endpoint keeps its hub and scheduler alive, as an open BroadcastChannel does;
    /// a closed one lets go of both. (Weak references would slow every retain on the delivery path.)
    fileprivate final class Endpoint: ChannelEndpoint {
        private(set) var hub: InMemoryHub?
        private(set) var scheduler: (any SyncScheduler)?
        private var channel: Channel?
        let ownerId: String
        let onFrame: (ChannelFrame) -> Void
        var isOpen: Bool { hub != nil }
        /// Deliveries scheduled to it and not yet handed over.
        var inFlight = 0

        init(
            hub: InMemoryHub, channel: Channel, ownerId: String, scheduler: any SyncScheduler,
            onFrame: @escaping (ChannelFrame) -> Void
        ) {
            self.hub = hub
            self.channel = channel
            self.ownerId = ownerId
            self.scheduler = scheduler
            self.onFrame = onFrame
        }

        func post(_ frame: ChannelFrame) {
            guard let hub, let channel else { return }
            hub.post(frame, from: self, on: channel)
        }

        func close() {
            guard let hub, let channel else { return }
            hub.remove(self, from: channel)
            self.hub = nil
            self.channel = nil
            scheduler = nil
        }
    }
}
