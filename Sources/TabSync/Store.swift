import Collections

/// Where a store change came from. The sync engine broadcasts only `.local` changes, which is
/// how applying remote state can never echo back, whatever the store's subscribers do
/// (the reference's echo guard was a counter around a synchronous setState: ANCHORS bug 11).
public enum ChangeOrigin: Sendable, Hashable {
    /// The application changed the store.
    case local
    /// The sync engine applied state received from another tab.
    case remote(tabId: String)
}

/// One change of a store, as its subscribers see it.
public struct StoreChange: Sendable {
    public let previous: StateDocument
    public let next: StateDocument
    /// Top-level keys whose value changed, was added or was removed: set keys sorted, then removed
    /// ones. Sorted because a dictionary's order changes from one process to the next, and the same
    /// inputs must give the same messages, byte for byte.
    public let changedKeys: [String]
    public let origin: ChangeOrigin
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
    /// Errors thrown by subscribers, counted rather than propagated.
    public private(set) var subscriberErrorCount = 0

    private var listeners: OrderedDictionary<Int, (StoreChange) throws -> Void> = [:]
    private var nextListenerId = 0
    private var queue: Deque<StoreChange> = []
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
    public func setState(_ partial: StateDocument, origin: ChangeOrigin = .local) {
        update(set: partial, remove: [], origin: origin)
    }

    /// Removes keys from the state.
    public func removeKeys(_ keys: [String], origin: ChangeOrigin = .local) {
        update(set: [:], remove: keys, origin: origin)
    }

    /// Sets some keys and removes others as one change, so subscribers never see half of it.
    /// Returns the keys that changed.
    @discardableResult
    public func update(set partial: StateDocument, remove: [String], origin: ChangeOrigin) -> [String] {
        var changed: [String] = []
        changed.reserveCapacity(partial.count + remove.count)
        var next = state
        for (key, value) in partial {
            if let old = next.updateValue(value, forKey: key), old == value { continue }
            changed.append(key)
        }
        changed.sort()
        for key in remove where next[key] != nil && partial[key] == nil {
            next[key] = nil
            changed.append(key)
        }
        guard !changed.isEmpty else { return [] }
        let change = StoreChange(previous: state, next: next, changedKeys: changed, origin: origin)
        state = next
        guard !listeners.isEmpty else { return changed }
        if notifying {
            queue.append(change)
        } else {
            notifying = true
            defer { notifying = false }
            notify(change)
            while let queued = queue.popFirst() { notify(queued) }
        }
        return changed
    }

    /// Calls `listener` after every change (zustand's `subscribe`).
    @discardableResult
    public func subscribe(_ listener: @escaping (StoreChange) throws -> Void) -> StoreSubscription {
        nextListenerId += 1
        listeners[nextListenerId] = listener
        return StoreSubscription(id: nextListenerId)
    }

    public func unsubscribe(_ subscription: StoreSubscription) {
        listeners[subscription.id] = nil
    }

    private func notify(_ change: StoreChange) {
        for listener in listeners.values {
            do { try listener(change) } catch { subscriberErrorCount += 1 }
        }
    }
}
