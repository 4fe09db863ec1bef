import Collections
import TabSync

/// One message from its send to its last delivery: who sent it, to whom, and what became of each
/// copy. What the sequence diagram draws as an arrow, and a message "in flight" is one of these
/// with a delivery still pending.
public struct MessageFlight: Sendable, Equatable {
    /// What became of one copy for one receiver.
    public enum Outcome: Sendable, Equatable {
        /// On its way (or waiting for a frozen receiver to thaw).
        case inFlight
        case delivered(atMs: Milliseconds)
        /// The network lost it.
        case lost
        /// A partition stood between sender and receiver.
        case blocked
        /// The receiver closed, crashed or reloaded before it arrived.
        case undelivered
    }

    public struct Delivery: Sendable, Equatable {
        /// The receiver's tab name.
        public let receiver: String
        /// When it is due (send time plus latency); nil when it was never going to arrive.
        public let dueMs: Milliseconds?
        public internal(set) var outcome: Outcome
        /// The receiving instance, to match deliveries and to notice a receiver that went away.
        let receiverId: String
    }

    /// Order of sending, from 1.
    public let id: Int
    /// The sender's tab name.
    public let sender: String
    /// Nil for a frame that is not a message of this engine (raw JSON).
    public let type: SyncMessageType?
    /// The epoch an election message (or ping) carries.
    public let epoch: Int?
    public let sentMs: Milliseconds
    /// One entry per copy per receiver (a duplicated delivery has two).
    public internal(set) var deliveries: [Delivery]
    let senderId: String
    let timestamp: Milliseconds

    /// Receivers of a copy still on its way, in the order they opened.
    public var pendingReceivers: [String] {
        deliveries.filter { $0.outcome == .inFlight }.map(\.receiver)
    }

    public var isInFlight: Bool { deliveries.contains { $0.outcome == .inFlight } }

    /// When the last pending copy is due, if one is pending.
    public var dueMs: Milliseconds? {
        deliveries.filter { $0.outcome == .inFlight }.compactMap(\.dueMs).max()
    }
}

/// Keeps the recent flights of a simulation (bounded like the log) and matches each delivery to
/// its copy. Only fed while `Simulation.tracksFlights` is on: it costs a little on every message.
struct FlightRecorder {
    let capacity: Int
    private(set) var flights: Deque<MessageFlight> = []
    private var nextId = 1
    /// Pending copies by receiver id: (flight id, index in its deliveries). Each receiver has few.
    private var pending: [String: [(flight: Int, index: Int)]] = [:]
    /// True while the deliveries of the last posted frame are being decided.
    private var isOpen = false

    init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    /// A frame posted by `sender`; the deliveries follow through `copies`.
    mutating func posted(_ frame: ChannelFrame, sender: String, senderId: String, at now: Milliseconds) {
        let (type, epoch, timestamp) = frame.header
        if flights.count == capacity, let evicted = flights.popFirst() { forget(evicted) }
        flights.append(
            MessageFlight(
                id: nextId, sender: sender, type: type, epoch: epoch, sentMs: now, deliveries: [],
                senderId: senderId, timestamp: timestamp))
        nextId += 1
        isOpen = true
    }

    /// A frame posted by a tab that is not followed (a crashed one's goodbye): its copies are not recorded.
    mutating func skip() { isOpen = false }

    /// What the delivery policy decided for one receiver of the last posted frame.
    mutating func copies(
        _ delays: [Milliseconds], to receiver: String, receiverId: String, blocked: Bool,
        at now: Milliseconds
    ) {
        guard isOpen, var flight = flights.popLast() else { return }
        if delays.isEmpty {
            flight.deliveries.append(
                .init(
                    receiver: receiver, dueMs: nil, outcome: blocked ? .blocked : .lost,
                    receiverId: receiverId))
        }
        for delay in delays {
            pending[receiverId, default: []].append((flight.id, flight.deliveries.count))
            flight.deliveries.append(
                .init(
                    receiver: receiver, dueMs: now + delay, outcome: .inFlight,
                    receiverId: receiverId))
        }
        flights.append(flight)
    }

    /// The hub handed a frame to a receiver: its pending copy due earliest is the one delivered.
    mutating func delivered(_ frame: ChannelFrame, from senderId: String, to receiverId: String, at now: Milliseconds) {
        guard let waiting = pending[receiverId], let first = flights.first?.id else { return }
        let timestamp = frame.header.timestampMs
        var best: (slot: Int, due: Milliseconds)?
        for (slot, entry) in waiting.enumerated() {
            let flight = flights[entry.flight - first]
            guard flight.senderId == senderId, flight.timestamp == timestamp,
                let due = flight.deliveries[entry.index].dueMs, due <= now
            else { continue }
            if best == nil || due < best!.due { best = (slot, due) }
        }
        guard let best else { return }
        let entry = pending[receiverId]!.remove(at: best.slot)
        flights[entry.flight - first].deliveries[entry.index].outcome = .delivered(atMs: now)
    }

    /// Drops the pending entries of a flight that scrolled out.
    private mutating func forget(_ flight: MessageFlight) {
        for d in flight.deliveries where d.outcome == .inFlight {
            pending[d.receiverId]?.removeAll { $0.flight == flight.id }
        }
    }
}
