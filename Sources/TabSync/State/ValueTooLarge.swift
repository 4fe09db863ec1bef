/// A local value no frame can carry: `Store.setState` refuses it, naming the key and the limit,
/// and changes nothing. Smaller values are split across as many frames as they need; one value
/// cannot be, so it is refused where the application can still do something about it.
public struct ValueTooLarge: Error, Sendable, Equatable, CustomStringConvertible {
    public let key: String
    /// The value's size as JSON, with its key, in bytes (approximate).
    public let bytes: Int
    /// The most one value may take in a frame.
    public let limit: Int

    public var description: String {
        "value of '\(key)' is about \(bytes) bytes of JSON; one frame carries values of at most \(limit) bytes"
    }
}
