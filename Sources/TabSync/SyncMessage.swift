/// The spec's `SyncMessageType`, plus one extension: `TAB_CLOSE`, the goodbye a tab sends when it
/// stops, so that others forget it at once and elect a successor without waiting for a timeout.
public enum SyncMessageType: String, Codable, Sendable, CaseIterable {
    case stateUpdate = "STATE_UPDATE"
    case stateRequest = "STATE_REQUEST"
    case stateResponse = "STATE_RESPONSE"
    case leaderElection = "LEADER_ELECTION"
    case leaderAnnounce = "LEADER_ANNOUNCE"
    case tabPing = "TAB_PING"
    case tabPong = "TAB_PONG"
    case heartbeat = "HEARTBEAT"
    case tabClose = "TAB_CLOSE"
}

extension SyncMessageType {
    /// Position in `allCases`, for counting without hashing.
    var ordinal: Int {
        switch self {
        case .stateUpdate: 0
        case .stateRequest: 1
        case .stateResponse: 2
        case .leaderElection: 3
        case .leaderAnnounce: 4
        case .tabPing: 5
        case .tabPong: 6
        case .heartbeat: 7
        case .tabClose: 8
        }
    }
}

/// When and by whom a key was last written. Ordered by time, then tab id, so any two stamps are
/// ordered and every tab orders them the same way (used by first-write-wins).
public struct WriteStamp: Codable, Sendable, Hashable, Comparable {
    public var time: Milliseconds
    public var tabId: String

    public init(time: Milliseconds, tabId: String) {
        self.time = time
        self.tabId = tabId
    }

    public static func < (a: WriteStamp, b: WriteStamp) -> Bool {
        (a.time, a.tabId) < (b.time, b.tabId)
    }
}

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
            var priority: Milliseconds?
            var epoch: Int?
            var requestId: Int?
            var targetId: String?
            var stamps: [String: WriteStamp]?
        }

        /// Mutated only when uniquely referenced (`fieldsForWriting`), hence safe to share.
        private final class Box: @unchecked Sendable {
            var fields: Fields
            init(_ fields: Fields) { self.fields = fields }
        }

        private var box: Box

        public var state: StateDocument? { get { box.fields.state } set { fieldsForWriting.state = newValue } }
        /// The keys this message speaks for. A key listed here but absent from `state` was removed.
        public var keys: [String]? { get { box.fields.keys } set { fieldsForWriting.keys = newValue } }
        public var leaderId: String? { get { box.fields.leaderId } set { fieldsForWriting.leaderId = newValue } }
        /// The sender's election priority: its creation time (lower is older and wins).
        public var priority: Milliseconds? { get { box.fields.priority } set { fieldsForWriting.priority = newValue } }
        /// Extension: the election term of a leadership claim, heartbeat or election message.
        public var epoch: Int? { get { box.fields.epoch } set { fieldsForWriting.epoch = newValue } }
        /// Extension: which STATE_REQUEST a STATE_RESPONSE answers.
        public var requestId: Int? { get { box.fields.requestId } set { fieldsForWriting.requestId = newValue } }
        /// Extension: the tab a STATE_RESPONSE is for (a channel has no unicast).
        public var targetId: String? { get { box.fields.targetId } set { fieldsForWriting.targetId = newValue } }
        /// Extension: when each key in `keys` was written, and by whom.
        public var stamps: [String: WriteStamp]? { get { box.fields.stamps } set { fieldsForWriting.stamps = newValue } }

        public init(
            state: StateDocument? = nil, keys: [String]? = nil, leaderId: String? = nil,
            priority: Milliseconds? = nil, epoch: Int? = nil, requestId: Int? = nil,
            targetId: String? = nil, stamps: [String: WriteStamp]? = nil
        ) {
            box = Box(Fields(state: state, keys: keys, leaderId: leaderId, priority: priority, epoch: epoch,
                             requestId: requestId, targetId: targetId, stamps: stamps))
        }

        /// The fields, copied first if another payload shares them.
        private var fieldsForWriting: Fields {
            get { box.fields }
            _modify {
                if !isKnownUniquelyReferenced(&box) { box = Box(box.fields) }
                yield &box.fields
            }
        }

        var isEmpty: Bool {
            state == nil && keys == nil && leaderId == nil && priority == nil && epoch == nil
                && requestId == nil && targetId == nil && stamps == nil
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
    public var timestamp: Milliseconds
    public var payload: Payload?
    /// Extension: the sender's protocol version.
    public var version: Int?

    public init(type: SyncMessageType, tabId: String, timestamp: Milliseconds, payload: Payload? = nil,
                version: Int? = SyncMessage.protocolVersion) {
        self.type = type
        self.tabId = tabId
        self.timestamp = timestamp
        self.payload = payload
        self.version = version
    }
}

// MARK: - Text

extension SyncMessage.Payload {
    /// The payload as a JSON value with the spec's field names.
    public var json: JSONValue {
        var o: [String: JSONValue] = [:]
        if let state { o["state"] = .object(state) }
        if let keys { o["keys"] = .array(keys.map { .string($0) }) }
        if let leaderId { o["leaderId"] = .string(leaderId) }
        if let priority { o["priority"] = .number(Double(priority)) }
        if let epoch { o["epoch"] = .number(Double(epoch)) }
        if let requestId { o["requestId"] = .number(Double(requestId)) }
        if let targetId { o["targetId"] = .string(targetId) }
        if let stamps {
            o["stamps"] = .object(stamps.mapValues { .object(["time": .number(Double($0.time)), "tabId": .string($0.tabId)]) })
        }
        return .object(o)
    }

