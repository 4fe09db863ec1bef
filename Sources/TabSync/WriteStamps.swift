/// When and by whom each key was last written in this tab: what first-write-wins compares, and what
/// answers to state requests carry so that a value keeps its true age when it travels.
///
/// Write-combining: tabs write the same few keys again and again (a counter, a theme), so the last
/// write is kept as one stamp for its key list, and folded into the table (one hash per key) only
/// when a write to a different key list comes. A repeated write then costs no hashing at all.
struct WriteStamps {
    private var table: [String: WriteStamp] = [:]
    /// The keys of the last write, all stamped `lastStamp`; they shadow `table`.
    private var lastKeys: [String] = []
    private var lastStamp: WriteStamp?
    /// Beyond this many keys a lookup scanning `lastKeys` would cost more than the hashing it saves.
    private static let combineLimit = 8

    /// The stamp of `key`; nil when it holds a default nobody wrote.
    subscript(key: String) -> WriteStamp? {
        if !lastKeys.isEmpty, lastKeys.contains(key) { return lastStamp }
        return table[key]
    }

    /// True when the last write was to exactly `keys`, with `stamp`: then each of them has it.
    func lastWrite(is keys: [String], stampedAt stamp: WriteStamp) -> Bool {
        lastStamp == stamp && !keys.isEmpty && keys == lastKeys
    }

    /// Stamps every key of `keys` with `stamp` (nil: the keys now hold unstamped defaults).
    mutating func record(_ keys: [String], _ stamp: WriteStamp?) {
        guard keys.count <= Self.combineLimit else {
            fold()
            for key in keys { table[key] = stamp }
            return
        }
        if keys != lastKeys {
            fold()
            lastKeys = keys
        }
        lastStamp = stamp
    }

    /// Stamps one key.
    mutating func record(_ key: String, _ stamp: WriteStamp?) {
        fold()
        table[key] = stamp
    }

    private mutating func fold() {
        guard !lastKeys.isEmpty else { return }
        for key in lastKeys { table[key] = lastStamp }
        lastKeys = []
    }
}
