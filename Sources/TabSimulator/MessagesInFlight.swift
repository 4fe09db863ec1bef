import TabSync

/// The messages of a simulation from send to delivery, for views that show them travelling.
/// Recorded only while `tracksFlights` is on.
extension Simulation {
    /// Recent flights, oldest first (as many as the log keeps). A copy still on its way to a tab
    /// that has since closed, crashed or reloaded is reported `undelivered`: it will never arrive.
    public var flights: [MessageFlight] {
        flightRecorder.flights.map { flight in
            guard flight.isInFlight else { return flight }
            var f = flight
            for (i, d) in f.deliveries.enumerated() where d.outcome == .inFlight {
                if let t = tab(named: d.receiver), t.tabId != d.receiverId || !t.liveness.exists {
                    f.deliveries[i].outcome = .undelivered
                }
            }
            return f
        }
    }

    /// Messages sent and not yet delivered to every receiver, oldest first.
    public var messagesInFlight: [MessageFlight] { flights.filter(\.isInFlight) }

    /// Copies on their way to the tab `name` (a pane's "incoming" count).
    public func inFlightCount(to name: String) -> Int {
        messagesInFlight.reduce(0) { n, f in n + f.deliveries.count { $0.receiver == name && $0.outcome == .inFlight } }
    }

    /// Messages the tab `name` sent that are still on their way to someone.
    public func inFlightCount(from name: String) -> Int {
        messagesInFlight.count { $0.sender == name }
    }
}
