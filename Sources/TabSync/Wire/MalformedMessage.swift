/// Why a frame from the channel was not a usable message. Nothing of such a frame is applied.
public struct MalformedMessage: Error, Sendable, Equatable, CustomStringConvertible {
    public let reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}
