import Collections

/// The simulation's log: the most recent `capacity` events, so memory stays bounded however long a
/// run lasts; `totalCount` keeps counting what scrolled out.
public struct EventLog: Sendable {
    public let capacity: Int
    public private(set) var events: Deque<SimEvent> = []
    public private(set) var totalCount = 0

    public init(capacity: Int) {
        self.capacity = max(1, capacity)
    }

    public mutating func append(_ event: SimEvent) {
        totalCount += 1
        if events.count == capacity { events.removeFirst() }
        events.append(event)
    }

    /// Events dropped from the front to respect the capacity.
    public var evictedCount: Int { totalCount - events.count }

    public mutating func removeAll() {
        events.removeAll()
    }

    /// The events kept, one JSON object per line: the log's export format.
    public var jsonLines: String {
        events.map { $0.jsonLine + "\n" }.joined()
    }
}
