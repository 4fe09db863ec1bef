/// How a tab combines state it receives with its own. The spec's four strategies, each with a
/// precise meaning (the reference's first-write-wins and merge were broken: ANCHORS bugs 7 and 8).
public enum ConflictStrategy: String, Sendable, Hashable, CaseIterable, Codable {
    /// The spec's meaning: a remote value replaces the local one when it arrives. Two tabs that
    /// edit one key at the same instant each end with the other's value; the simulator's checker
    /// reports that divergence rather than hiding it (ANCHORS bug 6).
    case lastWriteWins = "last-write-wins"
    /// Each key keeps its earliest write, ordered by (write time, tab id): a remote value replaces
    /// the local one only if it was written earlier, or if the local value was never written (a
    /// default, which also adopts the others' defaults when joining). Concurrent edits converge on
    /// the earlier one; a later edit stays in the tab that made it.
    case firstWriteWins = "first-write-wins"
    /// Deep merge: where local and remote values are both objects they are merged field by field,
    /// recursively, the remote field winning; anything else (arrays, strings, numbers, null) is
    /// replaced by the remote value. `null` is a value, not a deletion. A key removed in the sending
    /// tab is removed here. A field missing from a remote object is kept, so removing a nested field
    /// does not propagate; remove or replace the top-level key for that.
    case merge = "merge"
    /// `customResolver(local, remote)` decides: `local` is this tab's synced state, `remote` the
    /// values the message carries; the returned keys are applied (only synced keys, only changes).
    /// A key removed in the sending tab is removed here unless the resolver returns a value for it.
    case custom = "custom"
}

/// What to do to the store for one received message.
struct Resolution {
    var set: StateDocument = [:]
    var remove: [String] = []
    /// The stamp each applied key now carries (nil: an unstamped default).
    var stamps: [String: WriteStamp?] = [:]
}

/// Remote state after the receiver's filters: what a message asks to change here.
struct IncomingState {
    /// The keys spoken for, already filtered by the receiver's syncKeys and excludeKeys.
    var keys: [String]
    var state: StateDocument
    /// Write stamps per key. A key without one is stamped `defaultStamp`: the message's time and
    /// sender for a STATE_UPDATE (it is a write), nothing for a STATE_RESPONSE (an unstamped value
    /// in an answer was never written: it is a default).
    var stamps: [String: WriteStamp]
    var defaultStamp: WriteStamp?

    func stamp(_ key: String) -> WriteStamp? { stamps[key] ?? defaultStamp }
}

extension ConflictStrategy {
    func resolve(
        _ incoming: IncomingState, local: StateDocument, localStamps: WriteStamps,
        customResolver: ((StateDocument, StateDocument) -> StateDocument)?, isSynced: (String) -> Bool
    ) -> Resolution {
        var r = Resolution()
        switch self {
        case .lastWriteWins:
            for key in incoming.keys {
                if let value = incoming.state[key] { r.set[key] = value } else { r.remove.append(key) }
                r.stamps[key] = incoming.stamp(key)
            }
        case .firstWriteWins:
            for key in incoming.keys {
                let remote = incoming.stamp(key)
                if let mine = localStamps[key] {
                    // A written value yields only to an earlier write, never to a default.
                    guard let remote, remote < mine else { continue }
                }
                if let value = incoming.state[key] { r.set[key] = value } else { r.remove.append(key) }
                r.stamps[key] = remote
            }
        case .merge:
            for key in incoming.keys {
                if let value = incoming.state[key] {
                    r.set[key] = Self.deepMerge(local[key], value)
                } else {
                    r.remove.append(key)
                }
                r.stamps[key] = incoming.stamp(key)
            }
        case .custom:
            guard let customResolver else { return r }
            let localSynced = local.filter { isSynced($0.key) }
            let remote = incoming.state.filter { incoming.keys.contains($0.key) }
            let resolved = customResolver(localSynced, remote)
            for (key, value) in resolved where isSynced(key) && local[key] != value {
                r.set[key] = value
                r.stamps[key] = incoming.stamp(key)
            }
            for key in incoming.keys where incoming.state[key] == nil && resolved[key] == nil {
                r.remove.append(key)
                r.stamps[key] = incoming.stamp(key)
            }
        }
        return r
    }

    /// Merges `remote` into `local`: objects field by field (recursively, remote winning),
    /// everything else replaced by `remote`.
    public static func deepMerge(_ local: JSONValue?, _ remote: JSONValue) -> JSONValue {
        guard case .object(var merged)? = local, case .object(let incoming) = remote else { return remote }
        for (key, value) in incoming {
            merged[key] = deepMerge(merged[key], value)
        }
        return .object(merged)
    }
}
