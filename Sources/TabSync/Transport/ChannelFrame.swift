/// What travels on a channel. Tabs of this engine post typed messages; anything else a channel may
/// carry (another implementation, an older version, a buggy or hostile tab) arrives as raw JSON and
/// is decoded and checked like untrusted input.
public enum ChannelFrame: Sendable {
    case message(SyncMessage)
    case json(JSONValue)
}

extension ChannelFrame {
    /// The frame's size as compact JSON, in bytes (what a transport with a frame limit carries).
    public var encodedByteCount: Int {
        switch self {
        case .message(let m): m.json.utf8.count
        case .json(let json): json.utf8.count
        }
    }
}

extension ChannelFrame {
    /// The frame's bytes between processes: one compact JSON text with sorted keys, UTF-8 (the
    /// live transports write it, and the simulator's JSON wire mode).
    public var jsonBytes: [UInt8] {
        switch self {
        case .message(let m): m.json.utf8
        case .json(let value): value.utf8
        }
    }

    /// The frame a receiver reads from `utf8` (`JSONParser`'s rules), and whether it was JSON at all:
    /// bytes that are not arrive as a JSON string of their first 200 characters (as a string posted
    /// on a BroadcastChannel would), so that the engine drops them as malformed and counts them.
    public static func reading(_ utf8: some Collection<UInt8>) -> (frame: ChannelFrame, isJSON: Bool) {
        do {
            return (.json(try JSONValue(parsing: utf8)), true)
        } catch {
            return (.json(.string(String(String(decoding: utf8, as: UTF8.self).prefix(200)))), false)
        }
    }
}