    /// The payload as compact JSON with sorted keys, as the debug log prints it (`{}` when empty).
    public var jsonText: String { json.description }
}

extension SyncMessage {
    /// The message as a JSON value with the spec's field names.
    public var json: JSONValue {
        var o: [String: JSONValue] = [
            "type": .string(type.rawValue), "tabId": .string(tabId), "timestamp": .number(Double(timestamp)),
        ]
        if let payload { o["payload"] = payload.json }
        if let version { o["version"] = .number(Double(version)) }
        return .object(o)
    }

    /// The message as one line of compact JSON with sorted keys.
    public var jsonText: String { json.description }
}

// MARK: - Decoding untrusted input

extension SyncMessage {
    /// The range every number of a message must be in: JSON's safe integers (a JavaScript tab cannot
    /// send others exactly). Within it, no arithmetic the engine does on a received number can overflow.
    public static let numberRange: ClosedRange<Int> = -maxSafeInteger...maxSafeInteger
    /// 2^53 - 1, JavaScript's `Number.MAX_SAFE_INTEGER`.
    public static let maxSafeInteger = 9_007_199_254_740_991

    /// The first number of the message outside its documented range, named: timestamps, priorities
    /// and stamp times are safe integers; epochs, request ids and versions are also 0 or more.
    public var rangeProblem: String? {
        func outside(_ value: Int?, _ field: String, nonNegative: Bool = false) -> String? {
            guard let value else { return nil }
            let range = nonNegative ? 0...Self.maxSafeInteger : Self.numberRange
            return range.contains(value) ? nil
                : "field '\(field)' is \(value), outside \(range.lowerBound)...\(range.upperBound)"
        }
        if let p = outside(timestamp, "timestamp") ?? outside(version, "version", nonNegative: true) { return p }
        guard let payload else { return nil }
        if let p = outside(payload.priority, "payload.priority")
            ?? outside(payload.epoch, "payload.epoch", nonNegative: true)
            ?? outside(payload.requestId, "payload.requestId", nonNegative: true) { return p }
        guard let stamps = payload.stamps, stamps.values.contains(where: { !Self.numberRange.contains($0.time) }) else {
            return nil
        }
        let key = stamps.keys.sorted().first { !Self.numberRange.contains(stamps[$0]!.time) }!
        return outside(stamps[key]!.time, "payload.stamps.\(key).time")
    }
}

/// Why a frame from the channel was not a usable message. Nothing of such a frame is applied.
public struct MalformedMessage: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

extension SyncMessage {
    /// Decodes a message from an arbitrary JSON value, as a tab must treat whatever arrives on a
    /// channel: every field is checked, and the first problem found is named.
    public init(json: JSONValue) throws(MalformedMessage) {
        guard case .object(let o) = json else { throw MalformedMessage("message is not an object") }
        guard let typeValue = o["type"] else { throw MalformedMessage("missing field 'type'") }
        guard let typeName = typeValue.stringValue else { throw MalformedMessage("field 'type' is not a string") }
        guard let type = SyncMessageType(rawValue: typeName) else { throw MalformedMessage("unknown type '\(typeName)'") }
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
        self.init(type: type, tabId: tabId, timestamp: timestamp, payload: payload, version: version)
    }

    private static func decodePayload(_ o: [String: JSONValue]) throws(MalformedMessage) -> Payload {
        var p = Payload()
        func field(_ name: String) -> JSONValue? {
            guard let v = o[name], v != .null else { return nil }
            return v
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
        if let v = field("leaderId") {
            guard let s = v.stringValue else { throw MalformedMessage("field 'payload.leaderId' is not a string") }
            p.leaderId = s
        }
        if let v = field("priority") {
            guard let i = v.intValue else { throw MalformedMessage("field 'payload.priority' is not an integer") }
            p.priority = i
        }
        if let v = field("epoch") {
            guard let i = v.intValue else { throw MalformedMessage("field 'payload.epoch' is not an integer") }
            p.epoch = i
        }
        if let v = field("requestId") {
            guard let i = v.intValue else { throw MalformedMessage("field 'payload.requestId' is not an integer") }
            p.requestId = i
        }
        if let v = field("targetId") {
            guard let s = v.stringValue else { throw MalformedMessage("field 'payload.targetId' is not a string") }
            p.targetId = s
        }
        if let v = field("stamps") {
            guard case .object(let so) = v else { throw MalformedMessage("field 'payload.stamps' is not an object") }
            var stamps: [String: WriteStamp] = [:]
            for (key, sv) in so {
                guard case .object(let st) = sv, let t = st["time"]?.intValue, let tab = st["tabId"]?.stringValue else {
                    throw MalformedMessage("field 'payload.stamps.\(key)' is not {time, tabId}")
                }
                stamps[key] = WriteStamp(time: t, tabId: tab)
            }
            p.stamps = stamps
        }
        return p
    }
}
