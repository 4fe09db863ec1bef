/// The versioned document: the version of every synced key a tab holds (and, under `merge`, of
/// every object field), and what those versions decide: the version a local write takes, which
/// received values replace the local ones under each strategy, what an answer must carry, and the
/// digest repair compares.
///
/// The values themselves stay in the application's `Store`, the one copy of the state: each
/// operation reads them (`values`, borrowed, never copied) and says which to set or remove, and the
/// engine changes the store. Versions and values change together, so two tabs whose documents
/// agree and that applied the same decisions hold the same values.
///
/// The converging strategies are laws on this type (tested in `DocumentLawTests`): applying a set
/// of received writes gives the same document in any order, grouping and number of repetitions,
/// and the write that wins is the strategy's (the latest version under `last-write-wins`, the
/// highest count then the earliest under `first-write-wins`, per field under `merge`).
struct VersionedDocument {
    /// What a remote apply decided; the engine carries it out.
    struct Applied {
        /// Values to set in the store.
        var set: StateDocument = [:]
        /// Keys to remove from the store.
        var remove: [String] = []
        /// Keys whose value here is newer than the one received: the sender of an answer lacks them.
        var newerHere: [String] = []
        /// Decisions worth reporting (`KeyDecision`); collected only when someone observes.
        var decisions: [KeyDecision] = []
    }

    /// How received state combines with this document's (see `ConflictStrategy`).
    private(set) var strategy: ConflictStrategy
    /// The version of this tab's own defaults: counter 0, its creation time, its id.
    let ownDefault: KeyVersion
    private let keyFilter: KeyFilter
    /// The version of each synced key held here (see `KeyVersion`).
    private var versions = VersionTable()
    /// Under `merge`: the fields of object values written after their key's version (see `MergedKey`).
    private(set) var fieldVersions: [String: [String: KeyVersion]] = [:]
    private var fieldGeneration = 0
    /// The last digest with the held keys it covers, for the versions (`generation`, `fields`) and
    /// the store's `revision` it was computed at: valid while none of them moves.
    private var digestCache: (generation: Int, fields: Int, revision: Int, keys: [String], digest: String)?

    init(strategy: ConflictStrategy, ownDefault: KeyVersion, keyFilter: KeyFilter) {
        self.strategy = strategy
        self.ownDefault = ownDefault
        self.keyFilter = keyFilter
    }

    /// The tab whose document this is.
    var tabId: String { ownDefault.tabId }

    /// Changes the strategy from now on. Field versions mean something only under merge; kept, they
    /// would keep digests apart.
    mutating func setStrategy(_ strategy: ConflictStrategy) {
        self.strategy = strategy
        if strategy != .merge, !fieldVersions.isEmpty {
            fieldVersions = [:]
            fieldGeneration &+= 1
        }
    }

    // MARK: - Reading

    /// The version of a key's value here: nil for a key this tab holds nothing of (never set, never
    /// removed); `ownDefault` for a value nobody wrote here.
    func version(of key: String, values: StateDocument) -> KeyVersion? {
        versions[key] ?? (values[key] != nil ? ownDefault : nil)  // the value looked up only when needed
    }

    /// `version(of:values:)` for a reader outside the document (the engine's `version(of:)`, asked
    /// for every key a simulated tab holds after each of its events): mutating although it changes
    /// nothing, so that the engine's stored document is read in place, not copied first.
    mutating func readVersion(of key: String, values: StateDocument) -> KeyVersion? {
        version(of: key, values: values)
    }

    /// `version(of:values:)` with the key's local value at hand (`nil`: none).
    private func version(of key: String, holding value: JSONValue?) -> KeyVersion? {
        versions[key] ?? (value != nil ? ownDefault : nil)
    }

    /// Bumped by every change of a key's version: with the store's `revision`, what
    /// `version(of:values:)` answers depends on nothing else.
    var versionsGeneration: Int { versions.generation }

    /// The field versions of one key (empty: none, or not under merge).
    func fields(of key: String) -> [String: KeyVersion] { fieldVersions[key] ?? [:] }

    /// The version of every synced key held here (a value or a removal).
    mutating func keyVersions(values: StateDocument) -> [String: KeyVersion] {
        var all = versions.all().filter { keyFilter.accepts($0.key) }
        for key in values.keys where all[key] == nil && keyFilter.accepts(key) { all[key] = ownDefault }
        return all
    }

