/// A request the simulation cannot carry out; nothing was changed.
public struct SimulationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
