import Synchronization

/// The spec's `SyncMessage`: `type`, `tabId`, `timestamp`, `payload{state, keys, leaderId, priority}`,
/// with the same JSON field names. Extension fields are optional so a spec-only message still decodes.
public struct SyncMessage: Codable, Sendable, Equatable {
    /// The protocol version this engine speaks.
    public static let protocolVersion = 1

    /// The fields live in one shared box, copied on write: a message is copied many times on its
    /// way (into the frame, into events, through each receiver's checks), and copying a box is one
    /// retain where copying the fields was a hundred-byte copy and a retain for each of them.
    public struct Payload: Codable, Sendable, Equatable {
        /// The spec's fields; Codable as the plain struct was (absent fields left out).
        private struct Fields: Equatable, Codable {
            var state: StateDocument?
            var keys: [String]?
            var leaderId: String?
            var priority: WallClockInstant?
            var epoch: Int?
            var requestId: Int?
            var targetId: String?
            var stamps: [String: KeyVersion]?
            var counter: Int?
            var fieldStamps: [String: [String: KeyVersion]]?
            var digest: String?
            var peers: [String: WallClockInstant]?
            var name: String?
            var config: String?
            var unsettled: [String]?
            var remaining: Int?
        }

        /// Mutated only when uniquely referenced (`fieldsForWriting`), hence safe to share.
        private final class Box: @unchecked Sendable {
            var fields: Fields
            /// The fields' verdict, once found: shared by every copy of the payload, cleared by a write.
            let verdict = Mutex<PayloadVerdict?>(nil)
            init(_ fields: Fields) { self.fields = fields }
        }

        private var box: Box

        public var state: StateDocument? {
            get { box.fields.state }
            set { fieldsForWriting.state = newValue }
        }
        /// The keys this message speaks for. A key listed here but absent from `state` was removed.
        public var keys: [String]? {
            get { box.fields.keys }
            set { fieldsForWriting.keys = newValue }
        }
        public var leaderId: String? {
            get { box.fields.leaderId }
            set { fieldsForWriting.leaderId = newValue }
        }
        /// The sender's election priority: its creation time (lower is older and wins).
        public var priority: WallClockInstant? {
            get { box.fields.priority }
            set { fieldsForWriting.priority = newValue }
        }
        /// Extension: the election epoch of a leadership claim, heartbeat or election message.
        public var epoch: Int? {
            get { box.fields.epoch }
            set { fieldsForWriting.epoch = newValue }
        }
        /// Extension: which STATE_REQUEST a STATE_RESPONSE answers.
        public var requestId: Int? {
            get { box.fields.requestId }
            set { fieldsForWriting.requestId = newValue }
        }
        /// Extension: the tab a STATE_RESPONSE is for (a channel has no unicast).
        public var targetId: String? {
            get { box.fields.targetId }
            set { fieldsForWriting.targetId = newValue }
        }
        /// Extension: the version of each key in `keys` (see `KeyVersion`). A key without one is, in a
        /// STATE_UPDATE, written by the sender at the message's timestamp with counter `counter`; in a
        /// STATE_RESPONSE or STATE_REQUEST, the sender's default.
        public var stamps: [String: KeyVersion]? {
            get { box.fields.stamps }
            set { fieldsForWriting.stamps = newValue }
        }
        /// Extension: the counter of the keys of a STATE_UPDATE that have no entry in `stamps`.
        public var counter: Int? {
            get { box.fields.counter }
            set { fieldsForWriting.counter = newValue }
        }
        /// Extension, `merge` only: versions of object fields written after their key's version, per
        /// key; a field listed here and absent from the key's object was removed.
        public var fieldStamps: [String: [String: KeyVersion]]? {
            get { box.fields.fieldStamps }
            set { fieldsForWriting.fieldStamps = newValue }
        }
        /// Extension: a TAB_PING's or TAB_PONG's digest of the sender's synced versions (anti-entropy).
        public var digest: String? {
            get { box.fields.digest }
            set { fieldsForWriting.digest = newValue }
        }
        /// Extension: in a TAB_PONG to a newcomer (`targetId`), the live tabs the sender knows and their
        /// priorities, so the newcomer counts them at once (only one tab answers a newcomer).
        public var peers: [String: WallClockInstant]? {
            get { box.fields.peers }
            set { fieldsForWriting.peers = newValue }
        }
        /// Extension: in a TAB_PING or TAB_PONG, the sender's name for people (`BroadcastSyncConfig.tabName`),
        /// so a watcher can show it; at most `maxNameBytes` of UTF-8, no control characters. Tabs ignore it.
        public var name: String? {
            get { box.fields.name }
            set { fieldsForWriting.name = newValue }
        }