    /// Every synced key this tab holds a value or a removal of, sorted.
    mutating func heldKeys(values: StateDocument) -> [String] {
        // A key with a value and a version is listed once: the versions add only removed keys.
        var keys = keyFilter.acceptsAll ? Array(values.keys) : values.keys.filter(keyFilter.accepts)
        for key in versions.all().keys where values[key] == nil && keyFilter.accepts(key) { keys.append(key) }
        keys.sort()
        return keys
    }

    // MARK: - Local writes

    /// Gives the keys a local change wrote their new version (`KeyVersion.write`): after every
    /// version they replace, at wall time `now` (under `merge`, per field). `values` is the state
    /// after the change.
    mutating func writeLocally(
        _ changes: [KeyChange], keys: [String], at now: WallClockInstant, values: StateDocument
    ) {
        guard strategy == .merge else {
            let earliestFirst = strategy == .firstWriteWins
            let replaced = versions.versions(of: keys)
            versions.record(
                keys, KeyVersion.write(replacing: replaced, at: now, by: tabId, earliestFirst: earliestFirst))
            return
        }
        let before = changes.filter { keyFilter.accepts($0.key) }.map { c in
            (
                c.key,
                MergedKey(
                    version: versions[c.key] ?? (c.previous != nil ? ownDefault : nil),
                    value: c.previous, fields: fieldVersions[c.key] ?? [:])
            )
        }
        let version = KeyVersion.write(
            replacing: before.flatMap { $0.1.allVersions }, at: now, by: tabId, earliestFirst: false)
        for (key, old) in before {
            record(key, old.writing(values[key], at: version))
        }
    }

    /// Keeps a key's merge entry (its version and field versions).
    private mutating func record(_ key: String, _ merged: MergedKey) {
        if let v = merged.version { versions.record(key, v) }
        let fields = merged.fields.isEmpty ? nil : merged.fields
        if fieldVersions[key] != fields {
            fieldVersions[key] = fields
            fieldGeneration &+= 1
        }
    }

    // MARK: - Remote state

    /// The version a message gives `key` (nil: it holds nothing of it). Without an explicit one: in a
    /// STATE_UPDATE, the sender's write at the message's time with the payload's `counter`; in an
    /// answer, the sender's default. An update from a tab that sends no versions (a spec tab) is its
    /// write at the message's time: the same version in every receiver. (Under first-write-wins,
    /// whose counter is a write count the spec tab does not keep, it is one more than here.)
    func incomingVersion(
        _ key: String, _ m: SyncMessage, _ payload: SyncMessage.Payload, values: StateDocument
    ) -> KeyVersion? {
        incomingVersion(key, m, payload, local: { version(of: key, values: values) })
    }

    /// `incomingVersion(_:_:_:values:)`, asking for the local version only when it decides.
    private func incomingVersion(
        _ key: String, _ m: SyncMessage, _ payload: SyncMessage.Payload, local: () -> KeyVersion?
    ) -> KeyVersion? {
        if let v = payload.stamps?[key] { return v }
        if m.type == .stateUpdate {
            let counter =
                payload.counter
                ?? (strategy == .firstWriteWins ? min(KeyVersion.maxCounter, (local()?.counter ?? 0) + 1) : 1)
            return KeyVersion(counter: counter, time: m.timestamp, tabId: m.tabId)
        }
        guard payload.state?[key] != nil else { return nil }
        return KeyVersion(counter: 0, time: payload.priority ?? m.timestamp, tabId: m.tabId)
    }

    /// Applies the state `m` carries for `keys` (already filtered, each listed once) under the
    /// strategy, `custom` aside (`applyResolved`): records the versions that win and returns the
    /// values to set and remove. `values` is the local state; `observed` collects decisions.
    mutating func applyRemote(
        _ m: SyncMessage, _ payload: SyncMessage.Payload, _ state: StateDocument, keys: [String],
        values: StateDocument, observed: Bool
    ) -> Applied {
        switch strategy {
        case .lastWriteWins, .firstWriteWins, .arrivalOrder:
            return applyVersioned(m, payload, state, keys, values: values, observed: observed)
        case .merge:
            return applyMerge(m, payload, state, keys, values: values, observed: observed)
        case .custom:
            return Applied()
        }
    }

