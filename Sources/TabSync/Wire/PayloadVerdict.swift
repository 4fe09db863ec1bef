/// What a payload's fields are worth to any receiver: the checks that depend on the payload alone,
/// not on who receives it. A channel hands one post to many receivers as copies sharing one
/// payload storage; the verdict is found once for all of them (`SyncMessage.Payload.verdict`).
///
/// What depends on the receiver (its own id, its clock, its highest epoch, its size limit) is
/// checked by each receiver, with `stateBytes` measured here.
///
/// Immutable, and a class so that handing it to each receiver is one retain.
public final class PayloadVerdict: Sendable {
    /// The first number outside its documented range, or a bad `name`, named (see
    /// `SyncMessage.rangeProblem`).
    public let rangeProblem: String?
    /// Why `keys` cannot stand for what `state` and `stamps` would write (see `keysProblem`).
    public let keysProblem: String?
    /// The state's approximate size as JSON, in bytes (0 without a state).
    public let stateBytes: Int
    /// Why a value of the state cannot be accepted: a non-finite number or nesting too deep.
    public let valueProblem: String?

    init(_ payload: SyncMessage.Payload) {
        rangeProblem = Self.rangeProblem(payload)
        if let state = payload.state {
            keysProblem = payload.keys.flatMap { Self.keysProblem($0, state, payload.stamps) }
            (stateBytes, valueProblem) = JSONValue.object(state).inspect()
        } else {
            keysProblem = nil
            (stateBytes, valueProblem) = (0, nil)
        }
    }

    /// Names are built only for a number found outside its range, and versions are sorted only
    /// then: nearly every payload is fine.
    private static func rangeProblem(_ payload: SyncMessage.Payload) -> String? {
        func outside(_ value: Int?, _ field: @autoclosure () -> String, nonNegative: Bool = false) -> String? {
            WireInteger.problem(value, field(), nonNegative: nonNegative)
        }
        if let p = outside(payload.priority?.ms, "payload.priority")
            ?? outside(payload.epoch, "payload.epoch", nonNegative: true)
            ?? outside(payload.requestId, "payload.requestId", nonNegative: true)
            ?? outside(payload.remaining, "payload.remaining", nonNegative: true)
        {
            return p
        }
        func counterProblem(_ value: Int?, _ field: @autoclosure () -> String) -> String? {
            guard let value, value > KeyVersion.maxCounter else { return nil }
            return "field '\(field())' is \(value), above the version counter's bound \(KeyVersion.maxCounter)"
        }
        if let p = outside(payload.counter, "payload.counter", nonNegative: true)
            ?? counterProblem(payload.counter, "payload.counter")
        {
            return p
        }
        if let name = payload.name, let p = SyncMessage.nameProblem(name) { return "field 'payload.name' \(p)" }
        func problem(_ key: String, _ v: KeyVersion, _ field: () -> String) -> String? {
            outside(v.time.ms, "\(field()).\(key).time")
                ?? outside(v.counter, "\(field()).\(key).counter", nonNegative: true)
                ?? counterProblem(v.counter, "\(field()).\(key).counter")
        }
        // Sorted only when one is wrong, so that the one named is the same in every run.
        func versionsProblem(_ versions: [String: KeyVersion]?, _ field: () -> String) -> String? {
            guard let versions, versions.contains(where: { problem($0.key, $0.value, field) != nil }) else {
                return nil
            }
            for (key, v) in versions.sorted(by: { $0.key < $1.key }) {
                if let p = problem(key, v, field) { return p }
            }
            return nil
        }
        if let p = versionsProblem(payload.stamps, { "payload.stamps" }) { return p }
        guard let fieldStamps = payload.fieldStamps,
            fieldStamps.values.contains(where: { versionsProblem($0, { "" }) != nil })
        else { return nil }
        for (key, versions) in fieldStamps.sorted(by: { $0.key < $1.key }) {
            if let p = versionsProblem(versions, { "payload.fieldStamps.\(key)" }) { return p }
        }
        return nil
    }

    /// Why `keys` cannot stand for what `state` and `stamps` would write: a key of either missing
    /// from `keys`, or a key listed twice. (A listed key absent from `state` is a removal.) With this,
    /// the keys the filters accept are exactly the keys a message can write.
    static func keysProblem(_ keys: [String], _ state: StateDocument, _ stamps: [String: KeyVersion]?) -> String? {
        // Few keys (the usual case) are scanned; many are hashed once. No closure is built either way.
        let set: Set<String>? = keys.count > 16 ? Set(keys) : nil
        if let set {
            if set.count != keys.count { return "a key listed twice in keys" }
        } else {
            for i in keys.indices where keys[keys.index(after: i)...].contains(keys[i]) {
                return "key '\(keys[i])' listed twice in keys"
            }
        }
        func listed(_ key: String) -> Bool { set?.contains(key) ?? keys.contains(key) }
        // The first unlisted key in sorted order, so that the log is the same in every process.
        if state.keys.contains(where: { !listed($0) }), let key = state.keys.filter({ !listed($0) }).min() {
            return "state holds '\(key)', which keys does not list"
        }
        if let stamps, stamps.keys.contains(where: { !listed($0) }), let key = stamps.keys.filter({ !listed($0) }).min()
        {
            return "stamps name '\(key)', which keys does not list"
        }
        return nil
    }
}
