/// Which keys a tab syncs: the spec's `syncKeys` (empty: every key) less its `excludeKeys`.
///
/// Asked of every key of every delivery and every local change. Tabs sync a handful of keys, and
/// comparing a key with a few short strings costs less than hashing it once, so short lists are
/// searched in order and only long ones through a set.
struct KeyFilter: Sendable {
    /// Up to this many keys a list is searched in order.
    static let linearLimit = 8

    private let syncKeys: KeyList
    private let excludeKeys: KeyList
    /// True when every key passes (no syncKeys, no excludeKeys): callers skip the filtering.
    let acceptsAll: Bool

    init(syncKeys: [String], excludeKeys: [String]) {
        self.syncKeys = KeyList(syncKeys)
        self.excludeKeys = KeyList(excludeKeys)
        self.acceptsAll = syncKeys.isEmpty && excludeKeys.isEmpty
    }

    func accepts(_ key: String) -> Bool {
        !excludeKeys.contains(key) && (syncKeys.isEmpty || syncKeys.contains(key))
    }

    private enum KeyList: Sendable {
        case short([String])
        case long(Set<String>)

        init(_ keys: [String]) {
            self = keys.count <= KeyFilter.linearLimit ? .short(keys) : .long(Set(keys))
        }

        var isEmpty: Bool {
            switch self {
            case .short(let keys): keys.isEmpty
            case .long(let keys): keys.isEmpty
            }
        }

        func contains(_ key: String) -> Bool {
            switch self {
            case .short(let keys): keys.contains(key)
            case .long(let keys): keys.contains(key)
            }
        }
    }
}