        /// Extension: in a TAB_PING, TAB_PONG or STATE_REQUEST, the fingerprint of what decides the
        /// sender's convergence (`BroadcastSyncConfig.fingerprint`): strategy, syncKeys, excludeKeys.
        public var config: String? {
            get { box.fields.config }
            set { fieldsForWriting.config = newValue }
        }
        /// Extension: in a TAB_PING or TAB_PONG, the keys the `digest` leaves out because they changed
        /// within the sender's settle window (their updates may still be on their way).
        public var unsettled: [String]? {
            get { box.fields.unsettled }
            set { fieldsForWriting.unsettled = newValue }
        }

        /// Extension: in a STATE_RESPONSE split across frames (a state larger than one frame), how
        /// many parts of the same answer are still to come; the last has 0 (or none).
        public var remaining: Int? {
            get { box.fields.remaining }
            set { fieldsForWriting.remaining = newValue }
        }

        public init(
            state: StateDocument? = nil, keys: [String]? = nil, leaderId: String? = nil,
            priority: WallClockInstant? = nil, epoch: Int? = nil, requestId: Int? = nil,
            targetId: String? = nil, stamps: [String: KeyVersion]? = nil, counter: Int? = nil,
            fieldStamps: [String: [String: KeyVersion]]? = nil, digest: String? = nil,
            peers: [String: WallClockInstant]? = nil, name: String? = nil
        ) {
            box = Box(
                Fields(
                    state: state, keys: keys, leaderId: leaderId, priority: priority, epoch: epoch,
                    requestId: requestId, targetId: targetId, stamps: stamps, counter: counter,
                    fieldStamps: fieldStamps, digest: digest, peers: peers, name: name))
        }

        /// The fields, copied first if another payload shares them.
        private var fieldsForWriting: Fields {
            get { box.fields }
            _modify {
                if isKnownUniquelyReferenced(&box) {
                    box.verdict.withLock { $0 = nil }
                } else {
                    box = Box(box.fields)
                }
                yield &box.fields
            }
        }

        /// What the payload's fields are worth to any receiver (`PayloadVerdict`), found the first
        /// time it is asked for and kept: the copies a channel hands to each receiver share it.
        public var verdict: PayloadVerdict {
            box.verdict.withLock { kept in
                if let kept { return kept }
                let found = PayloadVerdict(self)
                kept = found
                return found
            }
        }

        var isEmpty: Bool {
            state == nil && keys == nil && leaderId == nil && priority == nil && epoch == nil
                && requestId == nil && targetId == nil && stamps == nil && counter == nil && fieldStamps == nil
                && digest == nil && peers == nil && name == nil && config == nil && unsettled == nil
                && remaining == nil
        }

        public static func == (a: Payload, b: Payload) -> Bool {
            a.box === b.box || a.box.fields == b.box.fields
        }

        public init(from decoder: any Decoder) throws {
            box = Box(try Fields(from: decoder))
        }

        public func encode(to encoder: any Encoder) throws {
            try box.fields.encode(to: encoder)
        }
    }

    public var type: SyncMessageType
    public var tabId: String
    public var timestamp: WallClockInstant
    public var payload: Payload?
    /// Extension: the sender's protocol version.
    public var version: Int?

    public init(
        type: SyncMessageType, tabId: String, timestamp: WallClockInstant, payload: Payload? = nil,
        version: Int? = SyncMessage.protocolVersion
    ) {
        self.type = type
        self.tabId = tabId
        self.timestamp = timestamp
        self.payload = payload
        self.version = version
    }
}

