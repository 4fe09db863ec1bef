import TabSimulator

/// What `D` dropped, in words, from the network's own facts (`NetworkRouteFact`): how many messages,
/// each by type and sender, and every tab a copy was lost to, as the log shows them
/// (`dropped 1 message: HEARTBEAT from A, lost to B and C`).
public enum DropReport {
    public static func text(_ lost: [NetworkRouteFact]) -> String {
        // One group per message type and sender, in the order lost; a receiver named twice in a
        // group had two messages of that kind lost.
        var groups: [(type: String, from: String, to: [String])] = []
        for fact in lost {
            let type = fact.type?.rawValue ?? "frame"
            if let i = groups.firstIndex(where: { $0.type == type && $0.from == fact.from }) {
                groups[i].to.append(fact.to)
            } else {
                groups.append((type, fact.from, [fact.to]))
            }
        }
        var messages = 0
        let parts = groups.map { group -> String in
            var receivers: [String] = []
            for to in group.to where !receivers.contains(to) { receivers.append(to) }
            let count = receivers.map { to in group.to.count { $0 == to } }.max() ?? 1
            messages += count
            let copies = count > 1 ? "\(count) × " : ""
            return copies + "\(group.type) from \(group.from), lost to " + list(receivers)
        }
        return "dropped \(messages) message\(messages == 1 ? "" : "s"): " + parts.joined(separator: "; ")
    }

    /// `B`, `B and C`, `B, C and D`.
    static func list(_ names: [String]) -> String {
        guard names.count > 1, let last = names.last else { return names.first ?? "" }
        return names.dropLast().joined(separator: ", ") + " and " + last
    }
}
