/// What became of a received value that differed from the local one: `kept` the local value (the
/// received version lost), or replaced it although the received version is not plainly later
/// (concurrent writes settled, or arrival order). Plain propagation (a higher counter replacing a
/// lower one) is only `applied`.
public struct KeyDecision: Sendable, Equatable {
    public let key: String
    public let kept: Bool
    public let local: JSONValue?
    public let localVersion: KeyVersion?
    public let remote: JSONValue?
    public let remoteVersion: KeyVersion

    public init(
        key: String, kept: Bool, local: JSONValue?, localVersion: KeyVersion?, remote: JSONValue?,
        remoteVersion: KeyVersion
    ) {
        self.key = key
        self.kept = kept
        self.local = local
        self.localVersion = localVersion
        self.remote = remote
        self.remoteVersion = remoteVersion
    }

    /// `Kept theme=dark (v3 by a1b2c3) over v2 by d4e5f6`, or
    /// `Replaced theme=dark (v3 by a1b2c3) with light (v3 by d4e5f6)`.
    public var text: String {
        func value(_ v: JSONValue?) -> String { v?.description ?? "(absent)" }
        let mine = "\(value(local)) (\(localVersion?.description ?? "no version"))"
        if kept { return "Kept \(key)=\(mine) over \(remoteVersion)" }
        return "Replaced \(key)=\(mine) with \(value(remote)) (\(remoteVersion))"
    }
}
