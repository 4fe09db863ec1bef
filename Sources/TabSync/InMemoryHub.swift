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
    /// Frames posted since the hub was made.
    public private(set) var postedCount = 0
    /// Copies handed to recipients since the hub was made.
    public private(set) var deliveredCount = 0

    private var channels: [String: [Endpoint]] = [:]

    public init(latencyMs: Milliseconds = 0) {
        self.latencyMs = latencyMs
    }

    public func open(
        channelName: String, ownerId: String, scheduler: any SyncScheduler,
        onFrame: @escaping (ChannelFrame) -> Void
    ) -> (any ChannelEndpoint)? {
        let endpoint = Endpoint(hub: self, channelName: channelName, ownerId: ownerId, scheduler: scheduler, onFrame: onFrame)
        channels[channelName, default: []].append(endpoint)
        return endpoint
    }

    /// Owners of the endpoints open on a channel, in the order they opened.
    public func openEndpoints(channelName: String) -> [String] {
        channels[channelName, default: []].map(\.ownerId)
    }

    fileprivate func post(_ frame: ChannelFrame, from sender: Endpoint) {
        guard let subscribers = channels[sender.channelName] else { return }
        postedCount += 1
        observer?(.posted(from: sender.ownerId, frame: frame, recipients: subscribers.count - 1))
        let boxed = FrameBox(frame)
        guard let deliveryPolicy else { return deliverToAll(boxed, from: sender, subscribers) }
        for receiver in subscribers where receiver !== sender {
            let delays = deliveryPolicy(sender.ownerId, receiver.ownerId, frame)
            if delays.isEmpty {
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

    /// Without a policy every receiver gets the frame after the same latency. Receivers that share
    /// one scheduler (the tabs of one process) get it from one scheduled action, in the order they
    /// opened. The order of events is the same as with one action each: whatever a receiver schedules
    /// while handling the frame comes after every delivery of it either way.
    private func deliverToAll(_ boxed: FrameBox, from sender: Endpoint, _ subscribers: [Endpoint]) {
        let receivers = subscribers.count > 2 ? subscribers.filter { $0 !== sender } : []
        guard let shared = receivers.first?.scheduler, receivers.allSatisfy({ $0.scheduler === shared }) else {
            for receiver in subscribers where receiver !== sender {
                deliver(boxed, from: sender.ownerId, to: receiver, afterMs: latencyMs)
            }
            return
        }
        let from = sender.ownerId
        shared.schedule(afterMs: latencyMs) { [self] in
            for receiver in receivers { hand(boxed, from: from, to: receiver) }
        }
    }

    /// The pending delivery holds the hub and the receiver strongly; the receiver holds its
    /// scheduler only while open, so closing breaks every cycle through the scheduler.
    private func deliver(_ boxed: FrameBox, from: String, to receiver: Endpoint, afterMs delay: Milliseconds) {
        receiver.scheduler?.schedule(afterMs: delay) { [self] in hand(boxed, from: from, to: receiver) }
    }

    /// A delivery falling due: an endpoint closed meanwhile receives nothing.
    private func hand(_ boxed: FrameBox, from: String, to receiver: Endpoint) {
        guard receiver.isOpen else { return }
        deliveredCount += 1
        observer?(.delivered(from: from, to: receiver.ownerId, frame: boxed.frame))
        receiver.onFrame(boxed.frame)
    }

    fileprivate func remove(_ endpoint: Endpoint) {
        channels[endpoint.channelName]?.removeAll { $0 === endpoint }
    }

    /// An open endpoint keeps its hub and scheduler alive, as an open BroadcastChannel does;
    /// a closed one lets go of both. (Weak references would slow every retain on the delivery path.)
    fileprivate final class Endpoint: ChannelEndpoint {
        private(set) var hub: InMemoryHub?
        private(set) var scheduler: (any SyncScheduler)?
        let channelName: String
        let ownerId: String
        let onFrame: (ChannelFrame) -> Void
        var isOpen: Bool { hub != nil }

        init(hub: InMemoryHub, channelName: String, ownerId: String, scheduler: any SyncScheduler,
             onFrame: @escaping (ChannelFrame) -> Void) {
            self.hub = hub
            self.channelName = channelName
            self.ownerId = ownerId
            self.scheduler = scheduler
            self.onFrame = onFrame
        }

        func post(_ frame: ChannelFrame) {
            hub?.post(frame, from: self)
        }

        func close() {
            guard let hub else { return }
            self.hub = nil
            scheduler = nil
            hub.remove(self)
        }
    }
}
