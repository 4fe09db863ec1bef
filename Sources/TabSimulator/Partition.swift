/// Partition groups by tab name: tabs in different groups do not hear each other. A tab in no
/// group is in group 0, with every tab no partition named (and every tab opened later).
struct Partition {
    private var groups: [String: Int] = [:]

    /// True when every tab hears every other (as far as groups go).
    var isEmpty: Bool { groups.isEmpty }

    func group(of name: String) -> Int { groups[name] ?? 0 }

    /// Replaces the groups: the first list is group 1, the next group 2... (names checked by the caller).
    mutating func assign(_ groupNames: [[String]]) {
        var assignment: [String: Int] = [:]
        for (i, group) in groupNames.enumerated() {
            for name in group { assignment[name] = i + 1 }
        }
        groups = assignment
    }

    /// Puts the tab in a group of its own (other groups stay).
    mutating func isolate(_ name: String) {
        groups[name] = (groups.values.max() ?? 0) + 1
    }

    /// Puts the tab back with the tabs no partition named; when that leaves the existing tabs all in
    /// one group, no partition is left.
    mutating func rejoin(_ name: String, existing: [String]) {
        groups[name] = nil
        if Set(existing.map(group)).count <= 1 { groups.removeAll() }
    }

    mutating func removeAll() { groups.removeAll() }

    /// True when a partition put the tab in a group of its own making and some other existing tab
    /// is outside that group.
    /// Lazy in `existing`: asked for every tab of every snapshot, and nearly always answered by the
    /// first line.
    func isPartitioned(_ name: String, existing: some Sequence<String>) -> Bool {
        guard let g = groups[name], g != 0 else { return false }
        return existing.contains { $0 != name && group(of: $0) != g }
    }
}