    /// The common case, kept free of intermediate collections and of the local values: an update
    /// of keys written together, arriving where those keys were last written together too (the
    /// versioned strategies). One compare decides them all. Observed, it takes only updates that
    /// are plainly later (nothing to log but the apply). Nil: not that case, `applyRemote` decides.
    mutating func applyUpdateOfSharedKeys(
        _ m: SyncMessage, _ payload: SyncMessage.Payload, _ state: StateDocument, keys: [String], observed: Bool
    ) -> Applied? {
        guard strategy == .lastWriteWins || strategy == .firstWriteWins || strategy == .arrivalOrder,
            payload.stamps == nil, m.type == .stateUpdate, let counter = payload.counter,
            let local = versions.shared(by: keys),
            case let incoming = KeyVersion(counter: counter, time: m.timestamp, tabId: m.tabId),
            !observed || !settles(incoming, over: local)
        else { return nil }
        guard strategy == .arrivalOrder || incoming.wins(over: local, earliestFirst: strategy == .firstWriteWins)
        else { return Applied() }
        versions.record(keys, incoming)
        let set = keys.count == state.count ? state : state.filter { keys.contains($0.key) }
        let remove = keys.count == state.count ? [] : keys.filter { state[$0] == nil }
        return Applied(set: set, remove: remove)
    }

    /// last-write-wins, first-write-wins and arrival order: per key, the received value replaces the
    /// local one when its version wins (arrival order: always), and the version comes with it.
    private mutating func applyVersioned(
        _ m: SyncMessage, _ payload: SyncMessage.Payload, _ state: StateDocument, _ keys: [String],
        values: StateDocument, observed: Bool
    ) -> Applied {
        if let applied = applyUpdateOfSharedKeys(m, payload, state, keys: keys, observed: observed) { return applied }
        let earliestFirst = strategy == .firstWriteWins
        let always = strategy == .arrivalOrder
        var applied = Applied()
        var won: [(key: String, version: KeyVersion, value: JSONValue?)] = []
        won.reserveCapacity(keys.count)
        for key in keys {
            // Each of the key's entries looked up once: this runs for every key of every delivery.
            let current = values[key]
            let local = version(of: key, holding: current)
            guard let incoming = incomingVersion(key, m, payload, local: { local }) else { continue }
            let value = state[key]
            guard always || incoming.wins(over: local, earliestFirst: earliestFirst) else {
                if incoming != local { applied.newerHere.append(key) }
                if value != current, observed {
                    applied.decisions.append(
                        KeyDecision(
                            key: key, kept: true, local: current, localVersion: local, remote: value,
                            remoteVersion: incoming))
                }
                continue
            }
            won.append((key, incoming, value))
            if value != current, observed, let local, settles(incoming, over: local) {
                // Not simply a later write: concurrent writes settled, or arrival order.
                applied.decisions.append(
                    KeyDecision(
                        key: key, kept: false, local: current, localVersion: local, remote: value,
                        remoteVersion: incoming))
            }
            if value == nil { applied.remove.append(key) }
        }
        if won.count == keys.count, applied.remove.isEmpty, state.count == keys.count {
            applied.set = state  // every key won and has a value: the received document is the one to set
        } else if won.count > applied.remove.count {
            // Sized once (reserveCapacity on the empty document went through the unspecialized path).
            applied.set = StateDocument(minimumCapacity: won.count - applied.remove.count)
            for w in won { if let value = w.value { applied.set[w.key] = value } }
        }
        // Recorded before the store changes: a subscriber writing in reaction writes after it. Keys
        // that all won with one version are recorded together, so the next update takes the fast path.
        if won.count == keys.count, let first = won.first, won.allSatisfy({ $0.version == first.version }) {
            versions.record(keys, first.version)
        } else {
            for w in won { versions.record(w.key, w.version) }
        }
        return applied
    }

    /// True when applying (or not) `incoming` over `local` is a decision worth reporting: it loses,
    /// or it replaces a value it is not simply later than (first-write-wins settling equal counts
    /// on the earlier write, arrival order taking an older one), or it replaces this tab's own write
    /// (under last-write-wins, the later write: a timestamp cannot tell whether its writer had seen
    /// this tab's, so the user is told either way).
    private func settles(_ incoming: KeyVersion, over local: KeyVersion) -> Bool {
        switch strategy {
        case .firstWriteWins: return incoming.counter <= local.counter
        default: return !incoming.wins(over: local, earliestFirst: false) || local.tabId == tabId
        }
    }

