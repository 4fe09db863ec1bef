/// Repair after loss, partitions and freezes (anti-entropy). A BroadcastChannel delivers at most
/// once, so an update a tab missed is never sent again by itself. Each TAB_PING (every
/// `tabPingIntervalMs`) carries a digest of the sender's synced versions, 16 hex characters. A tab
/// that hears a digest different from its own sends the pinger a STATE_REPAIR with its versions
/// (no values); the pinger answers with the keys it holds newer values of, and asks back for the
/// keys the requester holds newer ones of. Every tab applies every answer (versions make that
/// safe), so one exchange repairs all the tabs that missed the same thing.
///
/// A digest is the sender's state when it pinged, compared with the receiver's when it arrives: a
/// difference is evidence of a miss only once the messages that could explain it have landed. So
/// a tab that sent or received a STATE_UPDATE within its settle window (twice the longest round trip
/// it measured lately, a quarter to one ping interval) neither compares digests nor sends its own,
/// a joining tab sends none, and a digest heard while this tab's own request is unanswered is
/// dropped if the answer moves this tab's state. With a fixed quarter ping interval, slow networks
/// (300-900 ms) sent more repair messages than updates while edits flowed, losing nothing.
/// After faults stop, every running tab converges within about one ping interval plus a few latencies.
///
/// The digest hashes versions, not values: a version names one write, so equal versions mean
/// equal values, and the digest costs no encoding of the state.
enum AntiEntropy {
    /// FNV-1a (64 bits) over each key, its version and its field versions, in key order; as hex.
    /// Deterministic across processes, unlike `Hasher`.
    static func digest(_ entries: [(key: String, version: KeyVersion, fields: [String: KeyVersion])]) -> String {
        var hash = FNV1a()
        func mix(_ text: String) { hash.mix(text) }
        func mix(_ v: KeyVersion) {
            mix(String(v.counter))
            mix(String(v.time.ms))
            mix(v.tabId)
        }
        for entry in entries {
            mix(entry.key)
            mix(entry.version)
            for name in entry.fields.keys.sorted() {
                mix(name)
                mix(entry.fields[name]!)
            }
        }
        return hash.hex()
    }
}
