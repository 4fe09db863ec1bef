/// Which write a key's value is: every synced key carries one, so that every tab orders any two
/// values of a key the same way, whatever order, duplication or delay brought them.
///
/// The scheme: a per-key logical counter, then the writer's wall-clock time, then the writer's tab id.
/// A local write takes one more than the highest counter among the values it replaces (the keys of
/// one write share one counter), so a write made after seeing another always has a higher counter
/// and orders after it, whatever the clocks say. Concurrent writes (made without seeing each other)
/// may share a counter; the time and then the tab id settle them, the same way in every tab.
///
/// Why not a hybrid logical clock: an HLC orders causally too, but needs one clock per tab that every
/// message advances, and its time part drifts ahead with a skewed clock. A per-key counter needs
/// nothing but the versions already on the keys, a skewed clock can only decide between concurrent
/// writes (never reorder causal ones), and it costs one integer compare on the common path.
///
/// A value nobody wrote (a default a tab opened with) has counter 0 and its tab's creation time:
/// it loses to any write, and among defaults the oldest tab's win, so tabs that start together with
/// different defaults settle on the oldest one's. A tab's own defaults are never sent as versions:
/// a value without one in an answer is the sender's default.
public struct KeyVersion: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Writes of this key seen before this one, plus one (0: a default).
    public var counter: Int
    /// The writer's wall clock when it wrote (for a default: the tab's creation time).
    public var time: Milliseconds
    /// The writer.
    public var tabId: String

    public init(counter: Int, time: Milliseconds, tabId: String) {
        self.counter = counter
        self.time = time
        self.tabId = tabId
    }

    /// True for a value nobody wrote.
    public var isDefault: Bool { counter == 0 }

    /// `v3 by a1b2c3`, or `default of a1b2c3`.
    public var description: String {
        isDefault ? "default of \(shortTabId(tabId))" : "v\(counter) by \(shortTabId(tabId))"
    }

    /// True when a value at this version replaces one at `other` (nil: the key has no value at all).
    /// A higher counter wins. Among equal counters: the earlier (time, tab id) when `earliestFirst`
    /// (first-write-wins) or for defaults, otherwise the later. Equal versions are the same write.
    func wins(over other: KeyVersion?, earliestFirst: Bool) -> Bool {
        guard let other else { return true }
        if counter != other.counter { return counter > other.counter }
        if earliestFirst || counter == 0 { return (time, tabId) < (other.time, other.tabId) }
        return (time, tabId) > (other.time, other.tabId)
    }
}

extension KeyVersion {
    /// `{"counter": 3, "tabId": "...", "time": 1700}`, as the wire carries it.
    var json: JSONValue {
        .object(["counter": .number(Double(counter)), "tabId": .string(tabId), "time": .number(Double(time))])
    }
}