extension SyncMessage.Payload {
    /// The payload as a JSON value with the spec's field names.
    public var json: JSONValue {
        var o: [String: JSONValue] = [:]
        if let state { o["state"] = .object(state) }
        if let keys { o["keys"] = .array(keys.map { .string($0) }) }
        if let leaderId { o["leaderId"] = .string(leaderId) }
        if let priority { o["priority"] = .number(Double(priority.ms)) }
        if let epoch { o["epoch"] = .number(Double(epoch)) }
        if let requestId { o["requestId"] = .number(Double(requestId)) }
        if let targetId { o["targetId"] = .string(targetId) }
        if let stamps { o["stamps"] = .object(stamps.mapValues(\.json)) }
        if let counter { o["counter"] = .number(Double(counter)) }
        if let fieldStamps { o["fieldStamps"] = .object(fieldStamps.mapValues { .object($0.mapValues(\.json)) }) }
        if let digest { o["digest"] = .string(digest) }
        if let peers { o["peers"] = .object(peers.mapValues { .number(Double($0.ms)) }) }
        if let name { o["name"] = .string(name) }
        if let config { o["config"] = .string(config) }
        if let unsettled { o["unsettled"] = .array(unsettled.map { .string($0) }) }
        if let remaining { o["remaining"] = .number(Double(remaining)) }
        return .object(o)
    }

    /// The payload as compact JSON with sorted keys, as the debug log prints it (`{}` when empty).
    public var jsonText: String { json.description }
}

extension SyncMessage {
    /// The message as a JSON value with the spec's field names.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "type": .string(type.rawValue), "tabId": .string(tabId), "timestamp": .number(Double(timestamp.ms)),
        ]
        if let payload { o["payload"] = payload.json }
        if let version { o["version"] = .number(Double(version)) }
        return .object(o)
    }

    /// The message as one line of compact JSON with sorted keys.
    public var jsonText: String { json.description }
}

extension SyncMessage {
    /// The longest `payload.name`, in bytes of UTF-8.
    public static let maxNameBytes = 64

    /// What is wrong with a tab's name (too long, or holding a control character), or nil. A name
    /// is shown on other people's screens: it must not be able to move their cursor or flood them.
    public static func nameProblem(_ name: String) -> String? {
        if name.utf8.count > maxNameBytes { return "is longer than \(maxNameBytes) bytes" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "holds a control character"
        }
        return nil
    }

    /// The range every number of a message must be in (`WireInteger.range`).
    public static let numberRange: ClosedRange<Int> = WireInteger.range
    /// 2^53 - 1, JavaScript's `Number.MAX_SAFE_INTEGER` (`WireInteger.max`).
    public static let maxSafeInteger = WireInteger.max

    /// The first number of the message outside its documented range, named: timestamps, priorities
    /// and version times are safe integers; epochs, request ids, version counters and the protocol
    /// version are also 0 or more, so `counter + 1` and `epoch + 1` can never overflow.
    /// A `payload.name` over `maxNameBytes` or holding a control character is named too.
    /// The payload's part is its `verdict`'s, found once however many receivers share the payload.
    public var rangeProblem: String? { rangeProblem(payload?.verdict) }

    /// `rangeProblem`, with the payload's verdict at hand.
    func rangeProblem(_ verdict: PayloadVerdict?) -> String? {
        WireInteger.problem(timestamp.ms, "timestamp")
            ?? WireInteger.problem(version, "version", nonNegative: true)
            ?? verdict?.rangeProblem
    }
}

extension SyncMessage {
    /// Decodes a message from an arbitrary JSON value, as a tab must treat whatever arrives on a
    /// channel: every field is checked, and the first problem found is named.
    public init(json: JSONValue) throws(MalformedMessage) {
        guard case .object(let o) = json else { throw MalformedMessage("message is not an object") }
        guard let typeValue = o["type"] else { throw MalformedMessage("missing field 'type'") }
        guard let typeName = typeValue.stringValue else { throw MalformedMessage("field 'type' is not a string") }
        guard let type = SyncMessageType(rawValue: typeName) else {
            throw MalformedMessage("unknown type '\(typeName)'")
        }
        guard let tabValue = o["tabId"] else { throw MalformedMessage("missing field 'tabId'") }
        guard let tabId = tabValue.stringValue else { throw MalformedMessage("field 'tabId' is not a string") }
        guard let tsValue = o["timestamp"] else { throw MalformedMessage("missing field 'timestamp'") }
        guard let timestamp = tsValue.intValue else { throw MalformedMessage("field 'timestamp' is not an integer") }
        var version: Int? = nil
        if let v = o["version"], v != .null {
            guard let i = v.intValue else { throw MalformedMessage("field 'version' is not an integer") }
            version = i
        }
        var payload: Payload? = nil
        if let p = o["payload"], p != .null {
            guard case .object(let po) = p else { throw MalformedMessage("field 'payload' is not an object") }
            payload = try Self.decodePayload(po)
        }
        self.init(
            type: type, tabId: tabId, timestamp: WallClockInstant(ms: timestamp), payload: payload, version: version)
    }

