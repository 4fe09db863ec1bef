import Collections

/// Where a store change came from. The sync engine broadcasts only `.local` changes, which is
/// how applying remote state can never echo back, whatever the store's subscribers do
/// (the reference's echo guard was a counter around a synchronous setState: reference bug 11 in Documentation/ReferenceBugs.md).
public enum ChangeOrigin: Sendable, Hashable {
    /// The application changed the store.
    case local
    /// The sync engine applied state received from another tab.
    case remote(tabId: String)
}

/// One change of a store, as its subscribers see it.
public struct StoreChange: Sendable {
    public let next: StateDocument
    public let origin: ChangeOrigin
    /// Each changed key with what it held before (nil: absent), in `changedKeys` order.
    let changes: [KeyChange]
    /// The partial state the change was asked for, when every key of it changed and none was
    /// removed: then it holds exactly the new values of `changedKeys`, and the sync sends it as is.
    let written: StateDocument?

    /// Top-level keys whose value changed, was added or was removed: set keys sorted, then removed
    /// ones. Sorted because a dictionary's order changes from one process to the next, and the same
    /// inputs must give the same messages, byte for byte.
    public var changedKeys: [String] { changes.map(\.key) }

    /// The state before the change, rebuilt on demand: the store changes its state in place, so a
    /// change costs what it changed, not a copy of the whole document.
    public var previous: StateDocument {
        var state = next
        for change in changes { state[change.key] = change.previous }
        return state
    }
}

/// One key of a store change and what it held before (nil: absent).
struct KeyChange {
    let key: String
    let previous: JSONValue?
}

/// A handle to unsubscribe with.
public struct StoreSubscription: Hashable, Sendable {
    let id: Int
}

/// The zustand analog the engine syncs: a string-keyed document, partial updates, subscribers.
///
/// Subscribers are told of every change in order, each with its previous and next state.
/// A subscriber that sets state while being notified does not interrupt the others: the new
/// change is queued and delivered after the current one. A subscriber that throws is skipped
/// for that change; the error is counted and the others are still told.
public final class Store {
    public private(set) var state: StateDocument
    /// Counts the changes asked of `state` (bumped once per `setState`, `removeKeys` or `update`,
    /// whatever they changed): two equal readings mean the state did not change between them (for
    /// observers that poll, such as the simulator's winner oracle).
    public private(set) var revision = 0
    /// Errors thrown by subscribers, counted rather than propagated.
    public private(set) var subscriberErrorCount = 0

    private struct Listener {
        let localOnly: Bool
        let call: (StoreChange) throws -> Void
    }

    private var listeners: OrderedDictionary<Int, Listener> = [:]
    /// Listeners that want remote changes too: with none, applying remote state builds no change.
    private var allChangesListenerCount = 0
    private var nextListenerId = 0
    private var queue: Deque<StoreChange> = []
    private var changeBuffer: [KeyChange] = []
    private var notifying = false

    public init(_ initial: StateDocument = [:]) {
        self.state = initial
    }

    /// The whole state (zustand's `getState`).
    public func getState() -> StateDocument { state }

    /// The value of one key.
    public subscript(key: String) -> JSONValue? { state[key] }

    /// Merges a partial state into the state (zustand's `setState(partial)`).
    /// Keys whose value does not change are not reported; a set that changes nothing notifies no one.
    /// Throws, changing nothing, when a value is larger than a sync started on this store can send
    /// in one frame (`ValueTooLarge` names the key and the limit).
    public func setState(_ partial: StateDocument, origin: ChangeOrigin = .local) throws(ValueTooLarge) {
        if origin == .local { try check(partial) }
        changeReusingBuffer(set: partial, remove: [], origin: origin)
    }

    /// Throws what `setState` would refuse of `partial`, changing nothing.
    public func check(_ partial: StateDocument) throws(ValueTooLarge) {
        guard let valueCheck, partial.contains(where: { valueCheck($0.key, $0.value) != nil }) else { return }
        // In key order once one is refused, so that the refusal named is the same in every run.
        for (key, value) in partial.sorted(by: { $0.key < $1.key }) {
            if let refusal = valueCheck(key, value) { throw refusal }
        }
    }

