/// A configuration that cannot work, named by its field.
public struct ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    public let field: String
    public let reason: String
    public var description: String { "invalid configuration: \(field) \(reason)" }
}