    /// merge: each key's entry joins the received one (see `MergedKey`). Pending local changes stay
    /// pending: what goes out is the merged value with every version, which loses nothing.
    private mutating func applyMerge(
        _ m: SyncMessage, _ payload: SyncMessage.Payload, _ state: StateDocument, _ keys: [String],
        values: StateDocument, observed: Bool
    ) -> Applied {
        var applied = Applied()
        for key in keys {
            guard let v = incomingVersion(key, m, payload, values: values) else { continue }
            let incoming = MergedKey(version: v, value: state[key], fields: payload.fieldStamps?[key] ?? [:])
            let local = MergedKey(
                version: version(of: key, values: values), value: values[key], fields: fieldVersions[key] ?? [:])
            let merged = local.merging(incoming)
            if merged != incoming { applied.newerHere.append(key) }
            if merged == local {
                if incoming.value != local.value, observed {
                    applied.decisions.append(
                        KeyDecision(
                            key: key, kept: true, local: local.value, localVersion: local.version,
                            remote: incoming.value, remoteVersion: v))
                }
                continue
            }
            record(key, merged)
            guard merged.value != local.value else { continue }
            if let value = merged.value { applied.set[key] = value } else { applied.remove.append(key) }
        }
        return applied
    }

    /// custom: `resolved` is what the resolver returned for the message's `keys`; an applied key
    /// takes the received version. Nothing promises that tabs converge. The engine calls the
    /// resolver (user code, which may read this tab) before, never while the document changes.
    mutating func applyResolved(
        _ resolved: StateDocument, _ m: SyncMessage, _ payload: SyncMessage.Payload, _ state: StateDocument,
        keys: [String], values: StateDocument
    ) -> Applied {
        var applied = Applied()
        for (key, value) in resolved where keyFilter.accepts(key) && values[key] != value {
            applied.set[key] = value
            if let v = incomingVersion(key, m, payload, values: values) { versions.record(key, v) }
        }
        for key in keys where state[key] == nil && resolved[key] == nil {
            applied.remove.append(key)
            if let v = incomingVersion(key, m, payload, values: values) { versions.record(key, v) }
        }
        return applied
    }

    // MARK: - What goes on the wire

    /// The values of `keys` with their versions, leaving out versions equal to `implicit` (the
    /// receiver assumes it). Keys this tab holds nothing of are left out. `written`, when given,
    /// holds exactly the values of `keys`. Mutating although it changes nothing: called on the
    /// engine's stored document, a non-mutating call copied the whole document first (every update sent).
    mutating func payload(
        of keys: [String], written: StateDocument? = nil, implicit: KeyVersion?, values current: StateDocument
    ) -> SyncMessage.Payload {
        var state = written ?? StateDocument(minimumCapacity: keys.count)
        if written == nil {
            for key in keys { if let value = current[key] { state[key] = value } }
        }
        if let implicit, versions.shared(by: keys) == implicit, strategy != .merge {
            return SyncMessage.Payload(state: state, keys: keys)
        }
        var sent: [String] = []
        var stamps: [String: KeyVersion] = [:]
        for key in keys {
            guard let v = version(of: key, values: current) else { continue }
            sent.append(key)
            if v != implicit { stamps[key] = v }
        }
        var payload = SyncMessage.Payload(state: state, keys: sent, stamps: stamps.isEmpty ? nil : stamps)
        if strategy == .merge {
            let fields = fieldVersions.filter { sent.contains($0.key) }
            if !fields.isEmpty { payload.fieldStamps = fields }
        }
        return payload
    }

    /// The version every key of `keys` has, when the last write (sent or received) was to exactly `keys`.
    func sharedVersion(of keys: [String]) -> KeyVersion? { versions.shared(by: keys) }

    /// This document's versions without its values: what a state request carries, so that the
    /// answer holds only what would change here. Keys listed without a version hold this tab's defaults.
    mutating func versionsPayload(values: StateDocument) -> SyncMessage.Payload {
        let keys = heldKeys(values: values)
        var stamps: [String: KeyVersion] = [:]
        for key in keys { if let v = version(of: key, values: values), v != ownDefault { stamps[key] = v } }
        let fields = strategy == .merge && !fieldVersions.isEmpty ? fieldVersions : nil
        return SyncMessage.Payload(keys: keys, stamps: stamps.isEmpty ? nil : stamps, fieldStamps: fields)
    }

