/// One key as `merge` keeps it: a last-writer-wins map of the fields of an object value.
///
/// - `version` is the version of the key's last reset: a write of a non-object value, a removal, or
///   a write of an object where there was none. It orders as last-write-wins.
/// - `fields` holds the fields written after that reset, each with its own version; a field listed
///   here and absent from `value` was removed. A field of an object `value` not listed here was
///   written by the reset itself and has its version.
/// - A field whose version is below the key's version is dead (the reset replaced it) and dropped.
/// - A field written or removed after a reset to a non-object value (concurrently: its writer had
///   not seen the reset) is newer than the reset, so it wins: the value is again an object, of the
///   fields newer than the reset.
///
/// `merging` takes, for the key and for each field, the higher version (last-write-wins), then drops
/// the dead fields. That is a join: commutative, associative and idempotent, so replicas that have
/// seen the same writes, in any order and any number of times, hold the same value. Two tabs that
/// edit different fields both keep their edit; two tabs that edit the same field settle on the
/// higher version of that field, as last-write-wins would; a nested object inside a field is one
/// value (replaced whole, not merged further).
struct MergedKey: Equatable {
    var version: KeyVersion?
    var value: JSONValue?
    var fields: [String: KeyVersion] = [:]

    /// The version of a field of an object value (nil: not a field, or dead).
    func fieldVersion(_ field: String) -> KeyVersion? {
        if let v = fields[field] { return v }
        if case .object(let o)? = value, o[field] != nil { return version }
        return nil
    }

    /// The versions of the key and its fields: a new write orders after all of them.
    var allVersions: [KeyVersion] {
        (version.map { [$0] } ?? []) + fields.values
    }

    /// This key with `other` merged in (see the type's comment).
    func merging(_ other: MergedKey) -> MergedKey {
        let otherWins = other.version.map { $0.wins(over: version, earliestFirst: false) } ?? false
        let winner = otherWins ? other : self
        guard let base = winner.version else { return winner }
        var names = Set(fields.keys).union(other.fields.keys)
        if case .object(let o)? = value { names.formUnion(o.keys) }
        if case .object(let o)? = other.value { names.formUnion(o.keys) }
        var present: [String: JSONValue] = [:]
        var live: [String: KeyVersion] = [:]
        for name in names {
            let mine = fieldVersion(name)
            let theirs = other.fieldVersion(name)
            let takeTheirs = theirs.map { $0.wins(over: mine, earliestFirst: false) } ?? false
            guard let v = takeTheirs ? theirs : mine, !base.wins(over: v, earliestFirst: false) else { continue }
            if v != base { live[name] = v }
            if case .object(let o)? = takeTheirs ? other.value : value, let fieldValue = o[name] {
                present[name] = fieldValue
            }
        }
        // Fields newer than a reset to a non-object value make it an object again (entries newer
        // than the key's version exist only that way, or on an object): the same in every order.
        let isObject = if case .object = winner.value { true } else { !live.isEmpty }
        return MergedKey(version: base, value: isObject ? .object(present) : winner.value, fields: live)
    }

    /// This key after a local write of `next` (nil: removed) at `version`: a reset, unless both the
    /// old and the new value are objects, in which case only the fields that changed get `version`.
    func writing(_ next: JSONValue?, at version: KeyVersion) -> MergedKey {
        guard case .object(let new)? = next, case .object(let old)? = value else {
            return MergedKey(version: version, value: next)
        }
        var written = self
        for name in Set(old.keys).union(new.keys) where old[name] != new[name] {
            written.fields[name] = version
        }
        written.value = next
        return written
    }
}
