/// What travels on a channel. Tabs of this engine post typed messages; anything else a channel may
/// carry (another implementation, an older version, a buggy or hostile tab) arrives as raw JSON and
/// is decoded and checked like untrusted input.
public enum ChannelFrame: Sendable {
    case message(SyncMessage)
    case json(JSONValue)
}