    /// Compares this document with a requester's versions (`keys` listed, `stamps` explicit, the
    /// rest at `owner`'s default): the keys whose value here would change the requester's (`send`),
    /// and whether the requester holds newer values of some (`behind`).
    mutating func differences(
        keys theirKeys: Set<String>, stamps: [String: KeyVersion], fields theirFields: [String: [String: KeyVersion]],
        owner: KeyVersion, values: StateDocument
    ) -> (send: [String], behind: Bool) {
        let held = heldKeys(values: values)
        let earliestFirst = strategy == .firstWriteWins
        var send: [String] = []
        var behind = false
        for key in Set(held).union(theirKeys.filter(keyFilter.accepts)).sorted() {
            let other = stamps[key] ?? (theirKeys.contains(key) ? owner : nil)
            let mine = version(of: key, values: values)
            if strategy == .merge {
                if mine != other || (theirFields[key] ?? [:]) != (fieldVersions[key] ?? [:]) {
                    if mine != nil { send.append(key) }
                    behind = true
                }
            } else if let mine, mine.wins(over: other, earliestFirst: earliestFirst) {
                send.append(key)
            } else if let other, other.wins(over: mine, earliestFirst: earliestFirst) {
                behind = true
            }
        }
        return (send, behind)
    }

    // MARK: - Digest

    /// The digest of this document's synced versions, as a TAB_PING carries it: two tabs with the
    /// same digest hold the same synced state. `revision` is the store's (`Store.revision`): the
    /// digest is cached until it or the versions change.
    mutating func digest(values: StateDocument, revision: Int) -> String {
        current(values: values, revision: revision).digest
    }

    /// The digest without the keys of `excluded` (sorted): those in motion, left out on both sides.
    mutating func digest(excluding excluded: [String], values: StateDocument, revision: Int) -> String {
        let full = current(values: values, revision: revision)
        guard !excluded.isEmpty else { return full.digest }
        var keys = full.keys
        keys.removeAll { excluded.binarySearchContains($0) }
        return keys.count == full.keys.count ? full.digest : digest(of: keys)
    }

    /// The held keys and their digest, from the cache while it is valid.
    private mutating func current(values: StateDocument, revision: Int) -> (keys: [String], digest: String) {
        if let c = digestCache, c.generation == versions.generation, c.fields == fieldGeneration,
            c.revision == revision
        {
            return (c.keys, c.digest)
        }
        let keys = heldKeys(values: values)
        let d = digest(of: keys)
        digestCache = (versions.generation, fieldGeneration, revision, keys, d)
        return (keys, d)
    }

    /// FNV-1a (64 bits) over each key of `keys` (held here, sorted), its version and its field
    /// versions, in key order; as hex. Deterministic across processes, unlike `Hasher`. It hashes
    /// versions, not values: a version names one write, so equal versions mean equal values, and the
    /// digest costs no encoding. A number goes in as its decimal text (pinned in `DigestTests`).
    private func digest(of keys: [String]) -> String {
        var hash = FNV1a()
        func mix(_ v: KeyVersion) {
            hash.mix(decimal: v.counter)
            hash.mix(decimal: v.time.ms)
            hash.mix(v.tabId)
        }
        for key in keys {
            hash.mix(key)
            mix(versions[key] ?? ownDefault)  // a held key without a version holds this tab's default
            guard !fieldVersions.isEmpty, let fields = fieldVersions[key] else { continue }
            for name in fields.keys.sorted() {
                hash.mix(name)
                mix(fields[name]!)
            }
        }
        return hash.hex()
    }
}

extension [String] {
    /// Whether a sorted array holds `element` (a ping's `unsettled` is sorted by its sender; one
    /// that is not merely makes the comparison fail, which repairs nothing it should not).
    func binarySearchContains(_ element: String) -> Bool {
        var low = 0
        var high = count
        while low < high {
            let mid = (low + high) / 2
            if self[mid] < element { low = mid + 1 } else { high = mid }
        }
        return low < count && self[low] == element
    }
}