    private static func decodePayload(_ o: [String: JSONValue]) throws(MalformedMessage) -> Payload {
        var p = Payload()
        func field(_ name: String) -> JSONValue? {
            guard let v = o[name], v != .null else { return nil }
            return v
        }
        // The optional scalar fields: absent or null is nil, any other type is named as the problem.
        func string(_ name: String) throws(MalformedMessage) -> String? {
            guard let v = field(name) else { return nil }
            guard let s = v.stringValue else { throw MalformedMessage("field 'payload.\(name)' is not a string") }
            return s
        }
        func int(_ name: String) throws(MalformedMessage) -> Int? {
            guard let v = field(name) else { return nil }
            guard let i = v.intValue else { throw MalformedMessage("field 'payload.\(name)' is not an integer") }
            return i
        }
        if let v = field("state") {
            guard case .object(let s) = v else { throw MalformedMessage("field 'payload.state' is not an object") }
            p.state = s
        }
        if let v = field("keys") {
            guard case .array(let a) = v else { throw MalformedMessage("field 'payload.keys' is not an array") }
            var keys: [String] = []
            for k in a {
                guard let s = k.stringValue else { throw MalformedMessage("field 'payload.keys' holds a non-string") }
                keys.append(s)
            }
            p.keys = keys
        }
        p.leaderId = try string("leaderId")
        p.priority = try int("priority").map(WallClockInstant.init(ms:))
        p.epoch = try int("epoch")
        p.requestId = try int("requestId")
        p.targetId = try string("targetId")
        if let v = field("stamps") { p.stamps = try versions(v, "payload.stamps") }
        if let v = field("counter") {
            guard let i = v.intValue, i >= 0 else { throw MalformedMessage("field 'payload.counter' is not a count") }
            p.counter = i
        }
        if let v = field("fieldStamps") {
            guard case .object(let fo) = v else {
                throw MalformedMessage("field 'payload.fieldStamps' is not an object")
            }
            var fieldStamps: [String: [String: KeyVersion]] = [:]
            for (key, fv) in fo { fieldStamps[key] = try versions(fv, "payload.fieldStamps.\(key)") }
            p.fieldStamps = fieldStamps
        }
        if let v = field("peers") {
            guard case .object(let po) = v else { throw MalformedMessage("field 'payload.peers' is not an object") }
            var peers: [String: WallClockInstant] = [:]
            for (id, pv) in po {
                guard let priority = pv.intValue, !id.isEmpty else {
                    throw MalformedMessage("field 'payload.peers.\(id)' is not a tab's priority")
                }
                peers[id] = WallClockInstant(ms: priority)
            }
            p.peers = peers
        }
        p.digest = try string("digest")
        if let name = try string("name") {
            if let problem = nameProblem(name) { throw MalformedMessage("field 'payload.name' \(problem)") }
            p.name = name
        }
        p.config = try string("config")
        p.remaining = try int("remaining")
        if let v = field("unsettled") {
            guard case .array(let a) = v else { throw MalformedMessage("field 'payload.unsettled' is not an array") }
            var keys: [String] = []
            for k in a {
                guard let s = k.stringValue else {
                    throw MalformedMessage("field 'payload.unsettled' holds a non-string")
                }
                keys.append(s)
            }
            p.unsettled = keys
        }
        return p
    }

    /// `{key: {counter, time, tabId}}`, every entry checked.
    private static func versions(_ v: JSONValue, _ name: String) throws(MalformedMessage) -> [String: KeyVersion] {
        guard case .object(let so) = v else { throw MalformedMessage("field '\(name)' is not an object") }
        var versions: [String: KeyVersion] = [:]
        for (key, sv) in so {
            guard case .object(let st) = sv, let c = st["counter"]?.intValue, c >= 0, let t = st["time"]?.intValue,
                let tab = st["tabId"]?.stringValue, !tab.isEmpty
            else { throw MalformedMessage("field '\(name).\(key)' is not {counter, time, tabId}") }
            versions[key] = KeyVersion(counter: c, time: WallClockInstant(ms: t), tabId: tab)
        }
        return versions
    }
}
