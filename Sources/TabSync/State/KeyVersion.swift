/// Which write a key's value is: every synced key carries one, so that every tab orders any two
/// values of a key the same way, whatever order, duplication or delay brought them.
///
/// Under `last-write-wins` and `merge` a version is a hybrid logical timestamp per key (Kulkarni et
/// al., 2014): the writer's wall-clock time, a logical counter, the writer's tab id. A write takes
/// the later of its wall clock and the key's current time; the counter goes up only when the time
/// does not (a write in the same millisecond as the value it replaces, or under a clock that runs
/// behind the value's writer). So:
/// - a write made after seeing another orders after it, whatever the clocks say (causality);
/// - writes made without seeing each other settle on the later wall-clock time, then the tab id:
///   the spec's "most recent change", not the tab that wrote most often;
/// - a version's time is never further ahead of the clocks than the writer's clock was, and a
///   receiver accepts a version at most `maxClockOffsetMs` ahead of its own clock (CockroachDB's
///   max-offset rule), so a tab with a fast clock or a forged frame cannot pin a key in the future.
///
/// Under `first-write-wins` the counter is the key's write count (one more than the value it
/// replaces): a write made after seeing a value has a higher count and replaces it; writes of the
/// same count settle on the earlier wall-clock time, then the tab id. A count says nothing about
/// time, which is why the latest-wins strategies use the hybrid timestamp instead.
///
/// A value nobody wrote (a default a tab opened with) has counter 0 and its tab's creation time:
/// it loses to any write, and among defaults the oldest tab's win, so tabs that start together with
/// different defaults settle on the oldest one's. A tab's own defaults are never sent as versions:
/// a value without one in an answer is the sender's default.
public struct KeyVersion: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The writer's wall-clock time, or later (for a default: the tab's creation time).
    public var time: WallClockInstant
    /// 0: a default. Otherwise, under the latest-wins strategies, 1 plus the hybrid timestamp's
    /// logical part; under `first-write-wins`, the key's write count.
    public var counter: Int
    /// The writer.
    public var tabId: String

    public init(counter: Int, time: WallClockInstant, tabId: String) {
        self.counter = counter
        self.time = time
        self.tabId = tabId
    }

    /// The highest counter a version may carry. Past it, a write moves the time on by 1 ms instead,
    /// so a version near the bound (forged, or after a million writes in one millisecond) never
    /// stops a key from being written again.
    public static let maxCounter = 1 << 31

    /// True for a value nobody wrote.
    public var isDefault: Bool { counter == 0 }

    /// `v3 by a1b2c3`, or `default of a1b2c3`.
    public var description: String {
        isDefault ? "default of \(shortTabId(tabId))" : "v\(counter) by \(shortTabId(tabId))"
    }

    /// True when a value at this version replaces one at `other` (nil: the key has no value at all).
    /// A write beats a default; among defaults the oldest wins. Among writes: the later (time,
    /// counter, tab id); under `earliestFirst` (first-write-wins) the higher count, then the
    /// earlier (time, tab id). Equal versions are the same write.
    func wins(over other: KeyVersion?, earliestFirst: Bool) -> Bool {
        guard let other else { return true }
        if isDefault != other.isDefault { return other.isDefault }
        if isDefault { return (time, tabId) < (other.time, other.tabId) }
        if earliestFirst {
            if counter != other.counter { return counter > other.counter }
            return (time, tabId) < (other.time, other.tabId)
        }
        return (time, counter, tabId) > (other.time, other.counter, other.tabId)
    }

    /// The version of a write by `tabId` at wall time `now` that replaces values at `replaced`
    /// (the versions of every key, or field, it writes). Later than all of them in the strategy's
    /// order, so a write made after seeing a value always replaces it.
    static func write(
        replacing replaced: some Sequence<KeyVersion>, at now: WallClockInstant, by tabId: String, earliestFirst: Bool
    ) -> KeyVersion {
        let version = nextWrite(replacing: replaced, at: now, by: tabId, earliestFirst: earliestFirst)
        invariant(
            replaced.allSatisfy { version.wins(over: $0, earliestFirst: earliestFirst) },
            "a write at \(version) does not order after what it replaces")
        return version
    }

    private static func nextWrite(
        replacing replaced: some Sequence<KeyVersion>, at now: WallClockInstant, by tabId: String, earliestFirst: Bool
    ) -> KeyVersion {
        let writes = replaced.lazy.filter { !$0.isDefault }
        if earliestFirst {
            guard let top = writes.max(by: { $1.wins(over: $0, earliestFirst: true) }) else {
                return KeyVersion(counter: 1, time: now, tabId: tabId)
            }
            if top.counter < maxCounter { return KeyVersion(counter: top.counter + 1, time: now, tabId: tabId) }
            // At the cap a later count cannot be had: an earlier time wins instead.
            return KeyVersion(counter: maxCounter, time: top.time + -1, tabId: tabId)
        }
        guard let latest = writes.max(by: { ($0.time, $0.counter) < ($1.time, $1.counter) }), latest.time >= now
        else { return KeyVersion(counter: 1, time: now, tabId: tabId) }
        if latest.counter < maxCounter {
            return KeyVersion(counter: latest.counter + 1, time: latest.time, tabId: tabId)
        }
        return KeyVersion(counter: 1, time: latest.time + 1, tabId: tabId)
    }
}

extension KeyVersion {
    /// `{"counter": 3, "tabId": "...", "time": 1700}`, as the wire carries it.
    var json: JSONValue {
        .object(["counter": .number(Double(counter)), "tabId": .string(tabId), "time": .number(Double(time.ms))])
    }
}
