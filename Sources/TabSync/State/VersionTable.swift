/// The version of each key this tab holds a written (or adopted) value of. A key in the store
/// with no entry holds this tab's own default (`KeyVersion` counter 0).
///
/// Write-combining: tabs write the same few keys again and again (a counter, a theme), so the last
/// write is kept as one version for its key list, and folded into the table (one hash per key) only
/// when a write to a different key list comes. A repeated write, sent or received, then costs no
/// hashing at all.
struct VersionTable {
    private var table: [String: KeyVersion] = [:]
    /// The keys of the last write, all at `lastVersion`; they shadow `table`.
    private var lastKeys: [String] = []
    private var lastVersion = KeyVersion(counter: 0, time: WallClockInstant(ms: 0), tabId: "")
    /// Beyond this many keys a lookup scanning `lastKeys` would cost more than the hashing it saves.
    private static let combineLimit = 8
    /// Bumped by every change, so that a digest computed earlier knows it is stale.
    private(set) var generation = 0

    /// The version of `key`; nil when it holds this tab's default or nothing.
    subscript(key: String) -> KeyVersion? {
        if !lastKeys.isEmpty, lastKeys.contains(key) { return lastVersion }
        return table[key]
    }

    /// The one version every key of `keys` has, when the last write was to exactly `keys`.
    func shared(by keys: [String]) -> KeyVersion? {
        !keys.isEmpty && keys == lastKeys ? lastVersion : nil
    }

    /// The versions of `keys` (those that have one): what a write of `keys` replaces.
    func versions(of keys: [String]) -> [KeyVersion] {
        if let v = shared(by: keys) { return [v] }
        return keys.compactMap { self[$0] }
    }

    /// Gives every key of `keys` the version `version`.
    mutating func record(_ keys: [String], _ version: KeyVersion) {
        generation &+= 1
        guard keys.count <= Self.combineLimit else {
            fold()
            for key in keys { table[key] = version }
            return
        }
        if keys != lastKeys {
            fold()
            lastKeys = keys
        }
        lastVersion = version
    }

    /// Gives one key a version.
    mutating func record(_ key: String, _ version: KeyVersion) {
        generation &+= 1
        fold()
        table[key] = version
    }

    /// Every key with a version, and the version.
    mutating func all() -> [String: KeyVersion] {
        fold()
        return table
    }

    private mutating func fold() {
        guard !lastKeys.isEmpty else { return }
        for key in lastKeys { table[key] = lastVersion }
        lastKeys = []
    }
}