    /// Set by a sync while it runs: the refusal of a local value too large for one frame (nil: fits).
    var valueCheck: ((String, JSONValue) -> ValueTooLarge?)?

    /// Removes keys from the state.
    public func removeKeys(_ keys: [String], origin: ChangeOrigin = .local) {
        changeReusingBuffer(set: [:], remove: keys, origin: origin)
    }

    /// Sets some keys and removes others as one change, so subscribers never see half of it.
    /// Returns the keys that changed.
    @discardableResult
    public func update(set partial: StateDocument, remove: [String], origin: ChangeOrigin) -> [String] {
        var changes: [KeyChange] = []
        change(set: partial, remove: remove, origin: origin, into: &changes)
        return changes.map(\.key)
    }

    /// A change whose list of keys nobody keeps: the store's own buffer is reused, moved out while
    /// in use (a listener setting state meanwhile gets a fresh one) so that it is never copied.
    private func changeReusingBuffer(set partial: StateDocument, remove: [String], origin: ChangeOrigin) {
        var changes: [KeyChange] = []
        swap(&changes, &changeBuffer)
        change(set: partial, remove: remove, origin: origin, into: &changes)
        changeBuffer = changes
    }

    /// `update`, listing each changed key with its previous value in `changes` (emptied first): the
    /// engine reuses one buffer, which spares an allocation on the path of every delivery. The keys
    /// come in `changedKeys` order when `sorted` or when someone listens; otherwise set keys come
    /// in no particular order.
    func change(
        set partial: StateDocument, remove: [String], origin: ChangeOrigin, sorted: Bool = true,
        into changes: inout [KeyChange]
    ) {
        let heard = if case .remote = origin { allChangesListenerCount > 0 } else { !listeners.isEmpty }
        revision &+= 1
        while changes.popLast() != nil {}  // keeps the capacity, without removeAll's generic path
        changes.reserveCapacity(partial.count + remove.count)
        for (key, value) in partial {
            let old = state.updateValue(value, forKey: key)
            if old != value { changes.append(KeyChange(key: key, previous: old)) }
        }
        if sorted || heard { Self.sortByKey(&changes) }
        let everyKeySet = changes.count == partial.count
        for key in remove where partial.isEmpty || partial[key] == nil {
            if let old = state.removeValue(forKey: key) { changes.append(KeyChange(key: key, previous: old)) }
        }
        guard heard, !changes.isEmpty else { return }
        let written = everyKeySet && changes.count == partial.count ? partial : nil
        let change = StoreChange(next: state, origin: origin, changes: changes, written: written)
        if notifying {
            queue.append(change)
        } else {
            notifying = true
            defer { notifying = false }
            notify(change)
            while let queued = queue.popFirst() { notify(queued) }
        }
    }

    /// Insertion sort for the usual handful of keys (no allocation), the standard sort beyond.
    private static func sortByKey(_ changes: inout [KeyChange]) {
        guard changes.count > 1 else { return }
        guard changes.count <= 16 else { return changes.sort { $0.key < $1.key } }
        for i in 1..<changes.count {
            var j = i
            while j > 0, changes[j].key < changes[j - 1].key {
                changes.swapAt(j, j - 1)
                j -= 1
            }
        }
    }

    /// Calls `listener` after every change (zustand's `subscribe`); with `localOnly`, after the
    /// application's own changes only, not after state applied from other tabs. The sync engine
    /// listens that way, which spares every delivery building a change nobody reads.
    @discardableResult
    public func subscribe(localOnly: Bool = false, _ listener: @escaping (StoreChange) throws -> Void)
        -> StoreSubscription
    {
        nextListenerId += 1
        listeners[nextListenerId] = Listener(localOnly: localOnly, call: listener)
        if !localOnly { allChangesListenerCount += 1 }
        return StoreSubscription(id: nextListenerId)
    }

    public func unsubscribe(_ subscription: StoreSubscription) {
        guard let removed = listeners.removeValue(forKey: subscription.id) else { return }
        if !removed.localOnly { allChangesListenerCount -= 1 }
    }

    private func notify(_ change: StoreChange) {
        let isRemote = if case .remote = change.origin { true } else { false }
        for listener in listeners.values where !(isRemote && listener.localOnly) {
            do { try listener.call(change) } catch { subscriberErrorCount += 1 }
        }
    }
}
