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
        case .message(let m): m.jsonText.utf8.count
        case .json(let json): json.description.utf8.count
        }
    }
}
