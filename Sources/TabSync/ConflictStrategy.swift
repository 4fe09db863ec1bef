/// How a tab combines state it receives with its own. Every synced key carries a version
/// (`KeyVersion`: a per-key counter, the writer's time, the writer's id); the strategies that
/// converge are defined on versions, so every tab reaches the same state whatever the order,
/// duplication or delay of messages, and repair (`AntiEntropy`) makes up for lost ones.
///
/// | strategy          | converges | a causally later write | concurrent writes of one key |
/// |-------------------|-----------|------------------------|------------------------------|
/// | last-write-wins   | yes       | wins                   | the later (time, tab id)     |
/// | first-write-wins  | yes       | wins                   | the earlier (time, tab id)   |
/// | merge             | yes       | wins, per object field | per field, as last-write-wins|
/// | custom            | not promised | the resolver decides | the resolver decides         |
/// | arrival-order     | no        | whichever arrives last | whichever arrives last       |
public enum ConflictStrategy: String, Sendable, Hashable, CaseIterable, Codable {
    /// The highest version wins: a write made after seeing another always wins; concurrent writes
    /// settle on the later one (time, then tab id) in every tab. A default loses to any write.
    case lastWriteWins = "last-write-wins"
    /// A write made after seeing the current value replaces it (so later edits spread); among
    /// concurrent writes of one key the earliest (time, then tab id) wins in every tab.
    case firstWriteWins = "first-write-wins"
    /// Objects merge field by field: concurrent edits of different fields of one key both survive,
    /// in every tab; two tabs editing the same field settle on its higher version (last-write-wins
    /// per field). A removed field or key propagates. Non-object values (and nested objects inside
    /// a field) are replaced whole, last-write-wins. See `MergedKey`.
    case merge = "merge"
    /// `customResolver(local, remote)` decides: `local` is this tab's synced state, `remote` the
    /// values the message carries; the returned keys are applied (only synced keys, only changes).
    /// A key removed in the sending tab is removed here unless the resolver returns a value for it.
    /// Convergence cannot be promised for an arbitrary resolver, and repair does not run.
    case custom = "custom"
    /// The spec's literal "remote state always overwrites local state": a received value replaces
    /// the local one when it arrives, whatever its version. Two tabs that edit one key at the same
    /// instant end with each other's value, and nothing repairs it. Kept on purpose, to show why
    /// versions matter; the versions still travel, so the log says which write overwrote which.
    case arrivalOrder = "arrival-order"

    /// True for the strategies that promise convergence: versions decide and repair runs.
    public var converges: Bool { self == .lastWriteWins || self == .firstWriteWins || self == .merge }
}
