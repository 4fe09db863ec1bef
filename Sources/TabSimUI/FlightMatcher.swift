import TabSimulator

/// Pairs each `sent` event of the log with its flight: the flights of one sender come in the order
/// its sends were logged, each at its send time, so the next one of the same type and time is it.
struct FlightMatcher {
    private var bySender: [String: ArraySlice<MessageFlight>] = [:]

    init(_ flights: [MessageFlight]) {
        for flight in flights.sorted(by: { $0.id < $1.id }) { bySender[flight.sender, default: []].append(flight) }
    }

    /// The flight of a `sent` event, if it was followed; call once per sent event, in log order.
    mutating func flight(for event: SimEvent) -> MessageFlight? {
        guard event.kind == .sent, var queue = bySender[event.tab] else { return nil }
        defer { bySender[event.tab] = queue }
        while let head = queue.first, head.sentMs < event.timeMs { queue.removeFirst() }
        guard let head = queue.first, head.sentMs == event.timeMs, head.type == event.messageType else { return nil }
        queue.removeFirst()
        return head
    }
}
